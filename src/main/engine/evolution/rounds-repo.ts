import type { Db } from '../db/open';

/** Rounds, their metrics and generations: plain queries, one function per question. */

export interface RoundRow {
  id: number;
  job_id: number | null;
  run_id: string;
  seq: number;
  state: 'running' | 'accepted' | 'rolled_back' | 'failed' | 'cancelled';
  base_model_id: number | null;
  result_model_id: number | null;
  settings_json: string;
  template_hash: string | null;
  started_at: string;
  finished_at: string | null;
  curated_at: string | null;
  stage: string | null;
}

export function getRound(db: Db, runId: string, seq: number): RoundRow | undefined {
  return db.prepare('SELECT * FROM rounds WHERE run_id = ? AND seq = ?').get(runId, seq) as RoundRow | undefined;
}

export function getRoundById(db: Db, id: number): RoundRow | undefined {
  return db.prepare('SELECT * FROM rounds WHERE id = ?').get(id) as RoundRow | undefined;
}

export function listRounds(db: Db, runId?: string): RoundRow[] {
  return (
    runId
      ? db.prepare('SELECT * FROM rounds WHERE run_id = ? ORDER BY seq').all(runId)
      : db.prepare('SELECT * FROM rounds ORDER BY run_id, seq').all()
  ) as RoundRow[];
}

/** Creates the round row (or returns the one a previous attempt created). */
export function ensureRound(
  db: Db,
  r: { jobId: number; runId: string; seq: number; baseModelId: number; settings: unknown; templateHash: string },
): RoundRow {
  db.prepare(
    `INSERT INTO rounds (job_id, run_id, seq, base_model_id, settings_json, template_hash, stage) VALUES (?, ?, ?, ?, ?, ?, 'queries')
     ON CONFLICT (run_id, seq) DO NOTHING`,
  ).run(r.jobId, r.runId, r.seq, r.baseModelId, JSON.stringify(r.settings), r.templateHash);
  return getRound(db, r.runId, r.seq)!;
}

export function setStage(db: Db, roundId: number, stage: string): void {
  db.prepare('UPDATE rounds SET stage = ? WHERE id = ?').run(stage, roundId);
}

export function finishRound(db: Db, roundId: number, state: RoundRow['state'], resultModelId: number | null): void {
  db.prepare(
    `UPDATE rounds SET state = ?, result_model_id = ?, stage = 'done', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
  ).run(state, resultModelId, roundId);
}

export function setMetric(db: Db, roundId: number, name: string, value: number, category = ''): void {
  db.prepare(
    `INSERT INTO round_metrics (round_id, name, category, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (round_id, name, category) DO UPDATE SET value = excluded.value`,
  ).run(roundId, name, category, value);
}

export function metricsOf(db: Db, roundId: number): { name: string; category: string; value: number }[] {
  return db.prepare('SELECT name, category, value FROM round_metrics WHERE round_id = ? ORDER BY name, category').all(roundId) as {
    name: string;
    category: string;
    value: number;
  }[];
}

/** The training mix of every round, per sub-task (the `mix` metric the mix step stores), in round order. */
export function mixByRound(db: Db): { roundId: number; runId: string; seq: number; subtask: string; count: number }[] {
  return db
    .prepare(
      `SELECT r.id AS roundId, r.run_id AS runId, r.seq, m.category AS subtask, m.value AS count
       FROM round_metrics m JOIN rounds r ON r.id = m.round_id WHERE m.name = 'mix' ORDER BY r.started_at, r.id`,
    )
    .all() as { roundId: number; runId: string; seq: number; subtask: string; count: number }[];
}

export function metric(db: Db, roundId: number, name: string, category = ''): number | undefined {
  const row = db
    .prepare('SELECT value FROM round_metrics WHERE round_id = ? AND name = ? AND category = ?')
    .get(roundId, name, category) as { value: number } | undefined;
  return row?.value;
}

export interface GenerationRow {
  id: number;
  round_id: number;
  purpose: 'query' | 'tool_making' | 'tool_using';
  query_id: number | null;
  source_sample_id: number | null;
  sample_id: number | null;
  prompt_json: string;
  outputs_json: string;
  template_hash: string;
  sampling_json: string;
  tokens: number;
  ms: number;
}

export interface NewGeneration {
  roundId: number;
  purpose: GenerationRow['purpose'];
  queryId?: number | null;
  sourceSampleId?: number | null;
  prompt: unknown;
  outputs: string[];
  templateHash: string;
  sampling: unknown;
  tokens: number;
  ms: number;
}

export function insertGeneration(db: Db, g: NewGeneration): number {
  return (
    db
      .prepare(
        `INSERT INTO round_generations (round_id, purpose, query_id, source_sample_id, prompt_json, outputs_json, template_hash, sampling_json, tokens, ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        g.roundId,
        g.purpose,
        g.queryId ?? null,
        g.sourceSampleId ?? null,
        JSON.stringify(g.prompt),
        JSON.stringify(g.outputs),
        g.templateHash,
        JSON.stringify(g.sampling),
        g.tokens,
        g.ms,
      ) as { id: number }
  ).id;
}

export function generationsOf(db: Db, roundId: number, purpose: GenerationRow['purpose']): GenerationRow[] {
  return db
    .prepare('SELECT * FROM round_generations WHERE round_id = ? AND purpose = ? ORDER BY id')
    .all(roundId, purpose) as GenerationRow[];
}

/** Records a sample's pass@k, bucket and selection for a round (replacing an earlier attempt's). */
export function upsertPassK(
  db: Db,
  r: {
    sampleId: number;
    roundId: number;
    k: number;
    matches: number;
    p: number;
    bucket: string;
    selected: boolean;
    difficulty: number;
    reason: string;
  },
): void {
  db.prepare(
    `INSERT INTO sample_passk (sample_id, round_id, k, matches, p, bucket, selected, difficulty, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sample_id, round_id) DO UPDATE SET k = excluded.k, matches = excluded.matches, p = excluded.p, bucket = excluded.bucket,
       selected = excluded.selected, difficulty = excluded.difficulty, reason = excluded.reason`,
  ).run(r.sampleId, r.roundId, r.k, r.matches, r.p, r.bucket, r.selected ? 1 : 0, r.difficulty, r.reason);
  db.prepare('UPDATE samples SET pass_at_k = ?, bucket = ? WHERE id = ?').run(r.p, r.bucket, r.sampleId);
}

export interface RunRow {
  run_id: string;
  job_id: number | null;
  n: number;
  started_at: string;
}

/** Every run (rounds grouped by run id), newest first, with its last job and its number of rounds. */
export function listRuns(db: Db): RunRow[] {
  return db
    .prepare(
      'SELECT run_id, MAX(job_id) AS job_id, COUNT(*) AS n, MIN(started_at) AS started_at FROM rounds GROUP BY run_id ORDER BY MIN(id) DESC',
    )
    .all() as RunRow[];
}

export function runExists(db: Db, runId: string): boolean {
  return db.prepare('SELECT 1 FROM rounds WHERE run_id = ?').get(runId) !== undefined;
}

/** Marks a round curated (the first time only), so that its curation step lets it go on. */
export function markCurated(db: Db, roundId: number): void {
  db.prepare(`UPDATE rounds SET curated_at = COALESCE(curated_at, strftime('%Y-%m-%dT%H:%M:%fZ','now')) WHERE id = ?`).run(roundId);
}

/** Rounds waiting at their curation point: running, in stage 'curation', not yet marked curated. Oldest first. */
export function waitingRounds(db: Db, runId?: string): RoundRow[] {
  return db
    .prepare(
      `SELECT * FROM rounds WHERE state = 'running' AND stage = 'curation' AND curated_at IS NULL AND (? IS NULL OR run_id = ?) ORDER BY id`,
    )
    .all(runId ?? null, runId ?? null) as RoundRow[];
}

export interface PassKRow {
  sample_id: number;
  k: number;
  matches: number;
  p: number;
  bucket: 'mastered' | 'learnable' | 'unreachable';
  selected: number;
  difficulty: number | null;
  reason: string | null;
}

/** A round's pass@k records (its selection), easiest first, at most `limit`. */
export function passKOfRound(db: Db, roundId: number, limit = 2000): PassKRow[] {
  return db
    .prepare(
      'SELECT sample_id, k, matches, p, bucket, selected, difficulty, reason FROM sample_passk WHERE round_id = ? ORDER BY difficulty, sample_id LIMIT ?',
    )
    .all(roundId, limit) as PassKRow[];
}

/** Samples selected by the run's rounds before round `seq`. */
export function selectedBefore(db: Db, runId: string, seq: number): number[] {
  return (
    db
      .prepare(
        'SELECT p.sample_id FROM sample_passk p JOIN rounds r ON r.id = p.round_id WHERE r.run_id = ? AND r.seq < ? AND p.selected = 1',
      )
      .all(runId, seq) as { sample_id: number }[]
  ).map((r) => r.sample_id);
}

/** Links a generation to the sample it became. */
export function linkGenerationSample(db: Db, generationId: number, sampleId: number): void {
  db.prepare('UPDATE round_generations SET sample_id = ? WHERE id = ?').run(sampleId, generationId);
}

/** A query of the round as stored (its tools as offered). */
export interface QueryRow {
  id: number;
  text: string;
  tools_json: string;
}

/** The round's queries that get tools made for them (generated, imported or written by the person), oldest first. */
export function toolMakingQueries(db: Db, roundId: number): QueryRow[] {
  return db
    .prepare(`SELECT id, text, tools_json FROM queries WHERE round_id = ? AND source IN ('generated', 'import', 'user') ORDER BY id`)
    .all(roundId) as QueryRow[];
}

/** Stores the tools a query is offered (after tool-making added the model's). */
export function setQueryTools(db: Db, queryId: number, tools: unknown): void {
  db.prepare('UPDATE queries SET tools_json = ? WHERE id = ?').run(JSON.stringify(tools), queryId);
}

/** The samples the round's selection kept. */
export function selectedOfRound(db: Db, roundId: number): number[] {
  return (db.prepare('SELECT sample_id FROM sample_passk WHERE round_id = ? AND selected = 1').all(roundId) as { sample_id: number }[]).map(
    (r) => r.sample_id,
  );
}

/** The hash of the chat template the round's training examples were rendered with. */
export function setRoundTemplateHash(db: Db, roundId: number, templateHash: string): void {
  db.prepare('UPDATE rounds SET template_hash = ? WHERE id = ?').run(templateHash, roundId);
}

/** The model the run's last accepted round before `seq` produced, if any. */
export function lastAcceptedModelBefore(db: Db, runId: string, seq: number): number | undefined {
  const row = db
    .prepare(
      `SELECT result_model_id AS id FROM rounds WHERE run_id = ? AND seq < ? AND state = 'accepted' AND result_model_id IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    )
    .get(runId, seq) as { id: number } | undefined;
  return row?.id;
}

/** A sample's pass@k in every round that measured it, by round. */
export function passHistoryOf(
  db: Db,
  sampleId: number,
): {
  roundId: number;
  roundSeq: number | null;
  k: number;
  matches: number;
  p: number;
  bucket: 'mastered' | 'learnable' | 'unreachable';
  selected: number;
}[] {
  return db
    .prepare(
      `SELECT p.round_id AS roundId, r.seq AS roundSeq, p.k, p.matches, p.p, p.bucket, p.selected
       FROM sample_passk p LEFT JOIN rounds r ON r.id = p.round_id WHERE p.sample_id = ? ORDER BY p.round_id`,
    )
    .all(sampleId) as ReturnType<typeof passHistoryOf>;
}

/** The rows a round's counts come from (round-counts.ts): its samples with their engine verdicts, pass@k, mix. */
export function roundCountRows(db: Db, roundId: number) {
  const samples = db
    .prepare(
      `SELECT
         SUM(CASE WHEN s.subtask = 'invocation' THEN 1 ELSE 0 END) AS generated,
         SUM(CASE WHEN s.subtask = 'invocation' AND EXISTS (SELECT 1 FROM verdicts v WHERE v.sample_id = s.id AND v.version = 1 AND v.verifier != 'human')
                   AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.sample_id = s.id AND v.version = 1 AND v.verifier != 'human' AND v.passed = 0)
                  THEN 1 ELSE 0 END) AS verified,
         SUM(CASE WHEN s.subtask = 'tool_generation' THEN 1 ELSE 0 END) AS toolsGenerated
       FROM samples s WHERE s.round_id = ?`,
    )
    .get(roundId) as { generated: number | null; verified: number | null; toolsGenerated: number | null };
  const passk = db
    .prepare('SELECT COUNT(*) AS candidates, COALESCE(SUM(selected), 0) AS selected FROM sample_passk WHERE round_id = ?')
    .get(roundId) as { candidates: number; selected: number };
  const mix = db.prepare("SELECT category, value FROM round_metrics WHERE round_id = ? AND name = 'mix'").all(roundId) as {
    category: string;
    value: number;
  }[];
  return { samples, passk, mix };
}

export function roundRefRow(db: Db, roundId: number): { runId: string; seq: number } | undefined {
  return db.prepare('SELECT run_id AS runId, seq FROM rounds WHERE id = ?').get(roundId) as { runId: string; seq: number } | undefined;
}

/** The last accepted round before `seq` (round 0, the base, counts as accepted). */
export function lastAcceptedBefore(db: Db, runId: string, seq: number): RoundRow | undefined {
  return db
    .prepare(`SELECT * FROM rounds WHERE run_id = ? AND seq < ? AND state = 'accepted' ORDER BY seq DESC LIMIT 1`)
    .get(runId, seq) as RoundRow | undefined;
}

/** The round's own evaluation runs (older ones carry no evalMode); the call-grammar pass is a side measure. */
const UNCONSTRAINED = `COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') = 'unconstrained'`;

/** A round's finished evaluation run on a set (the latest, should a step have been redone). */
export function finishedEvalRun(db: Db, roundId: number, set: string): number | undefined {
  const row = db
    .prepare(
      `SELECT e.id FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id
       WHERE e.round_id = ? AND s.name = ? AND e.finished_at IS NOT NULL AND ${UNCONSTRAINED} ORDER BY e.id DESC LIMIT 1`,
    )
    .get(roundId, set) as { id: number } | undefined;
  return row?.id;
}

/** The sets a round has a finished evaluation of, in the order they were run. */
export function finishedEvalSets(db: Db, roundId: number): string[] {
  return db
    .prepare(
      `SELECT DISTINCT s.name FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id WHERE e.round_id = ? AND e.finished_at IS NOT NULL AND ${UNCONSTRAINED} ORDER BY e.id`,
    )
    .pluck()
    .all(roundId) as string[];
}

/** Adds a query the round generated; returns a function so one statement serves the whole batch. */
export function generatedQueryInserter(db: Db): (text: string, roundId: number, toolsJson: string) => number {
  const insertQuery = db.prepare(
    `INSERT INTO queries (text, source, category, round_id, tools_json) VALUES (?, 'generated', NULL, ?, ?) RETURNING id`,
  );
  return (text, roundId, toolsJson) => (insertQuery.get(text, roundId, toolsJson) as { id: number }).id;
}

/** Unlabelled queries the person imported or wrote (with their tools) that no round has taken yet, oldest first. */
export function importedQueriesToUse(db: Db, limit: number): { id: number }[] {
  return db
    .prepare(
      `SELECT id FROM queries WHERE round_id IS NULL AND source IN ('import', 'user') AND tools_json IS NOT NULL ORDER BY id LIMIT ?`,
    )
    .all(limit) as { id: number }[];
}

export function assignQueryToRound(db: Db, queryId: number, roundId: number): void {
  db.prepare('UPDATE queries SET round_id = ? WHERE id = ?').run(roundId, queryId);
}

/** The round's tool-using generations whose sample (voted or labelled) is not rejected, with that sample's text. */
export function toolUsingCandidateRows(
  db: Db,
  roundId: number,
): { outputs_json: string; sid: number; status: string; category: string | null; input_json: string; output_text: string }[] {
  return db
    .prepare(
      `SELECT g.outputs_json, COALESCE(g.sample_id, g.source_sample_id) AS sid, s.status, s.category, v.input_json, v.output_text
       FROM round_generations g JOIN samples s ON s.id = COALESCE(g.sample_id, g.source_sample_id)
       JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE g.round_id = ? AND g.purpose = 'tool_using' AND s.status != 'rejected' ORDER BY g.id`,
    )
    .all(roundId) as {
    outputs_json: string;
    sid: number;
    status: string;
    category: string | null;
    input_json: string;
    output_text: string;
  }[];
}
