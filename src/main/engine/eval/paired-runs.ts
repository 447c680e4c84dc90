import type { Db } from '../db/open';
import { comparePaired, type PairedComparison } from './paired-test';
import { pairedResults } from './runs-repo';

/**
 * Two stored evaluation runs compared item by item: the items both runs scored, matched by item id (the
 * same eval_items row), with the paired test of eval/paired-test.ts. Computed on read from eval_results, the
 * one place the verdicts live, so a report and the accept / roll-back decision can never disagree.
 */
export function compareRunsPaired(db: Db, beforeRunId: number, afterRunId: number, seed = 1): PairedComparison {
  const rows = pairedResults(db, beforeRunId, afterRunId);
  return comparePaired(
    rows.map((r) => ({ key: r.key, before: r.before === 1, after: r.after === 1 })),
    { seed },
  );
}
