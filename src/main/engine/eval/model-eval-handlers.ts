import type { modelEvalMethods } from '../../../shared/contract/models';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import { rememberRemoteKey } from './model-eval-job';
import { getJobRow, newestJobWithSetting, toSummary, type JobRow } from '../jobs/jobs-repo';
import { jobRunner } from '../jobs/runner';
import { runnableFiles } from '../models/registry';
import { modelRuntime } from '../models/runtime-service';
import { discardAbandonedRuns } from './model-eval';
import { requireSet } from './sets-repo';

/**
 * `models.evaluate` queues an 'eval.model' job and answers with its id at once: progress comes as
 * `jobs.progress` (and `models.evalProgress`) events, pause/cancel through `jobs.*`, and the stored run is in
 * the job's output (`runId`) and in `eval.runs`. Everything that can be checked before the job runs (the set,
 * the model) is checked here, so a bad request is an error now, not a failed job later.
 */
export const modelEvalHandlers: Handlers<typeof modelEvalMethods> = {
  'models.evaluate': (input, ctx) => {
    if (input.model !== undefined && input.remote)
      throw new ApiError('invalid_input', 'Give either model (a local model) or remote (a server), not both.', { field: 'remote' });
    const set = requireSet(ctx.db, input.set);
    discardAbandonedRuns(ctx.db);
    let backend;
    let modelName: string;
    if (input.remote) {
      // The key stays in this process (rememberRemoteKey), not in the stored job settings.
      const { apiKey: _key, ...remote } = input.remote;
      backend = { kind: 'remote' as const, ...remote };
      modelName = `${remote.model} (${remote.baseUrl})`;
    } else {
      // "The loaded model" is fixed now, so that a resumed job evaluates the same model.
      const loaded = modelRuntime(ctx).current?.model;
      if (input.model === undefined && !loaded)
        throw new ApiError('unavailable', 'No model is loaded: load one first (models.load) or name one.', { field: 'model' });
      // runnableFiles: an adapter without a registered base is refused now, not when the job loads it.
      const model = input.model === undefined ? loaded! : runnableFiles(ctx.db, ctx.workspace.modelsDir, input.model).model;
      backend = { kind: 'local' as const, model: model.id };
      modelName = model.name;
    }
    const job = jobRunner(ctx).start('eval.model', {
      set: set.id,
      setName: set.name,
      backend,
      modelName,
      label: input.label,
      sampling: input.sampling,
      constrain: input.constrain,
      decoder: input.decoder,
      categories: input.categories,
      limit: input.limit,
      // Only when given: a model already loaded keeps its threads, one loaded for the job gets the default
      // (the Settings value, else the cores free then: runtime-service).
      ...(backend.kind === 'local' && input.threads !== undefined ? { threads: input.threads } : {}),
      resumeRunId: input.resumeRunId,
    });
    if (input.remote?.apiKey) rememberRemoteKey(job.id, input.remote.apiKey);
    return { jobId: job.id };
  },
  // Which jobs evaluate which set: read from the jobs' stored settings, so views and the CLI need not.
  'models.evaluationJob': (input, ctx) => {
    // A job names its set by id (models.evaluate) or as it was given to jobs.start (id or name).
    const set = requireSet(ctx.db, input.set);
    const row = newestJobWithSetting(ctx.db, 'eval.model', ['queued', 'running', 'paused', 'cancelling'], 'set', [set.id, set.name]);
    if (!row) return { job: null };
    const { state, error, currentStep } = toSummary(ctx.db, row);
    return { job: { id: row.id, state, error, done: currentStep?.done ?? 0, total: currentStep?.total ?? null, runId: runIdOf(row) } };
  },
  'models.evaluationRun': ({ jobId }, ctx) => {
    const row = getJobRow(ctx.db, jobId);
    if (!row || row.kind !== 'eval.model') throw new ApiError('not_found', `Job ${jobId} is not an evaluation job.`, { field: 'jobId' });
    return { set: requireSet(ctx.db, (JSON.parse(row.settings_json) as { set: number | string }).set).id, runId: runIdOf(row) };
  },
};

/** The run an eval.model job stored (its output's `runId`), null until it is done. */
function runIdOf(row: JobRow): number | null {
  const result = row.result_json ? (JSON.parse(row.result_json) as { runId?: unknown }) : null;
  return typeof result?.runId === 'number' ? result.runId : null;
}
