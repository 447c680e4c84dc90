import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useApi } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { DataTransferButtons } from '../../components/ExportDialog';
import { ViewHeader } from '../../components/ViewHeader';

const LABELS: Record<string, string> = {
  doc_adaption: 'Tool documentation adaption',
  tool_generation: 'Query-aware tool generation',
  invocation: 'Tool invocation',
  refinement: 'Self-refinement',
};
const STATUSES = ['candidate', 'accepted', 'edited', 'rejected'] as const;
const STATUS_COLORS: Record<string, string> = { candidate: 'gray.5', accepted: 'teal.6', edited: 'blue.6', rejected: 'red.6' };

export function Datasets() {
  const stats = useApi('datasets.stats', {}, { refreshOn: ['samples.changed', 'workspace.changed'] });
  const subtasks = stats.data?.subtasks ?? [];
  const empty = subtasks.every((s) => s.total === 0 && s.trained === 0);
  const rounds: (number | null)[] = [...new Set(subtasks.flatMap((s) => s.byRound.map((r) => r.seq)))].sort(
    (a, b) => (a ?? -1) - (b ?? -1),
  );
  // Stored sub-tasks grow by the samples each round added; built ones by the examples each round trained on.
  const allSeqs = [...new Set([...rounds, ...subtasks.flatMap((s) => s.trainedByRound.map((r) => r.seq))])].sort(
    (a, b) => (a ?? -1) - (b ?? -1),
  );
  const growth = allSeqs.map((seq) => {
    const point: Record<string, string | number> = { round: seq === null ? 'seed / import' : `round ${seq}` };
    for (const s of subtasks) {
      const points = s.source === 'training' ? s.trainedByRound : s.byRound;
      const upTo = points.filter((r) => (r.seq ?? -1) <= (seq ?? -1));
      point[LABELS[s.subtask] ?? s.subtask] = upTo.length ? upTo[upTo.length - 1]!.cumulative : 0;
    }
    return point;
  });
  return (
    <Stack>
      <ViewHeader
        title="Datasets"
        description="One dataset per sub-task: doc adaption, tool generation, invocation, refinement."
        actions={<DataTransferButtons />}
      />
      {stats.data && empty && (
        <EmptyState title="No samples yet">
          Each evolution round adds samples to the four sub-task datasets; their counts by status, round and category appear here. Run an
          evolution job or import data to fill them.
        </EmptyState>
      )}
      {!empty && (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {subtasks.map((s) => (
              <Card key={s.subtask} withBorder data-testid={`dataset-${s.subtask}`}>
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <Title order={4}>{LABELS[s.subtask]}</Title>
                  <div style={{ textAlign: 'right' }}>
                    <Text fw={700} fz="xl" data-testid={`dataset-total-${s.subtask}`}>
                      {(s.source === 'training' ? s.trained : s.total).toLocaleString()}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {s.source === 'training' ? 'examples trained on' : 'stored samples'}
                    </Text>
                  </div>
                </Group>
                {s.source === 'samples' || s.total > 0 ? (
                  <Table fz="sm" mt="xs">
                    <Table.Tbody>
                      <Table.Tr>
                        {STATUSES.map((st) => (
                          <Table.Td key={st}>
                            <Text size="xs" c="dimmed">
                              {st}
                            </Text>
                            <Text fw={600} data-testid={`dataset-${s.subtask}-${st}`}>
                              {(s.byStatus[st] ?? 0).toLocaleString()}
                            </Text>
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    </Table.Tbody>
                  </Table>
                ) : null}
                <Text size="sm" mt="xs" data-testid={`dataset-trained-${s.subtask}`}>
                  {s.source === 'training'
                    ? `Built from the selected samples each time a round trains (not stored as samples): ${s.trained.toLocaleString()} example(s) over ${s.trainedByRound.length} round(s)${
                        s.trainedByRound.length
                          ? ` (${s.trainedByRound.map((r) => `${r.runId} round ${r.seq}: ${r.count}`).join(', ')})`
                          : ''
                      }.`
                    : `${s.trained.toLocaleString()} example(s) trained on in rounds.`}
                </Text>
                {Object.keys(s.byCategory).length > 0 && s.total > 0 && (
                  <BarChart
                    h={140}
                    mt="sm"
                    data={Object.entries(s.byCategory).map(([category, count]) => ({ category, count }))}
                    dataKey="category"
                    series={[{ name: 'count', color: 'teal.6' }]}
                    tickLine="none"
                    gridAxis="none"
                  />
                )}
              </Card>
            ))}
          </SimpleGrid>
          {growth.length > 0 && (
            <Card withBorder>
              <Title order={4} mb="sm">
                Growth per round (cumulative)
              </Title>
              <LineChart
                h={240}
                data={growth}
                dataKey="round"
                withLegend
                series={subtasks.map((s, i) => ({
                  name: LABELS[s.subtask] ?? s.subtask,
                  color: ['teal.6', 'blue.6', 'grape.6', 'orange.6'][i] ?? 'gray.6',
                }))}
              />
            </Card>
          )}
          <Card withBorder>
            <Title order={4} mb="sm">
              By status
            </Title>
            <BarChart
              h={200}
              data={subtasks.map((s) => ({
                subtask: LABELS[s.subtask] ?? s.subtask,
                ...Object.fromEntries(STATUSES.map((st) => [st, s.byStatus[st] ?? 0])),
              }))}
              dataKey="subtask"
              type="stacked"
              withLegend
              series={STATUSES.map((st) => ({ name: st, color: STATUS_COLORS[st]! }))}
            />
          </Card>
        </>
      )}
    </Stack>
  );
}
