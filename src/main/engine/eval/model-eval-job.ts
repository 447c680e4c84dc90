import { z } from 'zod';
import { BackendSpec, ModelEvalRequest } from '../../../shared/contract/models';
import {
  continueModelEvalRun,
  discardAbandonedRuns,
  discardUnfinishedRun,
  modelEvalRunExists,
  runItemsOf,
  startModelEvalRun,
} from './model-eval';
import { evalRunRow } from './runs-repo';
import { getJobRow } from '../jobs/jobs-repo';
import { remoteKeyOf } from '../jobs/remote-keys';
import { defineJobKind } from '../jobs/registry';
import { isAbortError, type StepContext } from '../jobs/types';
import { generationHint } from '../models/slow-start';

/**
 * Evaluation with a model as a job ('eval.model'): an eval set through a local model (the engine's runtime)
 * or a remote server, with progress, pause/resume and cancel. Outcomes are stored batch by batch, each batch
 * in one transaction with the step's checkpoint (the run id), so a paused or interrupted job goes on where it
 * stopped. The run's summary is written when the last item is done; a cancelled job deletes the unfinished
 * run it created, so no half-written run is left behind.
 */

export const ModelEvalJobSettings = ModelEvalRequest.extend({
  /** Which model: a registered local model (by id, fixed when the job is queued) or a remote server (its API key is not stored). */
  backend: BackendSpec,
  /** Items generated between two commits. */
  batchSize: z.number().int().min(1).max(256).default(8),
  /** Shown in the job's title. */
  modelName: z.string().optional(),
  setName: z.string().optional(),
});
export type ModelEvalJobSettings = z.output<typeof ModelEvalJobSettings>;

const Checkpoint = z.object({ runId: z.number().int().positive() });
type Checkpoint = z.infer<typeof Checkpoint>;

export { rememberRemoteKey } from '../jobs/remote-keys';

async function evaluateStep(ctx: StepContext<ModelEvalJobSettings, Checkpoint>) {
  const s = ctx.settings;
  const db = ctx.db;
  discardAbandonedRuns(db);
  // The runtimes (node-llama-cpp) load only when an evaluation runs.
  const { openBackend } = await import('../models/backend-select');
  const spec = s.backend.kind === 'remote' ? { ...s.backend, apiKey: s.backend.apiKey ?? remoteKeyOf(ctx.jobId) } : s.backend;
  const { backend, modelId, release } = await openBackend(ctx.engine, spec, s.threads !== undefined ? { threads: s.threads } : {});
  let runId: number | undefined;
  let created = false;
  try {
    runId = Checkpoint.optional().parse(ctx.checkpoint)?.runId ?? s.resumeRunId;
    // A retried cancelled job finds its run gone: it starts a fresh one.
    if (runId !== undefined && !modelEvalRunExists(db, runId)) runId = undefined;
    if (runId === undefined) {
      // The run row and the checkpoint naming it are one transaction (commit stores `next` after `write` fills it).
      const next = { runId: 0 };
      ctx.commit((tx) => {
        next.runId = startModelEvalRun(tx, {
          set: s.set,
          modelId,
          label: s.label,
          jobId: ctx.jobId,
          settings: {
            sampling: s.sampling,
            constrain: s.constrain,
            decoder: s.decoder,
            categories: s.categories,
            limit: s.limit,
            backend: backend.id,
          },
        });
      }, next);
      runId = next.runId;
      created = true;
    }
    const id = runId;
    const items = runItemsOf(db, id);
    if (items.length === 0) throw new Error(`Evaluation run ${id} has no items (check the categories: ${s.categories?.join(', ')}).`);
    const run = await continueModelEvalRun(db, {
      backend,
      runId: id,
      settings: { sampling: s.sampling, constrain: s.constrain, decoder: s.decoder, batchSize: s.batchSize },
      modelId,
      signal: ctx.signal,
      // Each batch with the step's checkpoint (the run id) and its stored progress: a job picked up later shows where it is.
      transact: (write, p) => {
        ctx.progress(p.done, p.total, `${p.correct} correct`);
        ctx.commit(write, { runId: id });
      },
      onProgress: (p) => {
        ctx.progress(p.done, p.total, `${p.correct} correct`);
        ctx.engine.events.emit('models.evalProgress', p);
      },
    });
    ctx.engine.events.emit('eval.changed', { setId: run.setId });
    const summary = run.summary!;
    ctx.log('info', `Run ${id}: ${summary.correct}/${summary.total} correct (${(summary.accuracy * 100).toFixed(1)} %).`);
    return { runId: id, total: summary.total, correct: summary.correct, accuracy: summary.accuracy };
  } catch (error) {
    // Cancelled (not paused, not shut down): the unfinished run this job made goes, in one transaction.
    if (runId !== undefined && (isAbortError(error) || ctx.signal.aborted)) {
      const state = getJobRow(db, ctx.jobId)?.state;
      if ((state === 'cancelling' || state === 'cancelled') && (created || ownsRun(db, runId, ctx.jobId))) discardUnfinishedRun(db, runId);
    }
    throw error;
  } finally {
    await release();
  }
}

/** Was this run created by this job (on an earlier try)? A run the job was asked to resume is left alone. */
function ownsRun(db: StepContext['db'], runId: number, jobId: number): boolean {
  const row = evalRunRow(db, runId);
  return row !== undefined && (JSON.parse(row.settings_json) as { jobId?: number }).jobId === jobId;
}

export const modelEvalJob = defineJobKind({
  kind: 'eval.model',
  title: (s) =>
    `Evaluate ${s.modelName ?? (s.backend.kind === 'remote' ? s.backend.model : `model ${s.backend.model ?? '(loaded)'}`)} on ${s.setName ?? s.set}`,
  resource: 'model',
  settings: ModelEvalJobSettings,
  slowStartHint: (s, engine) =>
    generationHint(
      engine,
      s.backend.kind === 'local' ? (s.backend.model ?? null) : null,
      s.threads,
      s.backend.kind === 'remote' ? s.backend.baseUrl : undefined,
    ),
  steps: () => [
    { name: 'evaluate', run: evaluateStep as (ctx: StepContext<ModelEvalJobSettings>) => Promise<unknown>, retry: { attempts: 2 } },
  ],
});
