import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, Paper, ScrollArea, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ViewHeader } from '../../components/ViewHeader';
import { DataTable } from '../../ui/DataTable';
import { TraceDetail } from './TraceDetail';

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
            <DataTable
              highlightOnHover
              fz="sm"
              data-testid="trace-list"
              rows={data?.rows ?? []}
              rowKey={(t) => t.id}
              onRowClick={(t) => setSelected(t.id)}
              isSelected={(t) => t.id === current}
              rowProps={(t) => ({ 'data-testid': `trace-row-${t.id}` })}
              columns={[
                {
                  key: 'query',
                  header: 'query',
                  td: { maw: 260, style: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } },
                  cell: (t) => t.query,
                },
                { key: 'steps', header: 'steps', cell: (t) => `${t.iterations}${t.changed ? ' · changed' : ''}` },
                { key: 'stop', header: 'stop', cell: (t) => t.stopReason },
              ]}
            />
          </ScrollArea>
        </Paper>
        <Paper withBorder p="sm" style={{ flex: 3, minWidth: 0 }}>
          {current !== null ? <TraceDetail id={current} /> : <Text c="dimmed">No trace matches these filters.</Text>}
        </Paper>
      </Group>
    </Stack>
  );
}
