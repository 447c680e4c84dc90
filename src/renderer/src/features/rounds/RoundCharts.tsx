import { BarChart } from '@mantine/charts';
import { Card, SimpleGrid, Table, Text, Title } from '@mantine/core';
import type { RoundSummary } from '../../../../shared/contract/insight';
import { formatMetric, metricLabel, metricScope } from '../../../../shared/round-metrics';

const COLORS = ['teal.6', 'blue.6', 'grape.6', 'orange.6', 'cyan.6'];

type Metric = RoundSummary['metrics'][number];

/** A bar chart of one quantity by its x key; nothing when there is no value. */
function QuantityChart({
  title,
  data,
  x,
  series,
  unit,
  testId,
}: {
  title: string;
  data: Record<string, string | number>[];
  x: string;
  series: string[];
  unit?: string;
  testId: string;
}) {
  if (data.length === 0) return null;
  return (
    <Card withBorder data-testid={testId}>
      <Title order={5} mb="xs">
        {title}
      </Title>
      <BarChart
        h={200}
        data={data}
        dataKey={x}
        withLegend={series.length > 1}
        unit={unit}
        series={series.map((name, i) => ({ name, color: COLORS[i % COLORS.length]! }))}
      />
    </Card>
  );
}

/**
 * A round's per-category and per-set numbers, one chart per quantity: accuracy by category (per set, in %),
 * evaluation tokens and refinement steps by set, and the training mix by sub-task. Each on its own axis.
 */
export function RoundCharts({ metrics }: { metrics: Metric[] }) {
  const perCategory = metrics.filter((m) => m.name === 'accuracy' && m.category.includes('/'));
  const sets = [...new Set(perCategory.map((m) => m.category.split('/')[0]!))];
  const categories = [...new Set(perCategory.map((m) => m.category.split('/')[1]!))];
  const accuracy = categories.map((category) => ({
    category,
    ...Object.fromEntries(
      sets.flatMap((set) => {
        const m = perCategory.find((x) => x.category === `${set}/${category}`);
        return m ? [[set, Math.round(m.value * 10) / 10]] : [];
      }),
    ),
  }));
  const bySet = (name: string) => metrics.filter((m) => m.name === name && m.category !== '' && !m.category.includes('/'));
  const tokens = bySet('eval_tokens').map((m) => ({ set: m.category, tokens: m.value }));
  const steps = bySet('refinement_steps').map((m) => ({ set: m.category, steps: m.value }));
  const mix = metrics.filter((m) => m.name === 'mix').map((m) => ({ 'sub-task': metricScope('mix', m.category), examples: m.value }));
  if (accuracy.length + tokens.length + steps.length + mix.length === 0) return null;
  return (
    <Card withBorder data-testid="round-by-category">
      <Title order={5} mb="xs">
        By category
      </Title>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <QuantityChart
          title="Held-out accuracy by category (%)"
          data={accuracy}
          x="category"
          series={sets}
          unit=" %"
          testId="chart-accuracy"
        />
        <QuantityChart title="Evaluation tokens by set" data={tokens} x="set" series={['tokens']} testId="chart-tokens" />
        <QuantityChart title="Refinement steps by set" data={steps} x="set" series={['steps']} testId="chart-refinement" />
        <QuantityChart title="Training examples by sub-task" data={mix} x="sub-task" series={['examples']} testId="chart-mix" />
      </SimpleGrid>
    </Card>
  );
}

/** The round's own metrics (those for the whole round) with labels and units, never raw names. */
export function RoundMetricsTable({ metrics }: { metrics: Metric[] }) {
  const plain = metrics.filter((m) => m.category === '');
  if (plain.length === 0) return null;
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        Metrics
      </Title>
      <Table fz="sm" data-testid="round-metrics">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Metric</Table.Th>
            <Table.Th ta="right">Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plain.map((m) => (
            <Table.Tr key={m.name}>
              <Table.Td>
                <Text size="sm" title={m.name}>
                  {metricLabel(m.name)}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatMetric(m.name, m.value)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
