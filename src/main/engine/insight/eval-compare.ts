import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';
import { compareRunsPaired } from '../eval/paired-runs';
import { categoryCountsQuery, evalRunInfo, evalRunInfos, verdictFlips, type RunInfo } from './insight-repo';

export function evalRuns(db: Db): RunInfo[] {
  return evalRunInfos(db);
}

function runInfo(db: Db, id: number): RunInfo {
  const row = evalRunInfo(db, id);
  if (!row) throw notFound(`Evaluation run ${id}`);
  return row;
}

/** Two runs of the same set: per-category accuracy and delta (b − a), and the items whose verdict flipped. */
export function compareEvalRuns(db: Db, aId: number, bId: number) {
  const a = runInfo(db, aId);
  const b = runInfo(db, bId);
  if (a.setId !== b.setId)
    throw new ApiError('invalid_input', `Runs ${aId} (${a.set}) and ${bId} (${b.set}) evaluate different sets; compare runs of one set.`);
  const perCategory = categoryCountsQuery(db);
  const ca = new Map(perCategory(aId).map((r) => [r.category, r]));
  const cb = new Map(perCategory(bId).map((r) => [r.category, r]));
  const stat = (r?: { correct: number; total: number }) =>
    r ? { correct: r.correct, total: r.total, accuracy: r.total ? r.correct / r.total : 0 } : null;
  const categories = [...new Set([...ca.keys(), ...cb.keys()])].sort().map((category) => {
    const sa = stat(ca.get(category));
    const sb = stat(cb.get(category));
    return { category, a: sa, b: sb, delta: sa && sb ? sb.accuracy - sa.accuracy : null };
  });
  const flips = verdictFlips(db, aId, bId).map(({ va, vb: _vb, ...rest }) => ({
    ...rest,
    change: va ? ('broken' as const) : ('fixed' as const),
  }));
  return { a, b, categories, flips, paired: compareRunsPaired(db, aId, bId) };
}
