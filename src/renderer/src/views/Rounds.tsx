import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import type { RoundSummary } from '../../../shared/contract/insight';
import { useApi } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { CurationBanner } from '../components/CurationBanner';
import { EvolveButton } from '../components/EvolveDialog';
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
        <Card withBorder w={280} style={{ flexShrink: 0 }}>
          <Timeline active={list.length} bulletSize={22} lineWidth={2} data-testid="round-timeline">
            {list.map((round) => (
              <Timeline.Item
                key={round.id}
                color={STATE_COLOR[round.state] ?? 'gray'}
                bullet={<Text size="xs">{round.seq}</Text>}
                title={
                  <Text
                    fw={round.id === selected?.id ? 700 : 500}
                    style={{ cursor: 'pointer' }}
                    onClick={() => setSelectedId(round.id)}
                    data-testid={`round-${round.seq}`}
                  >
                    Round {round.seq}
                  </Text>
                }
              >
                <RoundStateBadge state={round.state} size="xs" />
                <Text size="xs" c="dimmed">
                  {round.generated} generated · {round.selected} selected
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
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
  const categories = round.metrics.filter((m) => m.category !== '');
  const plain = round.metrics.filter((m) => m.category === '');
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
      <SimpleGrid cols={3}>
        {(
          [
            ['Generated', round.generated],
            ['Verified', round.verified],
            ['Selected', round.selected],
          ] as const
        ).map(([label, value]) => (
          <Card withBorder key={label}>
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
                  <Table.Td>{e.accuracy === null ? '–' : accuracyWithCount(e.correct, e.items)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <RoundChange roundId={round.id} seq={round.seq} />
      {categories.length > 0 && (
        <Card withBorder>
          <Title order={5} mb="xs">
            By category
          </Title>
          <BarChart
            h={220}
            data={[...new Set(categories.map((m) => m.category))].map((category) => ({
              category,
              ...Object.fromEntries(categories.filter((m) => m.category === category).map((m) => [m.name, m.value])),
            }))}
            dataKey="category"
            withLegend
            series={[...new Set(categories.map((m) => m.name))].map((name, i) => ({
              name,
              color: ['teal.6', 'blue.6', 'grape.6', 'orange.6', 'cyan.6'][i % 5]!,
            }))}
          />
        </Card>
      )}
      {plain.length > 0 && (
        <Card withBorder>
          <Title order={5} mb="xs">
            Metrics
          </Title>
          <Table fz="sm" data-testid="round-metrics">
            <Table.Tbody>
              {plain.map((m) => (
                <Table.Tr key={m.name}>
                  <Table.Td>{m.name}</Table.Td>
                  <Table.Td>{Number.isInteger(m.value) ? m.value : m.value.toFixed(4)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
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
