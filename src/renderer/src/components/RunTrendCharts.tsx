import { LineChart } from '@mantine/charts';
import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';

export interface TrendPoint {
  runId: string;
  seq: number;
  state: string;
  set: string;
  accuracy: number;
  correct: number;
  items: number;
  inTrend: boolean;
}

const COLORS = ['teal.6', 'blue.6', 'grape.6', 'orange.6'];
const STATE_LABEL: Record<string, string> = { rolled_back: 'rolled back', cancelled: 'cancelled', failed: 'failed', running: 'running' };

/**
 * Held-out accuracy by round, one chart per run with the run's name: a run's rounds never join another's.
 * Rounds that were rolled back, cancelled or failed (and unfinished evaluations) are marked on the axis and
 * listed under the chart, not drawn on the line; the line goes on from the last accepted round.
 */
export function RunTrendCharts({ points }: { points: TrendPoint[] }) {
  const runs = [...new Set(points.map((p) => p.runId))];
  if (runs.length === 0) return null;
  return (
    <Stack gap="sm" data-testid="accuracy-trend">
      {runs.map((runId) => {
        const mine = points.filter((p) => p.runId === runId);
        const sets = [...new Set(mine.map((p) => p.set))];
        const seqs = [...new Set(mine.map((p) => p.seq))].sort((a, b) => a - b);
        const data = seqs.map((seq) => ({
          round: `round ${seq}`,
          ...Object.fromEntries(
            sets.map((set) => {
              const p = mine.find((x) => x.seq === seq && x.set === set && x.inTrend);
              return [set, p ? Math.round(p.accuracy * 1000) / 10 : null];
            }),
          ),
        }));
        const outside = seqs
          .map((seq) => mine.filter((p) => p.seq === seq && !p.inTrend))
          .filter((list) => list.length > 0)
          .map((list) => list[0]!);
        return (
          <Card withBorder key={runId} data-testid={`run-trend-${runId}`}>
            <Group justify="space-between" mb="xs">
              <Title order={5}>Run {runId}: held-out accuracy by round (%)</Title>
            </Group>
            <LineChart
              h={200}
              data={data}
              dataKey="round"
              withLegend
              connectNulls
              yAxisProps={{ domain: [0, 100] }}
              unit=" %"
              series={sets.map((set, i) => ({ name: set, color: COLORS[i % COLORS.length]! }))}
              referenceLines={outside.map((p) => ({
                x: `round ${p.seq}`,
                label: STATE_LABEL[p.state] ?? 'not finished',
                color: 'gray.6',
                strokeDasharray: '4 4',
              }))}
            />
            {outside.length > 0 && (
              <Group gap="xs" mt="xs" data-testid="trend-left-out">
                <Text size="xs" c="dimmed">
                  Not on the line:
                </Text>
                {outside.map((p) => (
                  <Badge key={p.seq} size="sm" variant="outline" color="gray.7" tt="none">
                    round {p.seq} {STATE_LABEL[p.state] ?? 'evaluation not finished'}
                  </Badge>
                ))}
              </Group>
            )}
          </Card>
        );
      })}
    </Stack>
  );
}
