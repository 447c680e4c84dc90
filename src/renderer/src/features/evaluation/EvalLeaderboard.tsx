import { Alert, Anchor, Badge, Card, Group, Switch, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { LeaderboardEntry } from '../../../../shared/contract/eval';
import { useApi } from '../../api/client';
import { accuracyWithCount } from '../../components/RoundChange';

type Column = 'model' | 'set' | 'accuracy' | 'total' | 'from' | 'date';
const COLUMNS: { key: Column; label: string }[] = [
  { key: 'model', label: 'Model' },
  { key: 'set', label: 'Set' },
  { key: 'accuracy', label: 'Accuracy (correct/items)' },
  { key: 'total', label: 'Items' },
  { key: 'from', label: 'From' },
  { key: 'date', label: 'Date' },
];

/** Where a run came from, in words: the round of a self-evolution run, an evaluation of a model, or a checked file. */
export function runSource(e: LeaderboardEntry): string {
  if (e.round) return `run ${e.round.run}, round ${e.round.seq}${e.round.seq === 0 ? ' (base)' : ''}`;
  if (e.source === 'model') return 'model evaluation';
  return e.label ? `checked outputs (${e.label})` : 'checked outputs';
}

function sortValue(e: LeaderboardEntry, column: Column): string | number {
  switch (column) {
    case 'model':
      return e.model ?? '';
    case 'set':
      return e.set;
    case 'accuracy':
      return e.accuracy ?? -1;
    case 'total':
      return e.total;
    case 'from':
      return runSource(e);
    case 'date':
      return e.createdAt;
  }
}

/**
 * Every evaluation run as model × set, rounds' own runs included: accuracy with its item count, where the run
 * came from and when. Sortable by any column; the best run of each model on each set is marked.
 */
export function EvalLeaderboard() {
  const board = useApi('eval.leaderboard', {}, { refreshOn: ['eval.changed', 'jobs.changed'] });
  const [sort, setSort] = useState<{ column: Column; dir: 'asc' | 'desc' }>({ column: 'accuracy', dir: 'desc' });
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
  const best = new Map<string, LeaderboardEntry>();
  for (const e of entries) {
    const key = `${e.modelId ?? e.model}:${e.setId}`;
    const b = best.get(key);
    if (e.accuracy !== null && e.finished && (!b || (b.accuracy ?? -1) < e.accuracy)) best.set(key, e);
  }
  const bestIds = new Set([...best.values()].map((e) => e.runId));
  const sorted = [...entries].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (sort.dir === 'asc' ? order : -order) || b.runId - a.runId;
  });
  const toggle = (column: Column) =>
    setSort((s) =>
      s.column === column
        ? { column, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { column, dir: column === 'model' || column === 'set' ? 'asc' : 'desc' },
    );
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
        <Table highlightOnHover fz="sm" data-testid="leaderboard-table">
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((c) => (
                <Table.Th key={c.key} aria-sort={sort.column === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <UnstyledButton onClick={() => toggle(c.key)} fw={600} fz="sm" data-testid={`leaderboard-sort-${c.key}`}>
                    {c.label}
                    {sort.column === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </UnstyledButton>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((e) => (
              <Table.Tr key={e.runId} data-testid={`leaderboard-run-${e.runId}`}>
                <Table.Td>
                  {e.model ?? (
                    <Text span c="dimmed">
                      none (outputs file)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ff="monospace">{e.set}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm">{e.total ? accuracyWithCount(e.correct, e.total) : 'no results yet'}</Text>
                    {bestIds.has(e.runId) && (
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
                </Table.Td>
                <Table.Td>{e.total}</Table.Td>
                <Table.Td>
                  {e.round ? (
                    <Anchor component={Link} to="/rounds" size="sm">
                      {runSource(e)}
                    </Anchor>
                  ) : (
                    runSource(e)
                  )}
                </Table.Td>
                <Table.Td>{e.createdAt.slice(0, 16).replace('T', ' ')} UTC</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
