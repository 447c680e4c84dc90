import type { Db } from '../db/open';

/**
 * Evaluation runs and their per-item results (`eval_runs`, `eval_results`): the statements of model
 * evaluation and of the rounds' reads. A run is unfinished until its summary and finish time are written.
 */

export interface NewEvalRun {
  setId: number;
  modelId: number | null;
  roundId: number | null;
  label: string;
  settings: unknown;
}

export function insertEvalRun(db: Db, run: NewEvalRun): number {
  return (
    db
      .prepare('INSERT INTO eval_runs (set_id, model_id, round_id, label, settings_json) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .get(run.setId, run.modelId, run.roundId, run.label, JSON.stringify(run.settings)) as { id: number }
  ).id;
}

export function evalRunExists(db: Db, runId: number): boolean {
  return db.prepare('SELECT 1 FROM eval_runs WHERE id = ?').get(runId) !== undefined;
}

export interface EvalRunRow {
  set_id: number;
  settings_json: string;
  finished_at: string | null;
}

export function evalRunRow(db: Db, runId: number): EvalRunRow | undefined {
  return db.prepare('SELECT set_id, settings_json, finished_at FROM eval_runs WHERE id = ?').get(runId) as EvalRunRow | undefined;
}

/** Deletes an unfinished run and its results (one statement; results cascade). A finished run is kept. */
export function deleteUnfinishedRun(db: Db, runId: number): boolean {
  return db.prepare('DELETE FROM eval_runs WHERE id = ? AND finished_at IS NULL').run(runId).changes > 0;
}

/** Deletes the unfinished runs whose job (`settings.jobId`) was cancelled; returns how many went. */
export function deleteRunsOfCancelledJobs(db: Db): number {
  return db
    .prepare(
      `DELETE FROM eval_runs WHERE finished_at IS NULL AND json_extract(settings_json, '$.jobId') IN
         (SELECT id FROM jobs WHERE state = 'cancelled')`,
    )
    .run().changes;
}

export interface NewEvalResult {
  itemId: number;
  output: string;
  valid: boolean;
  errorType: string | null;
  error: unknown;
  traceId: number | null;
}

/** Writes results of a run (a re-run item replaces its earlier result); call it inside the caller's transaction. */
export function resultWriter(db: Db, runId: number): (r: NewEvalResult) => void {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO eval_results (run_id, item_id, output_text, valid, error_type, error_json, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return (r) =>
    void insert.run(runId, r.itemId, r.output, r.valid ? 1 : 0, r.errorType, r.error ? JSON.stringify(r.error) : null, r.traceId);
}

export function resultItemIds(db: Db, runId: number): number[] {
  return (db.prepare('SELECT item_id FROM eval_results WHERE run_id = ?').all(runId) as { item_id: number }[]).map((r) => r.item_id);
}

export interface EvalResultVerdictRow {
  item_id: number;
  valid: number;
  error_type: string | null;
  error_json: string | null;
}

export function resultVerdicts(db: Db, runId: number): EvalResultVerdictRow[] {
  return db
    .prepare('SELECT item_id, valid, error_type, error_json FROM eval_results WHERE run_id = ?')
    .all(runId) as EvalResultVerdictRow[];
}

/** Stores a run's summary, its final settings and its finish time. */
export function finishEvalRun(db: Db, runId: number, summary: unknown, settings: unknown): void {
  db.prepare(
    "UPDATE eval_runs SET summary_json = ?, settings_json = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
  ).run(JSON.stringify(summary), JSON.stringify(settings), runId);
}

export interface RoundEvalRunRow {
  id: number;
  name: string;
  model_id: number | null;
  summary_json: string | null;
  eval_mode: string;
}

/** A round's evaluation runs with their set's name and mode (free text unless stored as constrained). */
export function evalRunsOfRound(db: Db, roundId: number): RoundEvalRunRow[] {
  return db
    .prepare(
      `SELECT e.id, s.name, e.model_id, e.summary_json,
              COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') AS eval_mode
         FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id WHERE e.round_id = ? ORDER BY e.id`,
    )
    .all(roundId) as RoundEvalRunRow[];
}

/** The items two runs both answered, with each run's verdict (1 = valid), in item order. */
export function pairedResults(db: Db, beforeRunId: number, afterRunId: number): { key: string; before: number; after: number }[] {
  return db
    .prepare(
      `SELECT i.item_key AS key, xa.valid AS before, xb.valid AS after
       FROM eval_results xa JOIN eval_results xb ON xb.item_id = xa.item_id AND xb.run_id = ?
       JOIN eval_items i ON i.id = xa.item_id
       WHERE xa.run_id = ? ORDER BY i.id`,
    )
    .all(afterRunId, beforeRunId) as { key: string; before: number; after: number }[];
}

/** A run checked in one go (`eval.check`): stored with its summary, finished at once; returns its id. */
export function insertFinishedEvalRun(db: Db, run: { setId: number; label: string; settings: unknown; summary: unknown }): number {
  return (
    db
      .prepare(
        "INSERT INTO eval_runs (set_id, label, settings_json, summary_json, finished_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now')) RETURNING id",
      )
      .get(run.setId, run.label, JSON.stringify(run.settings), JSON.stringify(run.summary)) as { id: number }
  ).id;
}

export interface EvalRunInfoRow {
  id: number;
  set_id: number;
  set_name: string;
  label: string;
  summary_json: string | null;
  created_at: string;
  finished_at: string | null;
}

const RUN_SELECT =
  'SELECT r.id, r.set_id, s.name AS set_name, r.label, r.summary_json, r.created_at, r.finished_at FROM eval_runs r JOIN eval_sets s ON s.id = r.set_id';

export function evalRunInfoRow(db: Db, runId: number): EvalRunInfoRow | undefined {
  return db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(runId) as EvalRunInfoRow | undefined;
}

/** Runs, newest first (of one set, or all). */
export function evalRunInfoRows(db: Db, setId?: number): EvalRunInfoRow[] {
  return (
    setId === undefined
      ? db.prepare(`${RUN_SELECT} ORDER BY r.id DESC`).all()
      : db.prepare(`${RUN_SELECT} WHERE r.set_id = ? ORDER BY r.id DESC`).all(setId)
  ) as EvalRunInfoRow[];
}

export interface ResultPageRow {
  item_id: number;
  item_key: string;
  category: string;
  valid: number;
  error_type: string | null;
  error_json: string | null;
  output_text: string;
  question_json: string;
  answer_json: string | null;
}

/** One page of a run's results with their items, filtered, in item order, and how many match in all. */
export function resultPage(
  db: Db,
  runId: number,
  options: { onlyFailing?: boolean; category?: string; errorType?: string; limit?: number; offset?: number },
): { total: number; rows: ResultPageRow[] } {
  const where = ['res.run_id = ?'];
  const params: unknown[] = [runId];
  if (options.onlyFailing) where.push('res.valid = 0');
  if (options.category) {
    where.push('i.category = ?');
    params.push(options.category);
  }
  if (options.errorType) {
    where.push('res.error_type = ?');
    params.push(options.errorType);
  }
  const from = `FROM eval_results res JOIN eval_items i ON i.id = res.item_id WHERE ${where.join(' AND ')}`;
  const total = (db.prepare(`SELECT COUNT(*) AS n ${from}`).get(...params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT res.item_id, i.item_key, i.category, res.valid, res.error_type, res.error_json, res.output_text, i.question_json, i.answer_json ${from} ORDER BY i.id LIMIT ? OFFSET ?`,
    )
    .all(...params, options.limit ?? 100, options.offset ?? 0) as ResultPageRow[];
  return { total, rows };
}

/** Each answered item of a run and whether its answer was valid. */
export function validityOfRun(db: Db, runId: number): Map<number, boolean> {
  return new Map(
    (db.prepare('SELECT item_id, valid FROM eval_results WHERE run_id = ?').all(runId) as { item_id: number; valid: number }[]).map((r) => [
      r.item_id,
      r.valid === 1,
    ]),
  );
}

export interface SummarizedRunRow {
  id: number;
  set_name: string;
  label: string;
  summary_json: string | null;
  created_at: string;
}

/** A model's evaluation runs that recorded a summary, oldest first (the model card lists them). */
export function summarizedRunsOfModel(db: Db, modelId: number): SummarizedRunRow[] {
  return db
    .prepare(
      `SELECT r.id, s.name AS set_name, r.label, r.summary_json, r.created_at FROM eval_runs r JOIN eval_sets s ON s.id = r.set_id
       WHERE r.model_id = ? AND r.summary_json IS NOT NULL ORDER BY r.id`,
    )
    .all(modelId) as SummarizedRunRow[];
}
