import { BarChart } from '@mantine/charts';
import { Card, Table, Title } from '@mantine/core';
import type { RoundSummary } from '../../../../shared/contract/insight';

/** The round's pass@k buckets beside the round before's, and how many samples moved between them. */
export function BucketCard({ round, previous }: { round: RoundSummary; previous?: RoundSummary }) {
  const histogram = (['mastered', 'learnable', 'unreachable'] as const).map((bucket) => ({
    bucket,
    'this round': round.buckets[bucket],
    ...(previous ? { 'previous round': previous.buckets[bucket] } : {}),
  }));
  return (
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
  );
}
