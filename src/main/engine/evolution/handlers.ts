import { ApiError } from '../../../shared/contract/errors';
import { EvolveSettings, type evolutionMethods, type RoundSummary } from '../../../shared/contract/evolution';
import type { Handlers } from '../core/handlers';
import type { Db } from '../db/open';
import { rememberRemoteKey } from '../jobs/remote-keys';
import { jobRunner } from '../jobs/runner';
import { getModel } from '../models/registry';
import { getRoundById, listRounds, metric, metricsOf, type RoundRow } from './rounds-repo';
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
  const have = (db.prepare('SELECT name FROM eval_sets ORDER BY id').all() as { name: string }[]).map((r) => r.name);
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
    if (ctx.db.prepare('SELECT 1 FROM rounds WHERE run_id = ?').get(settings.runId)) {
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
    const runs = ctx.db
      .prepare(
        'SELECT run_id, MAX(job_id) AS job_id, COUNT(*) AS n, MIN(started_at) AS started_at FROM rounds GROUP BY run_id ORDER BY MIN(id) DESC',
      )
      .all() as { run_id: string; job_id: number | null; n: number; started_at: string }[];
    return {
      items: runs.map((r) => ({
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
    const samples = db
      .prepare(
        'SELECT subtask, status, COUNT(*) AS count FROM samples WHERE round_id = ? GROUP BY subtask, status ORDER BY subtask, status',
      )
      .all(id) as {
      subtask: string;
      status: string;
      count: number;
    }[];
    const selection = (
      db
        .prepare(
          'SELECT sample_id, k, matches, p, bucket, selected, difficulty, reason FROM sample_passk WHERE round_id = ? ORDER BY difficulty, sample_id LIMIT 2000',
        )
        .all(id) as {
        sample_id: number;
        k: number;
        matches: number;
        p: number;
        bucket: 'mastered' | 'learnable' | 'unreachable';
        selected: number;
        difficulty: number | null;
        reason: string | null;
      }[]
    ).map((s) => ({
      sampleId: s.sample_id,
      k: s.k,
      matches: s.matches,
      p: s.p,
      bucket: s.bucket,
      selected: s.selected === 1,
      difficulty: s.difficulty,
      reason: s.reason,
    }));
    const evalRuns = (
      db
        .prepare(
          `SELECT e.id, s.name, e.model_id, e.summary_json,
                  COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') AS eval_mode
             FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id WHERE e.round_id = ? ORDER BY e.id`,
        )
        .all(id) as {
        id: number;
        name: string;
        model_id: number | null;
        summary_json: string | null;
        eval_mode: string;
      }[]
    ).map((e) => ({
      id: e.id,
      set: e.name,
      mode: e.eval_mode === 'constrained' ? ('constrained' as const) : ('unconstrained' as const),
      modelId: e.model_id,
      summary: e.summary_json ? (JSON.parse(e.summary_json) as unknown) : null,
    }));
    const stops = db
      .prepare('SELECT stop_reason, COUNT(*) AS n FROM refinement_traces WHERE round_id = ? GROUP BY stop_reason')
      .all(id) as { stop_reason: string; n: number }[];
    return {
      round: toSummary(db, r),
      settings: JSON.parse(r.settings_json) as Record<string, unknown>,
      samples,
      selection,
      evalRuns,
      traces: { count: stops.reduce((a, s) => a + s.n, 0), byStopReason: Object.fromEntries(stops.map((s) => [s.stop_reason, s.n])) },
    };
  },
  'evolution.continue': ({ id }, ctx) => {
    const r = roundOr404(ctx.db, id);
    if (r.state !== 'running')
      throw new ApiError('invalid_input', `Round ${id} is ${r.state.replace('_', ' ')}; only a running round can be continued.`, { id });
    ctx.db.prepare(`UPDATE rounds SET curated_at = COALESCE(curated_at, strftime('%Y-%m-%dT%H:%M:%fZ','now')) WHERE id = ?`).run(id);
    return toSummary(ctx.db, getRoundById(ctx.db, id)!);
  },
  'evolution.waiting': ({ runId }, ctx) => {
    // A round waits while it is running in stage 'curation' and nobody has marked it curated yet.
    const rows = ctx.db
      .prepare(
        `SELECT r.id, r.run_id, r.seq, r.job_id,
           (SELECT COUNT(*) FROM samples s WHERE s.round_id = r.id) AS samples,
           (SELECT COUNT(*) FROM samples s WHERE s.round_id = r.id AND s.status = 'candidate') AS candidates
         FROM rounds r
         WHERE r.state = 'running' AND r.stage = 'curation' AND r.curated_at IS NULL AND (? IS NULL OR r.run_id = ?)
         ORDER BY r.id`,
      )
      .all(runId ?? null, runId ?? null) as {
      id: number;
      run_id: string;
      seq: number;
      job_id: number | null;
      samples: number;
      candidates: number;
    }[];
    return {
      items: rows.map((r) => ({ id: r.id, runId: r.run_id, seq: r.seq, jobId: r.job_id, samples: r.samples, candidates: r.candidates })),
    };
  },
};
