import { notFound } from '../core/engine-error';
import type { Db } from '../db/open';
import { roundComparisons, roundVerdict } from '../evolution/round-comparison';
import { getRoundById } from '../evolution/rounds-repo';

/** `insight.roundComparison`: the round's paired comparisons (computed from eval_results) and its verdict. */
export function roundComparisonOf(db: Db, id: number) {
  const round = getRoundById(db, id);
  if (!round) throw notFound(`Round ${id}`);
  let acceptRule = 'tolerance';
  try {
    const rule = (JSON.parse(round.settings_json) as { acceptRule?: unknown }).acceptRule;
    if (typeof rule === 'string') acceptRule = rule;
  } catch {
    // settings of an older round: the rule then was the tolerance
  }
  return { seq: round.seq, acceptRule, verdict: roundVerdict(db, round), comparisons: roundComparisons(db, id) };
}
