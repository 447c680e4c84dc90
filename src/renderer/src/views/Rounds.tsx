import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import type { RoundSummary } from '../../../shared/contract/insight';
import { useApi } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { CurationBanner } from '../components/CurationBanner';
import { EvolveButton } from '../components/EvolveDialog';
import { RoundCharts, RoundMetricsTable } from '../components/RoundCharts';
import { accuracyWithCount, RoundChange } from '../components/RoundChange';
import { TrainingCurve } from '../components/TrainingCurve';
import { ViewHeader } from '../components/ViewHeader';

const STATE_COLOR: Record<string, string> = { accepted: 'teal', rolled_back: 'orange', failed: 'red', running: 'blue', cancelled: 'gray' };
// Filled, dark shades: white text keeps a 4.5:1 contrast.
const BADGE_COLOR: Record<string, string> = {
  accepted: 'teal.9',
  rolled_back: 'grape.9',
  failed: 'red.9',
  running: 'blue.9',
  cancelled: 'gray.7',
};

function RoundStateBadge({ state, size }: { state: string; size?: 'xs' | 'sm' }) {
  return (
    <Badge size={size} color={BADGE_COLOR[state] ?? 'gray.7'} variant="filled">
      {state === 'rolled_back' ? 'rolled back' : state}
    </Badge>
  );
}

export function Rounds() {
  const rounds = useApi('insight.rounds', {}, { refreshOn: ['jobs.changed', 'samples.changed'] });
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const list = rounds.data?.rounds ?? [];
  if (rounds.data && list.length === 0) {
    return (
      <Stack>
        <ViewHeader
          title="Rounds"
          description="The self-evolution timeline: what each round generated, selected, trained and scored."
          actions={<EvolveButton />}
        />
        <EmptyState title="No rounds yet">
          Each evolution round appears here with its samples, its pass@k buckets (mastered, learnable, unreachable), its training curve and
          its evaluation. Start an evolution job to create the first one.
        </EmptyState>
      </Stack>
    );
  }
  const selected = list.find((r) => r.id === selectedId) ?? list[list.length - 1];
  const index = selected ? list.indexOf(selected) : -1;
  const previous = index > 0 && list[index - 1]!.runId === selected!.runId ? list[index - 1] : undefined;
  return (
    <Stack>
      <ViewHeader
        title="Rounds"
        description="The self-evolution timeline: what each round generated, selected, trained and scored."
        actions={<EvolveButton />}
      />
      <CurationBanner />
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Card withBorder w={280} style={{ flexShrink: 0 }} data-testid="round-timeline">
          {/* One timeline per run, under the run's name: rounds of different runs never mix. */}
          <Stack gap="md">
            {[...new Set(list.map((r) => r.runId))].map((runId) => {
              const mine = list.filter((r) => r.runId === runId);
              return (
                <div key={runId} data-testid={`run-timeline-${runId}`}>
                  <Text size="sm" fw={700} mb={6}>
                    Run {runId}
                  </Text>
                  <Timeline active={mine.length} bulletSize={22} lineWidth={2}>
                    {mine.map((round) => (
                      <Timeline.Item
                        key={round.id}
                        color={STATE_COLOR[round.state] ?? 'gray'}
                        bullet={<Text size="xs">{round.seq}</Text>}
                        title={
                          <Text
                            component="button"
                            type="button"
                            fw={round.id === selected?.id ? 700 : 500}
                            style={{ cursor: 'pointer', background: 'none', border: 0, padding: 0, color: 'inherit' }}
                            onClick={() => setSelectedId(round.id)}
                            data-testid={runId === list[list.length - 1]!.runId ? `round-${round.seq}` : `round-${runId}-${round.seq}`}
                          >
                            Round {round.seq}
                          </Text>
                        }
                      >
                        <RoundStateBadge state={round.state} size="xs" />
                        <Text size="xs" c="dimmed">
                          {round.counts.generated} generated · {round.counts.selected} selected
                        </Text>
                      </Timeline.Item>
                    ))}
                  </Timeline>
                </div>
              );
            })}
          </Stack>
        </Card>
        {selected && <RoundDetail round={selected} previous={previous} />}
      </Group>
    </Stack>
  );
}

function RoundDetail({ round, previous }: { round: RoundSummary; previous?: RoundSummary }) {
  const histogram = (['mastered', 'learnable', 'unreachable'] as const).map((bucket) => ({
    bucket,
    'this round': round.buckets[bucket],
    ...(previous ? { 'previous round': previous.buckets[bucket] } : {}),
  }));
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
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        {(
          [
            ['Generated', round.counts.generated],
            ['Verified', round.counts.verified],
            ['Tools made', round.counts.toolsGenerated],
            ['Selected', round.counts.selected],
            ['Trained on', Object.values(round.counts.trained).reduce((a, b) => a + b, 0)],
          ] as const
        ).map(([label, value]) => (
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
      <Card withBorder>
        <Title order={5} mb="xs">
          pass@k buckets{previous ? ' (and the round before)' : ''}
        </Title>
        <BarChart
          h={200}
          data={histogram}
          dataKey="bucket"
          withLegend={Boolean(previous)}
          series={[{ name: 'this round', color: 'teal.6' }, ...(previous ? [{ name: 'previous round', color: 'gray.5' }] : [])]}
          data-testid="bucket-histogram"
        />
        {round.movement.length > 0 && (
          <Table fz="sm" mt="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>was</Table.Th>
                <Table.Th>now</Table.Th>
                <Table.Th>samples</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {round.movement.map((m) => (
                <Table.Tr key={`${m.from}-${m.to}`}>
                  <Table.Td>{m.from}</Table.Td>
                  <Table.Td>{m.to}</Table.Td>
                  <Table.Td>{m.count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {round.trainCurve.length > 0 && (
        <Card withBorder data-testid="training-curve">
          <Title order={5} mb="xs">
            Training
          </Title>
          <TrainingCurve progress={round.trainCurve} />
        </Card>
      )}
      {round.evalRuns.length > 0 && (
        <Card withBorder>
          <Title order={5} mb="xs">
            Evaluation
          </Title>
          <Table fz="sm">
            <Table.Tbody>
              {round.evalRuns.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{e.set}</Table.Td>
                  <Table.Td>{e.mode === 'constrained' ? 'call grammar' : 'free text'}</Table.Td>
                  <Table.Td>{e.accuracy === null ? '–' : accuracyWithCount(e.correct, e.items)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
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
