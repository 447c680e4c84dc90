import { ScrollArea, Stack, Text } from '@mantine/core';
import type { RecordProblem } from '../../../../shared/contract/formats';

/** The malformed records of a file, each as file:line: field: reason; nothing when there are none. */
export function ImportProblemList({ problems, total }: { problems: RecordProblem[]; total: number }) {
  if (total === 0) return null;
  return (
    <Stack gap={4}>
      <Text fw={600} c="red.9">
        {total.toLocaleString()} malformed record{total === 1 ? '' : 's'}
      </Text>
      <ScrollArea.Autosize mah={160} viewportProps={{ tabIndex: 0, 'aria-label': 'Malformed records' }}>
        <Stack gap={2} data-testid="import-problems">
          {problems.map((p, i) => (
            <Text key={i} size="xs" ff="monospace">
              {p.file.split(/[\\/]/).pop()}:{p.line}: {p.path ? `${p.path}: ` : ''}
              {p.reason}
            </Text>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}
