import { Alert, Anchor, Badge, Card, Group, Switch, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { LeaderboardEntry } from '../../../../shared/contract/eval';
import { accuracyWithCount, formatMinute } from '../../../../shared/format';
import { useApi } from '../../api/client';
import { DataTable, type Column as TableColumn } from '../../ui/DataTable';
import { bestRuns, COLUMNS, nextSort, runSource, sortEntries, type Column, type Sort } from './leaderboard-sort';

function AccuracyCell({ e, best }: { e: LeaderboardEntry; best: boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm">{e.total ? accuracyWithCount(e.correct, e.total) : 'no results yet'}</Text>
      {best && (
        <Badge size="xs" variant="light" color="teal">
          best
        </Badge>
      )}
      {!e.finished && (
        <Badge size="xs" variant="light" color="gray">
          unfinished
        </Badge>
      )}
      {e.mode === 'constrained' && (
        <Badge size="xs" variant="light" color="grape">
          grammar
        </Badge>
      )}
    </Group>
  );
}

function cellOf(column: Column, best: Set<number>): (e: LeaderboardEntry) => ReactNode {
  switch (column) {
    case 'model':
      return (e) =>
        e.model ?? (
          <Text span c="dimmed">
            none (outputs file)
          </Text>
        );
    case 'set':
      return (e) => e.set;
    case 'accuracy':
      return (e) => <AccuracyCell e={e} best={best.has(e.runId)} />;
    case 'total':
      return (e) => e.total;
    case 'from':
      return (e) =>
        e.round ? (
          <Anchor component={Link} to="/rounds" size="sm">
            {runSource(e)}
          </Anchor>
        ) : (
          runSource(e)
        );
    case 'date':
      return (e) => formatMinute(e.createdAt);
  }
}

/**
 * Every evaluation run as model × set, rounds' own runs included: accuracy with its item count, where the run
 * came from and when. Sortable by any column; the best run of each model on each set is marked.
 */
export function EvalLeaderboard() {
  const board = useApi('eval.leaderboard', {}, { refreshOn: ['eval.changed', 'jobs.changed'] });
  const [sort, setSort] = useState<Sort>({ column: 'accuracy', dir: 'desc' });
  const [constrained, setConstrained] = useState(false);
  if (board.error)
    return (
      <Alert color="red" title="The leaderboard could not be read">
        {board.error.message}
      </Alert>
    );
  const all = board.data?.entries ?? [];
  if (all.length === 0) return null;
  const entries = all.filter((e) => constrained || e.mode === 'free');
  const best = bestRuns(entries);
  const columns: TableColumn<LeaderboardEntry>[] = COLUMNS.map((c) => ({
    key: c.key,
    th: { 'aria-sort': sort.column === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none' },
    td: c.key === 'set' ? { ff: 'monospace' } : undefined,
    header: (
      <UnstyledButton onClick={() => setSort((s) => nextSort(s, c.key))} fw={600} fz="sm" data-testid={`leaderboard-sort-${c.key}`}>
        {c.label}
        {sort.column === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </UnstyledButton>
    ),
    cell: cellOf(c.key, best),
  }));
  return (
    <Card withBorder data-testid="eval-leaderboard">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Leaderboard</Title>
        <Switch
          label="Include runs under the call grammar"
          checked={constrained}
          onChange={(e) => setConstrained(e.currentTarget.checked)}
          data-testid="leaderboard-constrained"
        />
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        Every evaluation of a model on a set — the rounds&apos; own included — newest or best first. Accuracy counts the items each run has
        results for.
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <DataTable
          highlightOnHover
          fz="sm"
          data-testid="leaderboard-table"
          rows={sortEntries(entries, sort)}
          rowKey={(e) => e.runId}
          rowProps={(e) => ({ 'data-testid': `leaderboard-run-${e.runId}` })}
          columns={columns}
        />
      </Table.ScrollContainer>
    </Card>
  );
}
