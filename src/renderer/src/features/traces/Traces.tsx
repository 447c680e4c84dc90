import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../api/client';
import { CallText } from '../../components/CallText';
import { readVerdicts, VerdictList } from '../../components/VerdictList';
import { EmptyState } from '../../components/EmptyState';
import { TextDiff } from '../../components/TextDiff';
import { ViewHeader } from '../../components/ViewHeader';

export function Traces() {
  const [changed, setChanged] = useState('all');
  const [stopReason, setStopReason] = useState<string | null>(null);
  const [iterations, setIterations] = useState<string | null>(null);
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<number | null>(params.get('trace') ? Number(params.get('trace')) : null);
  const filter = {
    ...(changed === 'all' ? {} : { changed: changed === 'changed' }),
    ...(stopReason ? { stopReason } : {}),
    ...(iterations ? { iterations: Number(iterations) } : {}),
  };
  const traces = useApi('insight.traces', { filter, limit: 200 });
  const data = traces.data;
  if (data && data.total === 0 && data.histogram.length === 0) {
    return (
      <Stack>
        <ViewHeader title="Refinement traces" description="How adaptive self-refinement converged, step by step." />
        <EmptyState title="No refinement traces yet">
          Every answer produced with adaptive refinement (in evaluation or when serving a model) is stored as a trace of its steps. Traces
          appear here after an evaluation with refinement on.
        </EmptyState>
      </Stack>
    );
  }
  const current = selected ?? data?.rows[0]?.id ?? null;
  return (
    <Stack>
      <ViewHeader title="Refinement traces" description="How adaptive self-refinement converged, step by step." />
      <Group align="flex-start" grow>
        <Card withBorder>
          <Title order={5}>Iterations to stop</Title>
          <BarChart
            h={160}
            data={(data?.histogram ?? []).map((h) => ({ iterations: String(h.iterations), traces: h.count }))}
            dataKey="iterations"
            series={[{ name: 'traces', color: 'teal.6' }]}
            data-testid="iterations-histogram"
          />
        </Card>
        <Card withBorder>
          <Title order={5} mb="xs">
            Stop reasons
          </Title>
          <Stack gap={4}>
            {(data?.stopReasons ?? []).map((s) => (
              <Group key={s.reason} justify="space-between">
                <Text size="sm">{s.reason}</Text>
                <Badge variant="light">{s.count}</Badge>
              </Group>
            ))}
          </Stack>
        </Card>
      </Group>
      <Group align="flex-end">
        <SegmentedControl
          aria-label="Changed"
          value={changed}
          onChange={setChanged}
          data={[
            { label: 'All', value: 'all' },
            { label: 'Changed', value: 'changed' },
            { label: 'Unchanged', value: 'unchanged' },
          ]}
        />
        <Select
          label="Stop reason"
          data={(data?.stopReasons ?? []).map((s) => s.reason)}
          value={stopReason}
          onChange={setStopReason}
          clearable
          placeholder="Any"
        />
        <Select
          label="Iterations"
          data={(data?.histogram ?? []).map((h) => String(h.iterations))}
          value={iterations}
          onChange={setIterations}
          clearable
          placeholder="Any"
        />
        <Text size="sm" c="dimmed">
          {data ? `${data.total} trace${data.total === 1 ? '' : 's'}` : '…'}
        </Text>
      </Group>
      <Group align="stretch" wrap="nowrap" gap="sm">
        <Paper withBorder style={{ flex: 2, minWidth: 0 }}>
          <ScrollArea h={480} viewportProps={{ tabIndex: 0 }}>
            <Table highlightOnHover fz="sm" data-testid="trace-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>query</Table.Th>
                  <Table.Th>steps</Table.Th>
                  <Table.Th>stop</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(data?.rows ?? []).map((t) => (
                  <Table.Tr
                    key={t.id}
                    onClick={() => setSelected(t.id)}
                    style={{ cursor: 'pointer', background: t.id === current ? 'var(--mantine-primary-color-light)' : undefined }}
                    data-testid={`trace-row-${t.id}`}
                    tabIndex={0}
                    onKeyDown={(e) => e.key === 'Enter' && setSelected(t.id)}
                  >
                    <Table.Td maw={260} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                      {t.query}
                    </Table.Td>
                    <Table.Td>
                      {t.iterations}
                      {t.changed ? ' · changed' : ''}
                    </Table.Td>
                    <Table.Td>{t.stopReason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
        <Paper withBorder p="sm" style={{ flex: 3, minWidth: 0 }}>
          {current !== null ? <TraceDetail id={current} /> : <Text c="dimmed">No trace matches these filters.</Text>}
        </Paper>
      </Group>
    </Stack>
  );
}

function TraceDetail({ id }: { id: number }) {
  const detail = useApi('insight.trace', { id });
  if (!detail.data) return <Text c="dimmed">Loading…</Text>;
  const { trace, steps } = detail.data;
  return (
    <ScrollArea h={480} scrollbars="y" data-testid="trace-detail" viewportProps={{ tabIndex: 0 }}>
      <Stack gap="sm" pr="sm">
        <Title order={5}>{trace.query}</Title>
        <Text size="sm" c="dimmed">
          {trace.iterations} step{trace.iterations === 1 ? '' : 's'} · stopped: {trace.stopReason} · {trace.totalTokens} tokens ·{' '}
          {Math.round(trace.totalMs)} ms
          {trace.model ? ` · ${trace.model}` : ''}
        </Text>
        {steps.map((step, i) => (
          <Card key={step.seq} withBorder padding="sm" data-testid={`trace-step-${step.seq}`}>
            <Group justify="space-between" mb={4}>
              <Text fw={600} size="sm">
                {i === 0 ? 'First answer' : `Refinement ${i}`}
              </Text>
              <Text size="xs" c="dimmed">
                {step.tokens} tokens · {Math.round(step.ms)} ms
              </Text>
            </Group>
            {i === 0 ? <CallText text={step.output} /> : <TextDiff before={steps[i - 1]!.output} after={step.output} />}
            {readVerdicts(step.verdicts)?.length ? (
              <Stack gap={2} mt={6}>
                <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                  Verdicts
                </Text>
                <VerdictList verdicts={readVerdicts(step.verdicts)!} testId={`trace-step-verdicts-${step.seq}`} />
              </Stack>
            ) : null}
          </Card>
        ))}
      </Stack>
    </ScrollArea>
  );
}
