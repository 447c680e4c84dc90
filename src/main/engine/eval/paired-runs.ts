import type { Db } from '../db/open';
import { comparePaired, type PairedComparison } from './paired-test';

/**
 * Two stored evaluation runs compared item by item: the items both runs scored, matched by item id (the
 * same eval_items row), with the paired test of eval/paired-test.ts. Computed on read from eval_results, the
 * one place the verdicts live, so a report and the accept / roll-back decision can never disagree.
 */
export function compareRunsPaired(db: Db, beforeRunId: number, afterRunId: number, seed = 1): PairedComparison {
  const rows = db
    .prepare(
      `SELECT i.item_key AS key, xa.valid AS before, xb.valid AS after
       FROM eval_results xa JOIN eval_results xb ON xb.item_id = xa.item_id AND xb.run_id = ?
       JOIN eval_items i ON i.id = xa.item_id
       WHERE xa.run_id = ? ORDER BY i.id`,
    )
    .all(afterRunId, beforeRunId) as { key: string; before: number; after: number }[];
  return comparePaired(
    rows.map((r) => ({ key: r.key, before: r.before === 1, after: r.after === 1 })),
    { seed },
  );
}
