import { acceptVerdict } from '../accept-rule';
import { lastAcceptedBefore, testAgainstLastAccepted } from '../round-comparison';
import { finishRound, metric, setMetric } from '../rounds-repo';
import { roundOf, stoppedBefore, type Ctx } from './shared';

/**
 * Step 10, accept or roll back by the run's `acceptRule` (evolution/accept-rule.ts): the main metric within
 * the tolerance, or a significant gain by the paired test on the main set; otherwise the next round starts
 * from the last accepted model. Also decides an early stop. The verdict and its reason are this step's
 * output (and the job log); the paired test itself is recomputed on read from eval_results.
 */
export function decideStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop, stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const evaluated = ctx.outputs[`round-${seq}/evaluate`] as { modelId: number | null; main?: number };
  const selected = ctx.outputs[`round-${seq}/select`] as { newSelected: number };
  // The last accepted round's main metric (round 0 = the base model's).
  const prevRound = lastAcceptedBefore(ctx.db, s.runId, seq);
  const prev = prevRound ? (metric(ctx.db, prevRound.id, 'main_metric') ?? 0) : 0;
  const main = evaluated.main;
  const mainSet = s.mainSet ?? s.evalSets[0]!;
  const test = evaluated.modelId === null ? null : testAgainstLastAccepted(ctx.db, round, mainSet);
  const verdict = acceptVerdict({
    rule: s.acceptRule,
    tolerance: s.tolerance,
    trained: evaluated.modelId !== null,
    main,
    previous: prev,
    test,
  });
  const { accepted, reason } = verdict;
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
  return {
    accepted,
    reason,
    rule: s.acceptRule,
    significance: verdict.significance,
    main: main ?? null,
    previous: prev,
    modelId: evaluated.modelId,
    ...(stopWhy ? { stop: stopWhy } : {}),
  };
}
