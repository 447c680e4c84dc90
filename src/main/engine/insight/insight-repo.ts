import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';

/**
 * The Insight reports' queries: read-only, across evaluation runs, rounds, models, jobs and refinement traces.
 * What the reports make of the rows (deltas, flips, trends, summaries) stays in the modules that call these.
 */

export interface RunInfo {
  id: number;
  set: string;
  setId: number;
  label: string;
  model: string | null;
  roundSeq: number | null;
  createdAt: string;
  correct: number;
  total: number;
}

const RUN_SQL = `SELECT e.id, s.name AS "set", e.set_id AS setId, e.label, m.name AS model, r.seq AS roundSeq, e.created_at AS createdAt,
       COALESCE(SUM(x.valid), 0) AS correct, COUNT(x.id) AS total
  FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id LEFT JOIN models m ON m.id = e.model_id
  LEFT JOIN rounds r ON r.id = e.round_id LEFT JOIN eval_results x ON x.run_id = e.id`;

export function evalRunInfos(db: Db): RunInfo[] {
  return db.prepare(`${RUN_SQL} GROUP BY e.id ORDER BY e.id DESC`).all() as RunInfo[];
}

export function evalRunInfo(db: Db, id: number): RunInfo | undefined {
  return db.prepare(`${RUN_SQL} WHERE e.id = ? GROUP BY e.id`).get(id) as RunInfo | undefined;
}

export interface CategoryCount {
  category: string;
  correct: number;
  total: number;
}

/** One run's correct and total per category; the statement is returned so both runs share it. */
export function categoryCountsQuery(db: Db): (runId: number) => CategoryCount[] {
  const perCategory = db.prepare(
    `SELECT i.category, SUM(x.valid) AS correct, COUNT(*) AS total FROM eval_results x JOIN eval_items i ON i.id = x.item_id
     WHERE x.run_id = ? GROUP BY i.category`,
  );
  return (runId) => perCategory.all(runId) as CategoryCount[];
}

export interface FlipRow {
  itemId: number;
  itemKey: string;
  category: string;
  va: number;
  vb: number;
  outputA: string;
  outputB: string;
  errorA: string | null;
  errorB: string | null;
  traceA: number | null;
  traceB: number | null;
}

/** The items of run a whose verdict differs in run b. */
export function verdictFlips(db: Db, aId: number, bId: number): FlipRow[] {
  return db
    .prepare(
      `SELECT i.id AS itemId, i.item_key AS itemKey, i.category, xa.valid AS va, xb.valid AS vb, xa.output_text AS outputA, xb.output_text AS outputB,
                xa.error_type AS errorA, xb.error_type AS errorB, xa.trace_id AS traceA, xb.trace_id AS traceB
         FROM eval_results xa JOIN eval_results xb ON xb.item_id = xa.item_id AND xb.run_id = ?
         JOIN eval_items i ON i.id = xa.item_id
         WHERE xa.run_id = ? AND xa.valid != xb.valid ORDER BY i.category, i.id`,
    )
    .all(bId, aId) as FlipRow[];
}

export interface ModelHead {
  id: number;
  name: string;
  kind: string;
  createdAt: string;
}

export function lastAcceptedModel(db: Db): ModelHead | undefined {
  return db
    .prepare(
      `SELECT m.id, m.name, m.kind, m.created_at AS createdAt FROM rounds r JOIN models m ON m.id = r.result_model_id
       WHERE r.state = 'accepted' ORDER BY r.finished_at DESC, r.id DESC LIMIT 1`,
    )
    .get() as ModelHead | undefined;
}

export function newestModel(db: Db): ModelHead | undefined {
  return db.prepare('SELECT id, name, kind, created_at AS createdAt FROM models ORDER BY id DESC LIMIT 1').get() as ModelHead | undefined;
}

export interface TrendRow {
  runId: string;
  seq: number;
  state: string;
  set: string;
  finished: number;
  correct: number;
  items: number;
}

/** Every unconstrained evaluation of a round, per run in round order. */
export function roundEvalTrend(db: Db): TrendRow[] {
  return db
    .prepare(
      `SELECT r.run_id AS runId, r.seq, r.state, s.name AS "set", e.finished_at IS NOT NULL AS finished,
                COALESCE(SUM(x.valid), 0) AS correct, COUNT(x.id) AS items
           FROM eval_runs e JOIN rounds r ON r.id = e.round_id JOIN eval_sets s ON s.id = e.set_id
           LEFT JOIN eval_results x ON x.run_id = e.id
          WHERE COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') = 'unconstrained'
          GROUP BY e.id ORDER BY (SELECT MIN(f.id) FROM rounds f WHERE f.run_id = r.run_id), r.seq, e.id`,
    )
    .all() as TrendRow[];
}

/** The job the Overview shows: a running one first, else the newest waiting one. */
export function activeJob(db: Db): { id: number; title: string; state: string } | undefined {
  return db
    .prepare(
      "SELECT id, title, state FROM jobs WHERE state IN ('running','cancelling','paused','queued') ORDER BY CASE state WHEN 'running' THEN 0 ELSE 1 END, id DESC LIMIT 1",
    )
    .get() as { id: number; title: string; state: string } | undefined;
}

export interface RoundRow {
  id: number;
  run_id: string;
  seq: number;
  state: string;
  stage: string | null;
  base_model_id: number | null;
  base_name: string | null;
  result_model_id: number | null;
  result_name: string | null;
  started_at: string;
  finished_at: string | null;
}

export function roundRows(db: Db, runId?: string): RoundRow[] {
  return db
    .prepare(
      `SELECT r.id, r.run_id, r.seq,
              -- A round whose job was cancelled or failed mid-way is shown as such, not as still running.
              CASE WHEN r.state = 'running' AND j.state IN ('cancelled', 'failed', 'paused') THEN j.state ELSE r.state END AS state,
              r.stage, r.base_model_id, b.name AS base_name, r.result_model_id, m.name AS result_name,
              r.started_at, r.finished_at
       FROM rounds r LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN models b ON b.id = r.base_model_id LEFT JOIN models m ON m.id = r.result_model_id
       ${runId ? 'WHERE r.run_id = ?' : ''} ORDER BY r.started_at, r.run_id, r.seq`,
    )
    .all(...(runId ? [runId] : [])) as RoundRow[];
}

/** The per-round statements of the round summaries, prepared once for all rounds. */
export interface RoundDetailQueries {
  buckets: Statement;
  previous: Statement;
  movement: Statement;
  metrics: Statement;
  evalRuns: Statement;
}

export function roundDetailQueries(db: Db): RoundDetailQueries {
  return {
    buckets: db.prepare('SELECT bucket, COUNT(*) AS n, SUM(selected) AS selected FROM sample_passk WHERE round_id = ? GROUP BY bucket'),
    previous: db.prepare('SELECT id FROM rounds WHERE run_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1').pluck(),
    movement: db.prepare(
      `SELECT a.bucket AS "from", b.bucket AS "to", COUNT(*) AS count FROM sample_passk a JOIN sample_passk b ON b.sample_id = a.sample_id
     WHERE a.round_id = ? AND b.round_id = ? GROUP BY a.bucket, b.bucket ORDER BY a.bucket, b.bucket`,
    ),
    metrics: db.prepare('SELECT name, category, value FROM round_metrics WHERE round_id = ? ORDER BY name, category'),
    evalRuns: db.prepare(
      `SELECT e.id, s.name AS "set", COUNT(x.id) AS items, COALESCE(SUM(x.valid), 0) AS correct, AVG(x.valid) AS accuracy,
            COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') AS mode
     FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id LEFT JOIN eval_results x ON x.run_id = e.id
     WHERE e.round_id = ? GROUP BY e.id ORDER BY e.id`,
    ),
  };
}

export interface TraceFilter {
  changed?: boolean;
  stopReason?: string;
  iterations?: number;
  evalRunId?: number;
}

function where(filter: TraceFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.changed !== undefined) {
    clauses.push('t.changed = ?');
    params.push(filter.changed ? 1 : 0);
  }
  if (filter.stopReason) {
    clauses.push('t.stop_reason = ?');
    params.push(filter.stopReason);
  }
  if (filter.iterations !== undefined) {
    clauses.push('t.iterations = ?');
    params.push(filter.iterations);
  }
  if (filter.evalRunId !== undefined) {
    clauses.push('t.eval_run_id = ?');
    params.push(filter.evalRunId);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const ROW = `t.id, t.query, t.stop_reason AS stopReason, t.iterations, t.changed, t.final_text AS finalText, t.total_tokens AS totalTokens,
  t.total_ms AS totalMs, m.name AS model, r.seq AS roundSeq, t.eval_run_id AS evalRunId, t.created_at AS createdAt`;
const FROM = 'refinement_traces t LEFT JOIN models m ON m.id = t.model_id LEFT JOIN rounds r ON r.id = t.round_id';

export type TraceRow = { changed: number | boolean } & Record<string, unknown>;

export function traceRows(db: Db, filter: TraceFilter, offset: number, limit: number): TraceRow[] {
  const w = where(filter);
  return db
    .prepare(`SELECT ${ROW} FROM ${FROM} ${w.sql} ORDER BY t.id DESC LIMIT ? OFFSET ?`)
    .all(...w.params, limit, offset) as TraceRow[];
}

export function traceCount(db: Db, filter: TraceFilter): number {
  const w = where(filter);
  return db
    .prepare(`SELECT COUNT(*) FROM refinement_traces t ${w.sql}`)
    .pluck()
    .get(...w.params) as number;
}

export function iterationHistogram(db: Db): { iterations: number; count: number }[] {
  return db.prepare('SELECT iterations, COUNT(*) AS count FROM refinement_traces GROUP BY iterations ORDER BY iterations').all() as {
    iterations: number;
    count: number;
  }[];
}

export function stopReasonCounts(db: Db): { reason: string; count: number }[] {
  return db
    .prepare('SELECT stop_reason AS reason, COUNT(*) AS count FROM refinement_traces GROUP BY stop_reason ORDER BY count DESC')
    .all() as { reason: string; count: number }[];
}

export function traceRow(db: Db, id: number): (TraceRow & { tools_json: string }) | undefined {
  return db.prepare(`SELECT ${ROW}, t.tools_json FROM ${FROM} WHERE t.id = ?`).get(id) as (TraceRow & { tools_json: string }) | undefined;
}

export interface TraceStepRow {
  seq: number;
  input: string;
  output: string;
  canonical_json: string | null;
  verdicts_json: string | null;
  tokens: number;
  ms: number;
}

export function traceStepRows(db: Db, traceId: number): TraceStepRow[] {
  return db
    .prepare(
      'SELECT seq, input_text AS input, output_text AS output, canonical_json, verdicts_json, tokens, ms FROM trace_steps WHERE trace_id = ? ORDER BY seq',
    )
    .all(traceId) as TraceStepRow[];
}
