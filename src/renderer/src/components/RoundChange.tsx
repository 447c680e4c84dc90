import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { PairedComparison } from '../../../shared/contract/eval';
import { useApi } from '../api/client';
import { accuracyWithCount, formatP } from '../../../shared/format';

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** One paired test in words: the change, its 95 % interval and McNemar's p-value. */
export function PairedLine({ test }: { test: PairedComparison }) {
  return (
    <Text size="sm" data-testid="paired-line">
      {points(test.difference)} points on {test.n} paired items (95 % CI {points(test.interval.low)} to {points(test.interval.high)}),
      McNemar p = {formatP(test.pValue)}: {test.fixed} wrong→right, {test.broken} right→wrong
      {test.pValue < 0.05 ? ' — significant at 95 %' : ' — not significant at 95 %'}
    </Text>
  );
}

/** The items that flipped, by key. */
export function FlippedItems({ test }: { test: PairedComparison }) {
  if (test.fixed + test.broken === 0)
    return (
      <Text size="xs" c="dimmed">
        No item changed its verdict.
      </Text>
    );
  return (
    <Stack gap={2}>
      {test.fixedKeys.length > 0 && (
        <Text size="xs" data-testid="flipped-fixed">
          <b>wrong→right:</b> {test.fixedKeys.join(', ')}
        </Text>
      )}
      {test.brokenKeys.length > 0 && (
        <Text size="xs" data-testid="flipped-broken">
          <b>right→wrong:</b> {test.brokenKeys.join(', ')}
        </Text>
      )}
    </Stack>
  );
}

/** A round's change against round 0 and the last accepted round, with the paired test, and its verdict. */
export function RoundChange({ roundId, seq }: { roundId: number; seq: number }) {
  const data = useApi('insight.roundComparison', { id: roundId }, { skip: seq === 0, refreshOn: ['jobs.changed'] });
  if (seq === 0 || !data.data) return null;
  const { verdict, comparisons, acceptRule } = data.data;
  return (
    <Card withBorder data-testid="round-change">
      <Group justify="space-between" mb="xs">
        <Title order={5}>Change and verdict</Title>
        <Text size="xs" c="dimmed">
          rule: {acceptRule === 'significant' ? 'significant gain (McNemar, 95 %)' : 'tolerance'}
        </Text>
      </Group>
      {verdict && (
        <Group gap="xs" mb="sm" wrap="nowrap" align="flex-start">
          <Badge color={verdict.accepted ? 'teal.9' : 'grape.9'} variant="filled" style={{ flexShrink: 0 }}>
            {verdict.accepted ? 'accepted' : 'rolled back'}
          </Badge>
          <Text size="sm" data-testid="round-verdict">
            {verdict.reason}
          </Text>
        </Group>
      )}
      {comparisons.length === 0 ? (
        <Text size="sm" c="dimmed">
          No paired evaluation yet.
        </Text>
      ) : (
        <Stack gap="sm">
          {comparisons.map((c) => (
            <Stack key={`${c.set}-${c.against}`} gap={4}>
              <Text size="sm" fw={600}>
                {c.set} vs {c.against === 'round0' ? 'round 0' : `last accepted (round ${c.referenceSeq})`}:{' '}
                {accuracyWithCount(c.test.correctBefore, c.test.n)} → {accuracyWithCount(c.test.correctAfter, c.test.n)}
              </Text>
              <PairedLine test={c.test} />
              <FlippedItems test={c.test} />
            </Stack>
          ))}
        </Stack>
      )}
      {data.error && (
        <Text c="red" size="sm">
          {data.error.message}
        </Text>
      )}
    </Card>
  );
}
