import type { RoundSummary } from '../../../shared/contract/insight';
import type { Db } from '../db/open';
import { trainPointsOfRound } from '../train/points-repo';
import { roundCounts } from '../evolution/round-counts';
import { roundDetailQueries, roundRows } from './insight-repo';

/** Every round (of one run, or all), with what the dashboards show about it. */
export function roundSummaries(db: Db, runId?: string): RoundSummary[] {
  const rounds = roundRows(db, runId);
  const { buckets, previous, movement, metrics, evalRuns } = roundDetailQueries(db);
  return rounds.map((r) => {
    const c = roundCounts(db, r.id);
    const b = buckets.all(r.id) as { bucket: keyof RoundSummary['buckets']; n: number; selected: number }[];
    const prev = previous.get(r.run_id, r.seq) as number | undefined;
    return {
      id: r.id,
      runId: r.run_id,
      seq: r.seq,
      state: r.state,
      stage: r.stage,
      baseModel: r.base_model_id !== null && r.base_name ? { id: r.base_model_id, name: r.base_name } : null,
      resultModel: r.result_model_id !== null && r.result_name ? { id: r.result_model_id, name: r.result_name } : null,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      // One source for the counts (round-counts.ts): the cards, the metrics table, the CLI and the model card.
      generated: c.generated,
      verified: c.verified,
      selected: c.selected,
      counts: c,
      buckets: {
        mastered: b.find((x) => x.bucket === 'mastered')?.n ?? 0,
        learnable: b.find((x) => x.bucket === 'learnable')?.n ?? 0,
        unreachable: b.find((x) => x.bucket === 'unreachable')?.n ?? 0,
      },
      movement: prev === undefined ? [] : (movement.all(prev, r.id) as RoundSummary['movement']),
      metrics: metrics.all(r.id) as RoundSummary['metrics'],
      trainCurve: trainPointsOfRound(db, r.id),
      evalRuns: (
        evalRuns.all(r.id) as { id: number; set: string; items: number; correct: number; accuracy: number | null; mode: string }[]
      ).map((e) => ({
        ...e,
        mode: e.mode === 'constrained' ? ('constrained' as const) : ('unconstrained' as const),
        accuracy: e.items ? e.accuracy : null,
      })),
    };
  });
}
