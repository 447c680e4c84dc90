import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { RoundSummary } from '../../../../shared/contract/insight';
import { RoundChange } from '../../components/RoundChange';
import { accuracyWithCount } from '../../../../shared/format';
import { TrainingCurve } from '../../components/TrainingCurve';
import { BucketCard } from './BucketCard';
import { RoundCharts, RoundMetricsTable } from './RoundCharts';
import { RoundStateBadge } from './RoundStateBadge';

function CountCards({ counts }: { counts: RoundSummary['counts'] }) {
  const cards = [
    ['Generated', counts.generated],
    ['Verified', counts.verified],
    ['Tools made', counts.toolsGenerated],
    ['Selected', counts.selected],
    ['Trained on', Object.values(counts.trained).reduce((a, b) => a + b, 0)],
  ] as const;
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }}>
      {cards.map(([label, value]) => (
        <Card withBorder key={label} data-testid={`round-count-${label.toLowerCase().replace(' ', '-')}`}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fz={26} fw={700}>
            {value.toLocaleString()}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function EvalCard({ runs }: { runs: RoundSummary['evalRuns'] }) {
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        Evaluation
      </Title>
      <Table fz="sm">
        <Table.Tbody>
          {runs.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{e.set}</Table.Td>
              <Table.Td>{e.mode === 'constrained' ? 'call grammar' : 'free text'}</Table.Td>
              <Table.Td>{e.accuracy === null ? '–' : accuracyWithCount(e.correct, e.items)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** One round: its counts, buckets, training curve, evaluation, change against the round before, metrics and lineage. */
export function RoundDetail({ round, previous }: { round: RoundSummary; previous?: RoundSummary }) {
  return (
    <Stack style={{ flex: 1, minWidth: 0 }} data-testid="round-detail">
      <Group justify="space-between">
        <Title order={3}>
          Round {round.seq} <RoundStateBadge state={round.state} />
        </Title>
        <Text size="sm" c="dimmed">
          run {round.runId} · {round.startedAt.replace('T', ' ').slice(0, 19)}
          {round.finishedAt ? ` → ${round.finishedAt.replace('T', ' ').slice(11, 19)}` : ''}
        </Text>
      </Group>
      <CountCards counts={round.counts} />
      <BucketCard round={round} previous={previous} />
      {round.trainCurve.length > 0 && (
        <Card withBorder data-testid="training-curve">
          <Title order={5} mb="xs">
            Training
          </Title>
          <TrainingCurve progress={round.trainCurve} />
        </Card>
      )}
      {round.evalRuns.length > 0 && <EvalCard runs={round.evalRuns} />}
      <RoundChange roundId={round.id} seq={round.seq} />
      <RoundCharts metrics={round.metrics} />
      <RoundMetricsTable metrics={round.metrics} />
      <Card withBorder>
        <Title order={5} mb="xs">
          Lineage
        </Title>
        <Text size="sm">
          {round.baseModel?.name ?? '–'} →{' '}
          {round.resultModel?.name ?? (round.state === 'rolled_back' ? '(rolled back: the base model stays)' : '–')}
        </Text>
      </Card>
    </Stack>
  );
}
