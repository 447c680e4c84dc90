import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import { compareRunsPaired } from '../eval/paired-runs';

interface RunInfo {
  id: number;
  set: string;
  setId: number;
  label: string;
  model: string | null;
  roundSeq: number | null;
  createdAt: string;
  correct: number;
  total: number;
}

const RUN_SQL = `SELECT e.id, s.name AS "set", e.set_id AS setId, e.label, m.name AS model, r.seq AS roundSeq, e.created_at AS createdAt,
       COALESCE(SUM(x.valid), 0) AS correct, COUNT(x.id) AS total
  FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id LEFT JOIN models m ON m.id = e.model_id
  LEFT JOIN rounds r ON r.id = e.round_id LEFT JOIN eval_results x ON x.run_id = e.id`;

export function evalRuns(db: Db): RunInfo[] {
  return db.prepare(`${RUN_SQL} GROUP BY e.id ORDER BY e.id DESC`).all() as RunInfo[];
}

function runInfo(db: Db, id: number): RunInfo {
  const row = db.prepare(`${RUN_SQL} WHERE e.id = ? GROUP BY e.id`).get(id) as RunInfo | undefined;
  if (!row) throw notFound(`Evaluation run ${id}`);
  return row;
}

/** Two runs of the same set: per-category accuracy and delta (b − a), and the items whose verdict flipped. */
export function compareEvalRuns(db: Db, aId: number, bId: number) {
  const a = runInfo(db, aId);
  const b = runInfo(db, bId);
  if (a.setId !== b.setId)
    throw new ApiError('invalid_input', `Runs ${aId} (${a.set}) and ${bId} (${b.set}) evaluate different sets; compare runs of one set.`);
  const perCategory = db.prepare(
    `SELECT i.category, SUM(x.valid) AS correct, COUNT(*) AS total FROM eval_results x JOIN eval_items i ON i.id = x.item_id
     WHERE x.run_id = ? GROUP BY i.category`,
  );
  const ca = new Map((perCategory.all(aId) as { category: string; correct: number; total: number }[]).map((r) => [r.category, r]));
  const cb = new Map((perCategory.all(bId) as { category: string; correct: number; total: number }[]).map((r) => [r.category, r]));
  const stat = (r?: { correct: number; total: number }) =>
    r ? { correct: r.correct, total: r.total, accuracy: r.total ? r.correct / r.total : 0 } : null;
  const categories = [...new Set([...ca.keys(), ...cb.keys()])].sort().map((category) => {
    const sa = stat(ca.get(category));
    const sb = stat(cb.get(category));
    return { category, a: sa, b: sb, delta: sa && sb ? sb.accuracy - sa.accuracy : null };
  });
  const flips = (
    db
      .prepare(
        `SELECT i.id AS itemId, i.item_key AS itemKey, i.category, xa.valid AS va, xb.valid AS vb, xa.output_text AS outputA, xb.output_text AS outputB,
                xa.error_type AS errorA, xb.error_type AS errorB, xa.trace_id AS traceA, xb.trace_id AS traceB
         FROM eval_results xa JOIN eval_results xb ON xb.item_id = xa.item_id AND xb.run_id = ?
         JOIN eval_items i ON i.id = xa.item_id
         WHERE xa.run_id = ? AND xa.valid != xb.valid ORDER BY i.category, i.id`,
      )
      .all(bId, aId) as {
      itemId: number;
      itemKey: string;
      category: string;
      va: number;
      vb: number;
      outputA: string;
      outputB: string;
      errorA: string | null;
      errorB: string | null;
      traceA: number | null;
      traceB: number | null;
    }[]
  ).map(({ va, vb: _vb, ...rest }) => ({ ...rest, change: va ? ('broken' as const) : ('fixed' as const) }));
  return { a, b, categories, flips, paired: compareRunsPaired(db, aId, bId) };
}
