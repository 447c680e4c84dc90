import { finishRound, metric, setMetric } from '../rounds-repo';
import { roundOf, stoppedBefore, type Ctx } from './shared';

/**
 * Step 10, accept or roll back: the round's model is accepted unless its main metric regresses beyond the
 * tolerance; otherwise the next round starts from the last accepted model. Also decides an early stop.
 */
export function decideStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop, stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const evaluated = ctx.outputs[`round-${seq}/evaluate`] as { modelId: number | null; main?: number };
  const selected = ctx.outputs[`round-${seq}/select`] as { newSelected: number };
  // The last accepted round's main metric (round 0 = the base model's).
  const prevRound = ctx.db
    .prepare(`SELECT id FROM rounds WHERE run_id = ? AND seq < ? AND state = 'accepted' ORDER BY seq DESC LIMIT 1`)
    .get(s.runId, seq) as { id: number } | undefined;
  const prev = prevRound ? (metric(ctx.db, prevRound.id, 'main_metric') ?? 0) : 0;
  const main = evaluated.main;
  const accepted = evaluated.modelId !== null && main !== undefined && main >= prev - s.tolerance;
  const reason =
    evaluated.modelId === null
      ? 'rolled back: nothing was trained'
      : accepted
        ? `accepted: main metric ${main!.toFixed(1)} ≥ ${prev.toFixed(1)} − ${s.tolerance} tolerance`
        : `rolled back: main metric ${main!.toFixed(1)} < ${prev.toFixed(1)} − ${s.tolerance} tolerance; the next round starts from the last accepted model`;
  let stopWhy: string | null = null;
  if (s.earlyStop && seq < s.rounds) {
    if (selected.newSelected === 0) stopWhy = `round ${seq} selected no new sample`;
    else if (main === undefined || main <= prev)
      stopWhy = `round ${seq} did not improve the main metric (${(main ?? 0).toFixed(1)} ≤ ${prev.toFixed(1)})`;
  }
  const started = Date.parse(round.started_at.endsWith('Z') ? round.started_at : `${round.started_at}Z`);
  ctx.commit((db) => {
    setMetric(db, round.id, 'wall_seconds', (Date.now() - started) / 1000);
    setMetric(db, round.id, 'accepted', accepted ? 1 : 0);
    finishRound(db, round.id, accepted ? 'accepted' : 'rolled_back', evaluated.modelId);
  }, {});
  ctx.log('info', `Round ${seq}: ${reason}${stopWhy ? `; stopping early: ${stopWhy}` : ''}`);
  return { accepted, reason, main: main ?? null, previous: prev, modelId: evaluated.modelId, ...(stopWhy ? { stop: stopWhy } : {}) };
}
