import { Anchor, Badge, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useState } from 'react';
import { useApi } from '../../api/client';
import { accuracyWithCount } from '../../../../shared/format';
import { PairedLine } from '../../components/RoundChange';
import { DataTable } from '../../ui/DataTable';

/** Two evaluation runs of one set: per-category accuracy with deltas, and the items that flipped. */
export function EvalCompare() {
  const runs = useApi('insight.evalRuns', {}, { refreshOn: ['jobs.changed'] });
  const [a, setA] = useState<string | null>(null);
  const [b, setB] = useState<string | null>(null);
  const list = runs.data?.runs ?? [];
  const label = (r: (typeof list)[number]) =>
    `#${r.id} ${r.set}${r.roundSeq !== null ? ` · round ${r.roundSeq}` : ''}${r.model ? ` · ${r.model}` : ''}${r.label ? ` · ${r.label}` : ''} (${r.total ? accuracyWithCount(r.correct, r.total) : '–'})`;
  const runA = list.find((r) => String(r.id) === a);
  const options = list.map((r) => ({ value: String(r.id), label: label(r), disabled: runA !== undefined && r.setId !== runA.setId }));
  const compare = useApi('insight.evalCompare', { a: Number(a), b: Number(b) }, { skip: !a || !b || a === b });
  if (list.length < 2) return null;
  return (
    <Card withBorder data-testid="eval-compare">
      <Title order={4} mb="xs">
        Compare two runs
      </Title>
      <Group grow>
        <Select
          label="Before"
          data={options.map((o) => ({ ...o, disabled: false }))}
          value={a}
          onChange={setA}
          placeholder="Pick a run"
          data-testid="compare-a"
        />
        <Select label="After" data={options} value={b} onChange={setB} placeholder="Pick a run of the same set" data-testid="compare-b" />
      </Group>
      {compare.error && (
        <Text c="red" size="sm" mt="xs">
          {compare.error.message}
        </Text>
      )}
      {compare.data && (
        <Stack mt="sm">
          <DataTable
            fz="sm"
            data-testid="compare-table"
            rows={compare.data.categories}
            rowKey={(c) => c.category}
            columns={[
              { key: 'category', header: 'category', cell: (c) => c.category },
              { key: 'before', header: 'before', cell: (c) => (c.a ? accuracyWithCount(c.a.correct, c.a.total) : '–') },
              { key: 'after', header: 'after', cell: (c) => (c.b ? accuracyWithCount(c.b.correct, c.b.total) : '–') },
              {
                key: 'delta',
                header: 'Δ',
                td: (c) => ({ c: c.delta === null ? undefined : c.delta > 0 ? 'teal' : c.delta < 0 ? 'red' : undefined }),
                cell: (c) => (c.delta === null ? '–' : `${c.delta > 0 ? '+' : ''}${(c.delta * 100).toFixed(1)}`),
              },
            ]}
          />
          <PairedLine test={compare.data.paired} />
          <Text fw={600} size="sm">
            {compare.data.paired.fixed} fixed (wrong→right) · {compare.data.paired.broken} broken (right→wrong)
          </Text>
          <Table fz="xs" striped data-testid="flips">
            <Table.Tbody>
              {compare.data.flips.map((f) => (
                <Table.Tr key={f.itemId}>
                  <Table.Td>
                    <Badge color={f.change === 'fixed' ? 'teal' : 'red'} variant="light">
                      {f.change}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{f.itemKey}</Table.Td>
                  <Table.Td ff="monospace" maw={280} style={{ wordBreak: 'break-word' }}>
                    {f.outputA || '(no call)'}
                    {f.errorA ? ` — ${f.errorA}` : ''}
                  </Table.Td>
                  <Table.Td ff="monospace" maw={280} style={{ wordBreak: 'break-word' }}>
                    {f.outputB || '(no call)'}
                    {f.errorB ? ` — ${f.errorB}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {f.traceB !== null && (
                      <Anchor size="xs" component={Link} to={`/traces?trace=${f.traceB}`}>
                        trace
                      </Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Card>
  );
}
