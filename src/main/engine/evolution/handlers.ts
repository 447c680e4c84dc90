import { ApiError } from '../../../shared/contract/errors';
import { EvolveSettings, type evolutionMethods, type RoundSummary, type WaitingRound } from '../../../shared/contract/evolution';
import type { Handlers } from '../core/handlers';
import type { Db } from '../db/open';
import { rememberRemoteKey } from '../jobs/remote-keys';
import { jobRunner } from '../jobs/runner';
import { getModel } from '../models/registry';
import { evalRunsOfRound } from '../eval/runs-repo';
import { setNamesByAge } from '../eval/sets-repo';
import { stopReasonsOfRound } from '../refine/traces-repo';
import { roundReviewCounts, roundSampleCounts } from '../samples/samples-repo';
import {
  getRoundById,
  listRounds,
  listRuns,
  markCurated,
  metric,
  metricsOf,
  passKOfRound,
  runExists,
  waitingRounds,
  type RoundRow,
} from './rounds-repo';
import { roundCounts } from './round-counts';
import { defaultThreads } from '../workspace/threads-setting';
import './job';

function toSummary(db: Db, r: RoundRow): RoundSummary {
  return {
    id: r.id,
    runId: r.run_id,
    seq: r.seq,
    jobId: r.job_id,
    state: r.state,
    stage: r.stage,
    baseModelId: r.base_model_id,
    resultModelId: r.result_model_id,
    templateHash: r.template_hash,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    curatedAt: r.curated_at,
    metrics: metricsOf(db, r.id),
    counts: roundCounts(db, r.id),
  };
}

function toWaiting(db: Db, r: RoundRow): WaitingRound {
  return { id: r.id, runId: r.run_id, seq: r.seq, jobId: r.job_id, ...roundReviewCounts(db, r.id) };
}

function roundOr404(db: Db, id: number): RoundRow {
  const r = getRoundById(db, id);
  if (!r) throw new ApiError('not_found', `Round ${id} was not found.`, { id });
  return r;
}

const BUILTIN_EVAL_SETS = EvolveSettings.shape.evalSets.parse(undefined);

/**
 * The held-out sets a run evaluates on: those named, each of which must exist. The default (the built-in
 * unseen-tool and in-domain sets) falls back to the workspace's first two sets when it has not installed them.
 */
function resolveEvalSets(db: Db, named: string[]): string[] {
  const have = setNamesByAge(db);
  const isDefault = named.length === BUILTIN_EVAL_SETS.length && named.every((n, i) => n === BUILTIN_EVAL_SETS[i]);
  if (isDefault && !named.every((n) => have.includes(n)) && have.length) return have.slice(0, 2);
  const missing = named.findIndex((n) => !have.includes(n));
  if (missing >= 0) {
    throw new ApiError(
      'invalid_input',
      `settings.evalSets[${missing}]: there is no evaluation set named "${named[missing]}" (import one in Evaluation, or install the built-in pool's sets).`,
      { evalSets: named, available: have },
    );
  }
  return named;
}

export const evolutionHandlers: Handlers<typeof evolutionMethods> = {
  'evolution.start': (input, ctx) => {
    let modelId: number;
    try {
      modelId = getModel(ctx.db, ctx.workspace.modelsDir, input.modelId).id;
    } catch (error) {
      if (error instanceof ApiError) throw new ApiError(error.code, `settings.modelId: ${error.message}`, { modelId: input.modelId });
      throw error;
    }
    const settings = { ...input, modelId };
    if (runExists(ctx.db, settings.runId)) {
      throw new ApiError('invalid_input', `settings.runId: a run named "${settings.runId}" already exists; choose another name.`, {
        runId: settings.runId,
      });
    }
    // A remote server's API key stays in this process, out of the stored job and round settings.
    const { generation } = settings;
    const stored = generation.kind === 'remote' ? { ...generation, apiKey: undefined } : generation;
    // Threads not given are fixed now (the Settings value, else the cores free) and recorded with the rounds.
    const threads = defaultThreads(ctx.db);
    const job = jobRunner(ctx).start('evolution.run', {
      ...settings,
      threads: settings.threads ?? threads.generation,
      train: { ...settings.train, threads: settings.train.threads ?? threads.training },
      generation: stored,
      evalSets: resolveEvalSets(ctx.db, settings.evalSets),
    });
    if (generation.kind === 'remote' && generation.apiKey) rememberRemoteKey(job.id, generation.apiKey);
    return { jobId: job.id, runId: settings.runId };
  },
  'evolution.runs': (_input, ctx) => {
    return {
      items: listRuns(ctx.db).map((r) => ({
        runId: r.run_id,
        jobId: r.job_id,
        rounds: r.n,
        startedAt: r.started_at,
        mainTrend: listRounds(ctx.db, r.run_id).map((row) => metric(ctx.db, row.id, 'main_metric') ?? null),
      })),
    };
  },
  'evolution.rounds': ({ runId }, ctx) => ({ items: listRounds(ctx.db, runId).map((r) => toSummary(ctx.db, r)) }),
  'evolution.round': ({ id }, ctx) => {
    const db = ctx.db;
    const r = roundOr404(db, id);
    const selection = passKOfRound(db, id).map((s) => ({
      sampleId: s.sample_id,
      k: s.k,
      matches: s.matches,
      p: s.p,
      bucket: s.bucket,
      selected: s.selected === 1,
      difficulty: s.difficulty,
      reason: s.reason,
    }));
    const evalRuns = evalRunsOfRound(db, id).map((e) => ({
      id: e.id,
      set: e.name,
      mode: e.eval_mode === 'constrained' ? ('constrained' as const) : ('unconstrained' as const),
      modelId: e.model_id,
      summary: e.summary_json ? (JSON.parse(e.summary_json) as unknown) : null,
    }));
    const stops = stopReasonsOfRound(db, id);
    return {
      round: toSummary(db, r),
      settings: JSON.parse(r.settings_json) as Record<string, unknown>,
      samples: roundSampleCounts(db, id),
      selection,
      evalRuns,
      traces: { count: stops.reduce((a, s) => a + s.n, 0), byStopReason: Object.fromEntries(stops.map((s) => [s.stop_reason, s.n])) },
    };
  },
  'evolution.continue': ({ runId }, ctx) => {
    const db = ctx.db;
    if (!runExists(db, runId)) {
      const known = listRuns(db)
        .map((r) => r.run_id)
        .slice(0, 10);
      throw new ApiError('not_found', `There is no evolution run "${runId}"${known.length ? ` (runs: ${known.join(', ')})` : ''}.`, {
        runId,
      });
    }
    // The newest waiting round: a run has at most one running round, so there is one or none.
    const round = waitingRounds(db, runId).at(-1);
    if (!round) throw new ApiError('invalid_input', `No round of run "${runId}" waits for curation; nothing to continue.`, { runId });
    const waiting = toWaiting(db, round);
    markCurated(db, round.id);
    return { round: toSummary(db, getRoundById(db, round.id)!), waiting };
  },
  'evolution.waiting': ({ runId }, ctx) => ({ items: waitingRounds(ctx.db, runId).map((r) => toWaiting(ctx.db, r)) }),
};
