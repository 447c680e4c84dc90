import type { LeaderboardEntry } from '../../../../shared/contract/eval';

export type Column = 'model' | 'set' | 'accuracy' | 'total' | 'from' | 'date';
export const COLUMNS: { key: Column; label: string }[] = [
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

export interface Sort {
  column: Column;
  dir: 'asc' | 'desc';
}

/** The run ids that are the best finished run of their model on their set. */
export function bestRuns(entries: readonly LeaderboardEntry[]): Set<number> {
  const best = new Map<string, LeaderboardEntry>();
  for (const e of entries) {
    const key = `${e.modelId ?? e.model}:${e.setId}`;
    const b = best.get(key);
    if (e.accuracy !== null && e.finished && (!b || (b.accuracy ?? -1) < e.accuracy)) best.set(key, e);
  }
  return new Set([...best.values()].map((e) => e.runId));
}

/** Sorted by one column, newest run first among equals. */
export function sortEntries(entries: readonly LeaderboardEntry[], sort: Sort): LeaderboardEntry[] {
  return [...entries].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (sort.dir === 'asc' ? order : -order) || b.runId - a.runId;
  });
}

/** A second click on a column turns its order; a new column starts A→Z for names, highest first for numbers. */
export function nextSort(s: Sort, column: Column): Sort {
  if (s.column === column) return { column, dir: s.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: column === 'model' || column === 'set' ? 'asc' : 'desc' };
}
