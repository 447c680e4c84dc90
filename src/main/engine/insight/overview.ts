import type { Db } from '../db/open';
import { activeJob, lastAcceptedModel, newestModel, roundEvalTrend } from './insight-repo';
import { roundSummaries } from './rounds';

/** The Overview's headline numbers. */
export function overview(db: Db) {
  const accepted = lastAcceptedModel(db);
  const newest = newestModel(db);
  const rounds = roundSummaries(db);
  // Per run, in round order; a round that was rolled back, cancelled or failed is marked (inTrend false) and
  // stays out of the line, and so does an unfinished evaluation (a cancelled baseline is no 0 %).
  const trend = roundEvalTrend(db).map((t) => {
    const state = rounds.find((r) => r.runId === t.runId && r.seq === t.seq)?.state ?? t.state;
    return {
      label: `round ${t.seq}`,
      runId: t.runId,
      seq: t.seq,
      state,
      set: t.set,
      correct: t.correct,
      items: t.items,
      accuracy: t.items ? t.correct / t.items : 0,
      inTrend: state === 'accepted' && t.finished === 1 && t.items > 0,
    };
  });
  const running = activeJob(db);
  return { currentModel: accepted ?? newest ?? null, lastRound: rounds[rounds.length - 1] ?? null, trend, runningJob: running ?? null };
}
