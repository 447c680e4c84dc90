import type { JobDetail, JobLog, JobResource, JobState, JobStep, JobSummary, LogLevel, StepState } from '../../../shared/contract/jobs';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { parseJsonColumn } from '../lib/json-column';

/** The jobs, job_steps and job_logs tables: every query of the scheduler lives here. */

export interface JobRow {
  id: number;
  kind: string;
  title: string;
  state: JobState;
  resource: JobResource;
  settings_json: string;
  result_json: string | null;
  error: string | null;
  error_stack: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  runner_pid: number | null;
  run_token: string | null;
  /** Until when (ms since the epoch) the runner's lease on this job holds; renewed by its heartbeat. */
  lease_expires_at: number | null;
}

export interface StepRow {
  id: number;
  job_id: number;
  seq: number;
  name: string;
  state: StepState;
  input_json: string;
  output_json: string | null;
  checkpoint_json: string | null;
  done: number;
  total: number | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/** Prepared statements, cached per connection: the runner issues the same few for every step and commit. */
const cache = new WeakMap<Db, Map<string, Statement>>();
function stmt(db: Db, sql: string): Statement {
  let map = cache.get(db);
  if (!map) cache.set(db, (map = new Map()));
  let statement = map.get(sql);
  if (!statement) map.set(sql, (statement = db.prepare(sql)));
  return statement;
}

export interface NewJob {
  kind: string;
  title: string;
  resource: JobResource;
  settings: unknown;
  steps: { name: string; input: unknown }[];
}

/** Creates a queued job and its pending steps in one transaction. */
export function insertJob(db: Db, job: NewJob): number {
  return db.transaction(() => {
    const { lastInsertRowid } = stmt(db, 'INSERT INTO jobs (kind, title, resource, settings_json) VALUES (?, ?, ?, ?)').run(
      job.kind,
      job.title,
      job.resource,
      JSON.stringify(job.settings),
    );
    const jobId = Number(lastInsertRowid);
    const insertStep = stmt(db, 'INSERT INTO job_steps (job_id, seq, name, input_json) VALUES (?, ?, ?, ?)');
    job.steps.forEach((step, seq) => {
      insertStep.run(jobId, seq, step.name, JSON.stringify({ settings: job.settings, input: step.input ?? null }));
    });
    return jobId;
  })();
}

export function getJobRow(db: Db, id: number): JobRow | undefined {
  return stmt(db, 'SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
}

export function getStepRows(db: Db, jobId: number): StepRow[] {
  return stmt(db, 'SELECT * FROM job_steps WHERE job_id = ? ORDER BY seq').all(jobId) as StepRow[];
}

export interface StepStats {
  stepCount: number;
  stepsDone: number;
  current: Pick<StepRow, 'seq' | 'name' | 'state' | 'done' | 'total'> | undefined;
}

function stepStats(db: Db, jobId: number): StepStats {
  const counts = stmt(db, "SELECT COUNT(*) AS n, COALESCE(SUM(state IN ('done','skipped')), 0) AS d FROM job_steps WHERE job_id = ?").get(
    jobId,
  ) as { n: number; d: number };
  const current = stmt(db, "SELECT * FROM job_steps WHERE job_id = ? AND state NOT IN ('done','skipped') ORDER BY seq LIMIT 1").get(
    jobId,
  ) as StepRow | undefined;
  return { stepCount: counts.n, stepsDone: counts.d, current };
}

export function jobFraction(stepCount: number, stepsDone: number, current?: { done: number; total: number | null }): number {
  if (stepCount === 0) return 1;
  let part = 0;
  if (current && current.total && current.total > 0) part = Math.min(1, Math.max(0, current.done / current.total));
  return Math.min(1, (stepsDone + part) / stepCount);
}

/** `stats` lets the runner, which knows them, spare the step queries (they grow with the job). */
export function toSummary(db: Db, row: JobRow, stats?: StepStats): JobSummary {
  const { stepCount, stepsDone, current } = stats ?? stepStats(db, row.id);
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    state: row.state,
    resource: row.resource,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    error: row.error,
    stepCount,
    stepsDone,
    currentStep: current ? { seq: current.seq, name: current.name, state: current.state, done: current.done, total: current.total } : null,
    fraction: row.state === 'done' ? 1 : jobFraction(stepCount, stepsDone, current),
  };
}

export function getJobSummary(db: Db, id: number): JobSummary | undefined {
  const row = getJobRow(db, id);
  return row ? toSummary(db, row) : undefined;
}

export function toStep(row: StepRow): JobStep {
  return {
    id: row.id,
    seq: row.seq,
    name: row.name,
    state: row.state,
    input: parseJsonColumn<never>(row.input_json),
    output: parseJsonColumn<never>(row.output_json),
    checkpoint: parseJsonColumn<never>(row.checkpoint_json),
    done: row.done,
    total: row.total,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function getJobDetail(db: Db, id: number): JobDetail | undefined {
  const row = getJobRow(db, id);
  if (!row) return undefined;
  return {
    ...toSummary(db, row),
    settings: parseJsonColumn<never>(row.settings_json),
    result: parseJsonColumn<never>(row.result_json),
    errorStack: row.error_stack,
    steps: getStepRows(db, id).map(toStep),
  };
}

export interface ListJobsQuery {
  states?: JobState[];
  kind?: string;
  beforeId?: number;
  limit: number;
}

export function listJobs(db: Db, query: ListJobsQuery): JobSummary[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.states && query.states.length > 0) {
    where.push(`state IN (${query.states.map(() => '?').join(',')})`);
    params.push(...query.states);
  }
  if (query.kind) {
    where.push('kind = ?');
    params.push(query.kind);
  }
  if (query.beforeId !== undefined) {
    where.push('id < ?');
    params.push(query.beforeId);
  }
  const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = stmt(db, sql).all(...params, query.limit) as JobRow[];
  return rows.map((row) => toSummary(db, row));
}

/** The newest job of a kind, in one of the states, whose stored settings hold one of `values` at `key` (a top-level field). */
export function newestJobWithSetting(
  db: Db,
  kind: string,
  states: JobState[],
  key: string,
  values: (string | number)[],
): JobRow | undefined {
  const list = (n: number) => Array.from({ length: n }, () => '?').join(',');
  return stmt(
    db,
    `SELECT * FROM jobs WHERE kind = ? AND state IN (${list(states.length)}) AND json_extract(settings_json, ?) IN (${list(values.length)})
     ORDER BY id DESC LIMIT 1`,
  ).get(kind, ...states, `$.${key}`, ...values) as JobRow | undefined;
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function insertLog(db: Db, jobId: number, stepId: number | null, level: LogLevel, message: string): JobLog {
  const row = stmt(db, `INSERT INTO job_logs (job_id, step_id, level, message) VALUES (?, ?, ?, ?) RETURNING id, at`).get(
    jobId,
    stepId,
    level,
    message,
  ) as { id: number; at: string };
  return { id: row.id, jobId, stepId, level, message, at: row.at };
}

export function listLogs(
  db: Db,
  query: { id: number; afterId: number; limit: number; minLevel: LogLevel },
): { items: JobLog[]; total: number; nextAfterId: number | null } {
  const levels = LEVELS.slice(LEVELS.indexOf(query.minLevel));
  const inLevels = `level IN (${levels.map(() => '?').join(',')})`;
  const rows = stmt(
    db,
    `SELECT id, job_id AS jobId, step_id AS stepId, level, message, at FROM job_logs
       WHERE job_id = ? AND id > ? AND ${inLevels} ORDER BY id LIMIT ?`,
  ).all(query.id, query.afterId, ...levels, query.limit + 1) as JobLog[];
  const total = (stmt(db, `SELECT COUNT(*) AS n FROM job_logs WHERE job_id = ? AND ${inLevels}`).get(query.id, ...levels) as { n: number })
    .n;
  const more = rows.length > query.limit;
  const items = more ? rows.slice(0, query.limit) : rows;
  return { items, total, nextAfterId: more ? items[items.length - 1]!.id : null };
}

// ---- state transitions (each one statement or one transaction) ----

/**
 * Claims a queued job for one execution, with a lease until `leaseUntil` (ms since the epoch); false when
 * someone else was faster, or when it is a model job and another model job runs (the `jobs_one_model_job`
 * index refuses a second one, in whichever process it is).
 */
export function claimJob(db: Db, id: number, token: string, leaseUntil: number): boolean {
  try {
    const { changes } = stmt(
      db,
      `UPDATE jobs SET state = 'running', runner_pid = ?, run_token = ?, lease_expires_at = ?, error = NULL, error_stack = NULL,
           started_at = COALESCE(started_at, ${NOW}), updated_at = ${NOW}
         WHERE id = ? AND state = 'queued'`,
    ).run(process.pid, token, leaseUntil, id);
    return changes === 1;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
    throw error;
  }
}

/** Renews the lease of a live execution; false when the job is no longer its own. */
export function renewLease(db: Db, id: number, token: string, leaseUntil: number): boolean {
  return stmt(db, 'UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND run_token = ?').run(leaseUntil, id, token).changes === 1;
}

/** The model job that is running or cancelling now (at most one: the `jobs_one_model_job` index). */
export function runningModelJob(db: Db): JobRow | undefined {
  return stmt(db, "SELECT * FROM jobs WHERE resource = 'model' AND state IN ('running','cancelling') LIMIT 1").get() as JobRow | undefined;
}

/** True while `token` is still the job's live execution (not paused, cancelled or re-claimed). */
export function ownsJob(db: Db, id: number, token: string): boolean {
  return stmt(db, "SELECT 1 FROM jobs WHERE id = ? AND run_token = ? AND state = 'running'").get(id, token) !== undefined;
}

export function queuedJobs(db: Db, limit = 64): Pick<JobRow, 'id' | 'resource'>[] {
  return stmt(db, "SELECT id, resource FROM jobs WHERE state = 'queued' ORDER BY id LIMIT ?").all(limit) as Pick<
    JobRow,
    'id' | 'resource'
  >[];
}

export function setJobState(
  db: Db,
  id: number,
  state: JobState,
  options: {
    fromStates?: JobState[];
    token?: string;
    finished?: boolean;
    error?: { message: string; stack: string | null };
    result?: unknown;
  } = {},
): boolean {
  const sets = ['state = ?', `updated_at = ${NOW}`];
  const params: unknown[] = [state];
  if (options.finished) sets.push(`finished_at = ${NOW}`);
  if (options.error) {
    sets.push('error = ?', 'error_stack = ?');
    params.push(options.error.message, options.error.stack);
  }
  if (options.result !== undefined) {
    sets.push('result_json = ?');
    params.push(JSON.stringify(options.result ?? null));
  }
  const where = ['id = ?'];
  params.push(id);
  if (options.fromStates) {
    where.push(`state IN (${options.fromStates.map(() => '?').join(',')})`);
    params.push(...options.fromStates);
  }
  if (options.token) {
    where.push('run_token = ?');
    params.push(options.token);
  }
  return stmt(db, `UPDATE jobs SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`).run(...params).changes === 1;
}

export function startStep(db: Db, stepId: number): void {
  stmt(db, `UPDATE job_steps SET state = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, ${NOW}) WHERE id = ?`).run(
    stepId,
  );
}

export function saveCheckpoint(db: Db, stepId: number, checkpoint: unknown, done: number, total: number | null): void {
  stmt(db, 'UPDATE job_steps SET checkpoint_json = ?, done = ?, total = ? WHERE id = ?').run(
    JSON.stringify(checkpoint ?? null),
    done,
    total,
    stepId,
  );
}

export function readCheckpoint(db: Db, stepId: number): string | null {
  return (stmt(db, 'SELECT checkpoint_json FROM job_steps WHERE id = ?').get(stepId) as { checkpoint_json: string | null }).checkpoint_json;
}

export function saveProgress(db: Db, stepId: number, done: number, total: number | null): void {
  stmt(db, 'UPDATE job_steps SET done = ?, total = ? WHERE id = ?').run(done, total, stepId);
}

export function finishStep(db: Db, stepId: number, output: unknown, done: number, total: number | null): void {
  stmt(db, `UPDATE job_steps SET state = 'done', output_json = ?, done = ?, total = ?, finished_at = ${NOW} WHERE id = ?`).run(
    JSON.stringify(output ?? null),
    done,
    total,
    stepId,
  );
}

export function setStepState(db: Db, stepId: number, state: StepState): void {
  stmt(db, 'UPDATE job_steps SET state = ? WHERE id = ?').run(state, stepId);
}

/** Steps that were interrupted or failed go back to pending (their checkpoints stay). */
export function resetUnfinishedSteps(db: Db, jobId: number): void {
  stmt(db, "UPDATE job_steps SET state = 'pending' WHERE job_id = ? AND state IN ('running','failed')").run(jobId);
}

/** Clears a finished job's outcome before it is queued again (retry). */
export function clearJobOutcome(db: Db, id: number): void {
  db.prepare('UPDATE jobs SET finished_at = NULL, error = NULL, error_stack = NULL WHERE id = ?').run(id);
}

/** Jobs some runner holds or held (running or cancelling): candidates for recovery. */
export function activeJobRows(db: Db): JobRow[] {
  return db.prepare("SELECT * FROM jobs WHERE state IN ('running','cancelling')").all() as JobRow[];
}

/** The output of a job's step of that name, once it is done (undefined before then). */
export function doneStepOutput(db: Db, jobId: number, name: string): { output_json: string | null } | undefined {
  return db.prepare(`SELECT output_json FROM job_steps WHERE job_id = ? AND name = ? AND state = 'done'`).get(jobId, name) as
    { output_json: string | null } | undefined;
}
