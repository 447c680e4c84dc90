import { getModelRef } from '../models-link';
import { ensureRound, finishRound, setMetric } from '../rounds-repo';
import { evaluateRound } from './evaluate';
import { checkpointOutput, templateOf, type Ctx, type Workspace } from './shared';

/** Round 0: the starting model's evaluation, the bar the first round must clear. */
export async function baselineStep(ctx: Ctx, ws: Workspace) {
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const model = getModelRef(ctx.db, ws.modelsDir, s.modelId);
  const template = await templateOf(model);
  const started = Date.now();
  const round = ensureRound(ctx.db, {
    jobId: ctx.jobId,
    runId: s.runId,
    seq: 0,
    baseModelId: model.id,
    settings: s,
    templateHash: template.hash,
  });
  const r = await evaluateRound(ctx, round, model.id, `${s.runId} round 0 (base)`);
  const output = { roundId: round.id, ...r };
  ctx.commit(
    (db) => {
      setMetric(db, round.id, 'wall_seconds', (Date.now() - started) / 1000);
      finishRound(db, round.id, 'accepted', model.id);
    },
    { output },
  );
  return output;
}
