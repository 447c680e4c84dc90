import { Alert, Badge, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ViewHeader } from '../../components/ViewHeader';
import { DataTable } from '../../ui/DataTable';
import { EvalCompare } from './EvalCompare';
import { EvalLeaderboard } from './EvalLeaderboard';
import { ImportSetCard } from './ImportSetCard';
import { SetDetail } from './SetDetail';

export function Evaluation() {
  const sets = useApi('eval.listSets', {}, { refreshOn: ['eval.changed'] });
  const [selected, setSelected] = useState<number | null>(null);
  const items = sets.data?.items ?? [];
  const current = items.find((s) => s.id === selected) ?? (items.length === 1 ? items[0] : undefined);
  return (
    <Stack>
      <ViewHeader title="Evaluation" description="Held-out accuracy by category, BFCL-compatible." />
      <ImportSetCard />
      {sets.error && <Alert color="red">{sets.error.message}</Alert>}
      <DataTable
        highlightOnHover
        data-testid="eval-sets"
        rows={items}
        loading={sets.loading}
        rowKey={(s) => s.id}
        onRowClick={(s) => setSelected(s.id)}
        isSelected={(s) => current?.id === s.id}
        rowProps={(s) => ({ 'data-testid': `eval-set-${s.name}` })}
        columns={[
          { key: 'set', header: 'Set', td: { ff: 'monospace' }, cell: (s) => s.name },
          { key: 'items', header: 'Items', cell: (s) => s.itemCount },
          {
            key: 'categories',
            header: 'Categories',
            cell: (s) => (
              <Group gap={4}>
                {s.categories.map((c) => (
                  <Badge key={c.category} variant="light" tt="none">
                    {c.category} {c.count}
                  </Badge>
                ))}
              </Group>
            ),
          },
        ]}
        empty={
          <EmptyState title="No evaluation sets yet">
            Import a BFCL question file with its possible answers, or run an evolution job (it evaluates on the built-in held-out sets), and
            per-category accuracy appears here.
          </EmptyState>
        }
      />
      <EvalLeaderboard />
      {current && <SetDetail set={current} />}
      <EvalCompare />
    </Stack>
  );
}
