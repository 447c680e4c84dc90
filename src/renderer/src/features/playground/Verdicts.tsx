import { Badge, Group } from '@mantine/core';
import type { PlaygroundVerdict } from '../../../../shared/contract/playground';

export function Verdicts({ verdicts, testId }: { verdicts: PlaygroundVerdict[]; testId: string }) {
  return (
    <Group gap="xs" data-testid={testId}>
      {verdicts.map((v, i) => (
        <Badge key={i} color={v.passed ? 'teal' : 'red'} variant="light" title={v.reason} style={{ textTransform: 'none' }}>
          {v.verifier}: {v.passed ? 'pass' : 'fail'}
        </Badge>
      ))}
    </Group>
  );
}
