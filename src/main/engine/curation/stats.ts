import type { DatasetStats } from '../../../shared/contract/curation';
import { Subtask } from '../../../shared/contract/samples';
import type { Db } from '../db/open';

/** Per sub-task dataset counts: by status, by category and by round (with the running total). */
export function datasetStats(db: Db): DatasetStats {
  const byStatus = db.prepare('SELECT subtask, status, COUNT(*) AS n FROM samples GROUP BY subtask, status').all() as {
    subtask: string;
    status: string;
    n: number;
  }[];
  const byCategory = db
    .prepare("SELECT subtask, COALESCE(category, 'none') AS category, COUNT(*) AS n FROM samples GROUP BY subtask, category")
    .all() as {
    subtask: string;
    category: string;
    n: number;
  }[];
  const byRound = db
    .prepare(
      `SELECT s.subtask, s.round_id AS roundId, r.seq AS seq, COUNT(*) AS n
       FROM samples s LEFT JOIN rounds r ON r.id = s.round_id
       GROUP BY s.subtask, s.round_id ORDER BY s.round_id IS NOT NULL, r.started_at, s.round_id`,
    )
    .all() as { subtask: string; roundId: number | null; seq: number | null; n: number }[];
  return {
    subtasks: Subtask.options.map((subtask) => {
      const statuses = byStatus.filter((r) => r.subtask === subtask);
      let cumulative = 0;
      return {
        subtask,
        total: statuses.reduce((sum, r) => sum + r.n, 0),
        byStatus: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
        byCategory: Object.fromEntries(byCategory.filter((r) => r.subtask === subtask).map((r) => [r.category, r.n])),
        byRound: byRound
          .filter((r) => r.subtask === subtask)
          .map((r) => ({ roundId: r.roundId, seq: r.seq, count: r.n, cumulative: (cumulative += r.n) })),
      };
    }),
  };
}
