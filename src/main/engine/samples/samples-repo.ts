import { createHash } from 'node:crypto';
import type { SampleDetail } from '../../../shared/contract/curation';
import type { SampleFilter, SampleStatus, Subtask } from '../../../shared/contract/samples';
import type { Db } from '../db/open';
import type { ToolDef } from '../tools/types';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/**
 * Samples and their versions. A sample row holds the state (status, category, provenance); each edit adds a
 * `sample_versions` row and moves `current_version`. This module writes version 1 and reads the current one.
 *
 * ## `input_json` of an invocation sample (subtask 'invocation') — keep stable, other engines read it
 *
 * ```jsonc
 * {
 *   "query": "What is the weather in Paris?",   // the user request the output answers (= last user turn)
 *   "tools": [ToolDef, ...],                     // normalised tools: {name, description, parameters, original}
 *   "messages": [Turn, ...],                     // optional, multi-turn only: the whole conversation before
 *                                                // the output, without the system prompt; its last user turn
 *                                                // is `query`. Absent when the prompt is just the query.
 *   "system": "You are a travel agent."          // optional: the source's system prompt, minus any tool list
 * }
 * ```
 *
 * `Turn` is `{role:'user', content}`, `{role:'assistant', content}` (words), `{role:'assistant', calls}`
 * (`calls` is canonical call text, `[f(x=1)]`) or `{role:'tool', content, name?}` (a tool's result).
 *
 * `query_text` repeats `query` (full-text search); `output_text` is the canonical call text printed by
 * `tools/call-print.ts` (`[get_weather(city="Paris")]`), or the answer in words when no tool fits
 * (category 'irrelevance').
 */
export interface InvocationInput {
  query: string;
  tools: ToolDef[];
  messages?: Turn[];
  system?: string;
}

export type Turn =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string }
  | { role: 'assistant'; calls: string }
  | { role: 'tool'; content: string; name?: string };

export type VersionAuthor = 'engine' | 'user' | 'import';

/** Where a sample came from when it was read from a file. */
export interface SampleSource {
  file: string;
  /** Null where the sample came from no file line (the playground). */
  line: number | null;
  format: string;
}

export interface NewSample {
  subtask: Subtask;
  status?: SampleStatus;
  category?: string | null;
  roundId?: number | null;
  modelId?: number | null;
  queryId?: number | null;
  queryText: string;
  /** JSON-serialisable; `InvocationInput` for invocation samples. */
  input: unknown;
  outputText: string;
  author?: VersionAuthor;
  note?: string | null;
  /** Samples with the same key are the same sample: a second insert is skipped. */
  dedupeKey?: string | null;
  source?: SampleSource | null;
  /** The chat template (hash) and sampling the output was generated with, when a model wrote it. */
  templateHash?: string | null;
  sampling?: unknown;
}

export interface SampleRecord {
  id: number;
  subtask: Subtask;
  status: SampleStatus;
  category: string | null;
  roundId: number | null;
  modelId: number | null;
  version: number;
  queryText: string;
  input: unknown;
  outputText: string;
  sourceFile: string | null;
  sourceLine: number | null;
  sourceFormat: string | null;
  createdAt: string;
}

/**
 * Writes a sample (and its version 1) in one transaction. Returns its id, or null when a sample with the
 * same dedupe key already exists (nothing is written then).
 */
export function insertSample(db: Db, sample: NewSample): number | null {
  let write = writers.get(db);
  if (!write) writers.set(db, (write = db.transaction(sampleWriter(db))));
  return write(sample);
}
/** One prepared writer per connection: preparing its statements took about half of each insert. */
const writers = new WeakMap<Db, (sample: NewSample) => number | null>();

/**
 * The term (over `samples s`) that keeps a batched import's samples out of every list, count, export and
 * selection until its last transaction publishes them (`pending_import`, migration 0010). It reads the partial
 * index of pending rows, so a query walking a covering browse index stays on it: `s.pending_import IS NULL`
 * would look every row up in the table. With no import running the subquery is empty.
 */
export const VISIBLE_SAMPLE = 's.id NOT IN (SELECT id FROM samples WHERE pending_import IS NOT NULL)';

export interface WriterOptions {
  /** Store the samples as this import's, invisible until `publishImport`. */
  pendingImport?: number;
}

/**
 * `insertSample` with its statements prepared once, for writing many samples (imports). Call it inside the
 * caller's `db.transaction`: it writes two rows and opens no transaction of its own.
 */
export function sampleWriter(db: Db, options: WriterOptions = {}): (sample: NewSample) => number | null {
  const insertRow = db.prepare(
    `INSERT INTO samples (subtask, status, category, round_id, model_id, query_id, dedupe_key, source_file, source_line, source_format,
                          template_hash, sampling_json, pending_import)
     VALUES (@subtask, @status, @category, @roundId, @modelId, @queryId, @dedupeKey, @sourceFile, @sourceLine, @sourceFormat,
             @templateHash, @samplingJson, @pendingImport)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text, author, note)
     VALUES (?, 1, ?, ?, ?, ?, ?)`,
  );
  return (sample: NewSample): number | null => {
    const row = insertRow.get({
      subtask: sample.subtask,
      status: sample.status ?? 'candidate',
      category: sample.category ?? null,
      roundId: sample.roundId ?? null,
      modelId: sample.modelId ?? null,
      queryId: sample.queryId ?? null,
      dedupeKey: sample.dedupeKey ?? null,
      sourceFile: sample.source?.file ?? null,
      sourceLine: sample.source?.line ?? null,
      sourceFormat: sample.source?.format ?? null,
      templateHash: sample.templateHash ?? null,
      samplingJson: sample.sampling === undefined || sample.sampling === null ? null : JSON.stringify(sample.sampling),
      pendingImport: options.pendingImport ?? null,
    }) as { id: number } | undefined;
    if (!row) return null;
    insertVersion.run(
      row.id,
      sample.queryText,
      JSON.stringify(sample.input),
      sample.outputText,
      sample.author ?? 'engine',
      sample.note ?? null,
    );
    return row.id;
  };
}

/** Makes an import's pending samples visible (its commit point); call it inside the transaction that marks it done. */
export function publishImport(db: Db, importId: number): number {
  return db.prepare('UPDATE samples SET pending_import = NULL WHERE pending_import = ?').run(importId).changes;
}

/** Deletes up to `limit` of an import's pending samples (a cancelled import, a batch per transaction); returns how many. */
export function deletePendingBatch(db: Db, importId: number, limit: number): number {
  return db.prepare('DELETE FROM samples WHERE id IN (SELECT id FROM samples WHERE pending_import = ? LIMIT ?)').run(importId, limit)
    .changes;
}

/**
 * The dedupe key of an invocation sample: the same query, conversation, tools (names and parameters) and
 * canonical output (`tools/canonical.ts`'s `canonicalKey`, or the words of a refusal) are the same sample.
 */
export function invocationDedupeKey(input: InvocationInput, canonicalOutput: string): string {
  const tools = input.tools.map((t) => [t.name, t.parameters] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const body = JSON.stringify([input.query, input.messages ?? null, tools, canonicalOutput]);
  return `invocation:${createHash('sha256').update(body).digest('hex')}`;
}

/** The sample a dedupe key names, if one is stored. */
export function sampleIdByDedupeKey(db: Db, key: string): number | null {
  const id = db.prepare('SELECT id FROM samples WHERE dedupe_key = ?').pluck().get(key) as number | undefined;
  return id ?? null;
}

/** Adds a tag (created on first use) to samples. */
export function tagSamples(db: Db, sampleIds: readonly number[], tag: string): void {
  db.transaction(() => {
    const id = ensureTag(db, tag);
    const insert = db.prepare('INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) VALUES (?, ?)');
    for (const sampleId of sampleIds) insert.run(sampleId, id);
  })();
}

/** The id of a tag, created on first use. */
export function ensureTag(db: Db, name: string): number {
  db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(name);
  return tagIdByName(db, name)!;
}

export function tagIdByName(db: Db, name: string): number | undefined {
  return db.prepare('SELECT id FROM tags WHERE name = ?').pluck().get(name) as number | undefined;
}

/** Whether a sample has a tag, with its statement prepared once (asked once per sample of a bulk action). */
export function tagChecker(db: Db): (sampleId: number, tagId: number) => boolean {
  const hasTag = db.prepare('SELECT 1 FROM sample_tags WHERE sample_id = ? AND tag_id = ?').pluck();
  return (sampleId, tagId) => hasTag.get(sampleId, tagId) !== undefined;
}

/** Adds a tag to samples (and marks them changed). */
export function addTagTo(db: Db, tagId: number, ids: readonly number[]): void {
  const idsJson = JSON.stringify(ids);
  db.prepare('INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) SELECT value, ? FROM json_each(?)').run(tagId, idsJson);
  db.prepare(`UPDATE samples SET updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(idsJson);
}

/** Takes a tag off samples (and marks them changed). */
export function removeTagFrom(db: Db, tagId: number, ids: readonly number[]): void {
  const idsJson = JSON.stringify(ids);
  db.prepare('DELETE FROM sample_tags WHERE tag_id = ? AND sample_id IN (SELECT value FROM json_each(?))').run(tagId, idsJson);
  db.prepare(`UPDATE samples SET updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(idsJson);
}

/** The tags of each sample among `ids`. */
export function tagsOf(db: Db, ids: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (ids.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT st.sample_id AS id, t.name AS name FROM sample_tags st JOIN tags t ON t.id = st.tag_id
       WHERE st.sample_id IN (SELECT value FROM json_each(?)) ORDER BY t.name`,
    )
    .all(JSON.stringify(ids)) as { id: number; name: string }[];
  for (const row of rows) out.set(row.id, [...(out.get(row.id) ?? []), row.name]);
  return out;
}

function whereOf(filter: SampleFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [VISIBLE_SAMPLE];
  const params: unknown[] = [];
  if (filter.subtask) {
    clauses.push('s.subtask = ?');
    params.push(filter.subtask);
  }
  if (filter.status) {
    clauses.push('s.status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.status));
  }
  if (filter.round) {
    const ids = filter.round.filter((r): r is number => r !== null);
    const parts = ['s.round_id IN (SELECT value FROM json_each(?))'];
    params.push(JSON.stringify(ids));
    if (filter.round.includes(null)) parts.push('s.round_id IS NULL');
    clauses.push(`(${parts.join(' OR ')})`);
  }
  if (filter.category) {
    clauses.push('s.category IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.category));
  }
  if (filter.ids) {
    clauses.push('s.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.ids));
  }
  if (filter.tag) {
    clauses.push('s.id IN (SELECT st.sample_id FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)');
    params.push(filter.tag);
  }
  return { sql: `WHERE ${clauses.join(' AND ')}`, params };
}

interface SampleRow {
  id: number;
  subtask: Subtask;
  status: SampleStatus;
  category: string | null;
  round_id: number | null;
  model_id: number | null;
  current_version: number;
  query_text: string;
  input_json: string;
  output_text: string;
  source_file: string | null;
  source_line: number | null;
  source_format: string | null;
  created_at: string;
}

function toRecord(row: SampleRow): SampleRecord {
  return {
    id: row.id,
    subtask: row.subtask,
    status: row.status,
    category: row.category,
    roundId: row.round_id,
    modelId: row.model_id,
    version: row.current_version,
    queryText: row.query_text,
    input: JSON.parse(row.input_json) as unknown,
    outputText: row.output_text,
    sourceFile: row.source_file,
    sourceLine: row.source_line,
    sourceFormat: row.source_format,
    createdAt: row.created_at,
  };
}

export interface ListOptions {
  /** Only samples with a larger id (keyset paging: pass the last id of the previous page). */
  afterId?: number;
  limit?: number;
}

/** Samples (at their current version) matching `filter`, by ascending id. */
export function listSamples(db: Db, filter: SampleFilter = {}, options: ListOptions = {}): SampleRecord[] {
  const where = whereOf(filter);
  const after = options.afterId !== undefined ? ' AND s.id > ?' : '';
  const params = options.afterId !== undefined ? [...where.params, options.afterId] : where.params;
  const rows = db
    .prepare(
      `SELECT s.id, s.subtask, s.status, s.category, s.round_id, s.model_id, s.current_version, s.source_file,
              s.source_line, s.source_format, s.created_at, v.query_text, v.input_json, v.output_text
       FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       ${where.sql}${after} ORDER BY s.id LIMIT ?`,
    )
    .all(...params, options.limit ?? -1) as SampleRow[];
  return rows.map(toRecord);
}

export function countSamples(db: Db, filter: SampleFilter = {}): number {
  const where = whereOf(filter);
  return (db.prepare(`SELECT COUNT(*) AS n FROM samples s ${where.sql}`).get(...where.params) as { n: number }).n;
}

/**
 * Every matching sample, a page at a time, so that exports of millions of samples stay in bounded memory
 * and never hold a statement open across an `await`.
 */
export function* pagesOfSamples(db: Db, filter: SampleFilter = {}, pageSize = 1000): Generator<SampleRecord[]> {
  let afterId = 0;
  for (;;) {
    const page = listSamples(db, filter, { afterId, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    afterId = page[page.length - 1]!.id;
  }
}

/** A sample's current version: what an edit is read against and what verification judges. */
export function currentVersion(
  db: Db,
  id: number,
): { version: number; category: string | null; input_json: string; output_text: string } | undefined {
  return db
    .prepare(
      `SELECT s.current_version AS version, s.category, v.input_json, v.output_text
         FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
        WHERE s.id = ? AND ${VISIBLE_SAMPLE}`,
    )
    .get(id) as { version: number; category: string | null; input_json: string; output_text: string } | undefined;
}

/** A round's samples counted by sub-task and status. */
export function roundSampleCounts(db: Db, roundId: number): { subtask: string; status: string; count: number }[] {
  return db
    .prepare('SELECT subtask, status, COUNT(*) AS count FROM samples WHERE round_id = ? GROUP BY subtask, status ORDER BY subtask, status')
    .all(roundId) as { subtask: string; status: string; count: number }[];
}

/** How many samples a round made, and how many of them are still candidates (not accepted, rejected or edited). */
export function roundReviewCounts(db: Db, roundId: number): { samples: number; candidates: number } {
  return db
    .prepare(
      `SELECT COUNT(*) AS samples, COALESCE(SUM(CASE WHEN status = 'candidate' THEN 1 ELSE 0 END), 0) AS candidates FROM samples WHERE round_id = ?`,
    )
    .get(roundId) as { samples: number; candidates: number };
}

/** What a curation action reads of each sample before it changes it; only visible samples among `ids`. */
export function visibleSampleStates(
  db: Db,
  ids: readonly number[],
): { id: number; status: string; current_version: number; category: string | null }[] {
  return db
    .prepare(
      `SELECT s.id, s.status, s.current_version, s.category FROM samples s
       WHERE s.id IN (SELECT value FROM json_each(?)) AND ${VISIBLE_SAMPLE}`,
    )
    .all(JSON.stringify(ids)) as { id: number; status: string; current_version: number; category: string | null }[];
}

/** Sets the status of samples (a person's accept or reject). */
export function setStatusOf(db: Db, ids: readonly number[], status: SampleStatus): void {
  db.prepare(`UPDATE samples SET status = ?, updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(
    status,
    JSON.stringify(ids),
  );
}

/** The query and input of one version of a sample. */
export function versionInput(db: Db, sampleId: number, version: number): { query_text: string; input_json: string } {
  return db.prepare('SELECT query_text, input_json FROM sample_versions WHERE sample_id = ? AND version = ?').get(sampleId, version) as {
    query_text: string;
    input_json: string;
  };
}

/** Adds a person's version of a sample (its new output) and makes it current, status 'edited'; returns the version. */
export function addEditedVersion(
  db: Db,
  sampleId: number,
  v: { queryText: string; inputJson: string; outputText: string; note: string | null },
): number {
  const next = (db.prepare('SELECT MAX(version) FROM sample_versions WHERE sample_id = ?').pluck().get(sampleId) as number) + 1;
  db.prepare(
    "INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text, author, note) VALUES (?, ?, ?, ?, ?, 'user', ?)",
  ).run(sampleId, next, v.queryText, v.inputJson, v.outputText, v.note);
  db.prepare(`UPDATE samples SET current_version = ?, status = 'edited', updated_at = ${NOW} WHERE id = ?`).run(next, sampleId);
  return next;
}

/**
 * Puts samples back as a curation action recorded them: status, current version and, where `tagId` is given
 * and the item recorded it, whether the sample had that tag.
 */
export function restoreSamples(
  db: Db,
  items: readonly { sample_id: number; before_status: string; before_version: number; had_tag: number | null }[],
  tagId: number | undefined,
): void {
  const restore = db.prepare(`UPDATE samples SET status = ?, current_version = ?, updated_at = ${NOW} WHERE id = ?`);
  for (const item of items) {
    restore.run(item.before_status, item.before_version, item.sample_id);
    if (tagId !== undefined && item.had_tag !== null) {
      if (item.had_tag) db.prepare('INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) VALUES (?, ?)').run(item.sample_id, tagId);
      else db.prepare('DELETE FROM sample_tags WHERE sample_id = ? AND tag_id = ?').run(item.sample_id, tagId);
    }
  }
}

/** Records how the engine generated a sample: the template's hash, the sampling (stored JSON) and, for voted answers, the vote share. */
export function setGenerationProvenance(
  db: Db,
  sampleId: number,
  p: { templateHash: string; samplingJson: string; voteShare?: number },
): void {
  if (p.voteShare === undefined)
    db.prepare('UPDATE samples SET template_hash = ?, sampling_json = ? WHERE id = ?').run(p.templateHash, p.samplingJson, sampleId);
  else
    db.prepare('UPDATE samples SET vote_share = ?, template_hash = ?, sampling_json = ? WHERE id = ?').run(
      p.voteShare,
      p.templateHash,
      p.samplingJson,
      sampleId,
    );
}

/** What the detail pane shows of a sample beside its list row: provenance and the current version's input. */
export function sampleMeta(
  db: Db,
  id: number,
):
  | {
      template_hash: string | null;
      sampling_json: string | null;
      source_file: string | null;
      source_line: number | null;
      source_format: string | null;
      created_at: string;
      round_seq: number | null;
      model_name: string | null;
      input_json: string;
    }
  | undefined {
  return db
    .prepare(
      `SELECT s.template_hash, s.sampling_json, s.source_file, s.source_line, s.source_format, s.created_at,
              r.seq AS round_seq, m.name AS model_name, v.input_json
       FROM samples s
       LEFT JOIN rounds r ON r.id = s.round_id
       LEFT JOIN models m ON m.id = s.model_id
       JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE s.id = ? AND ${VISIBLE_SAMPLE}`,
    )
    .get(id) as ReturnType<typeof sampleMeta>;
}

/** Every version of a sample, oldest first. */
export function sampleVersions(db: Db, id: number): SampleDetail['versions'] {
  return db
    .prepare(
      'SELECT version, query_text AS query, output_text AS output, author, note, created_at AS createdAt FROM sample_versions WHERE sample_id = ? ORDER BY version',
    )
    .all(id) as SampleDetail['versions'];
}

/**
 * Dataset counts per sub-task, from `sample_counts` (migration 0007, kept in step with `samples` by
 * triggers): by status, by category ('none' for no category) and by round (samples of no round have roundId null).
 */
export function datasetCounts(db: Db): {
  byStatus: { subtask: string; status: string; n: number }[];
  byCategory: { subtask: string; category: string; n: number }[];
  byRound: { subtask: string; roundId: number | null; seq: number | null; n: number }[];
} {
  const byStatus = db.prepare('SELECT subtask, status, SUM(n) AS n FROM sample_counts GROUP BY subtask, status').all() as {
    subtask: string;
    status: string;
    n: number;
  }[];
  const byCategory = db
    .prepare(
      "SELECT subtask, CASE category WHEN '' THEN 'none' ELSE category END AS category, SUM(n) AS n FROM sample_counts GROUP BY subtask, category",
    )
    .all() as { subtask: string; category: string; n: number }[];
  const byRound = db
    .prepare(
      `SELECT c.subtask, NULLIF(c.round_id, 0) AS roundId, r.seq AS seq, SUM(c.n) AS n
       FROM sample_counts c LEFT JOIN rounds r ON r.id = c.round_id
       GROUP BY c.subtask, c.round_id ORDER BY c.round_id != 0, r.started_at, c.round_id`,
    )
    .all() as { subtask: string; roundId: number | null; seq: number | null; n: number }[];
  return { byStatus, byCategory, byRound };
}

/**
 * Trusted labelled queries (invocation samples outside any round, not rejected) that no round of `runId` has
 * used yet, in an order shuffled by `seed` (pool-data.ts filters and limits them).
 */
export function unusedLabelledRows(
  db: Db,
  runId: string,
  seed: number,
): { id: number; category: string | null; input_json: string; output_text: string }[] {
  return db
    .prepare(
      `SELECT s.id, s.category, v.input_json, v.output_text FROM samples s
       JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE s.subtask = 'invocation' AND s.round_id IS NULL AND s.status != 'rejected' AND ${VISIBLE_SAMPLE}
         AND s.id NOT IN (SELECT g.source_sample_id FROM round_generations g JOIN rounds r ON r.id = g.round_id
                          WHERE r.run_id = ? AND g.source_sample_id IS NOT NULL)
       ORDER BY (s.id * 2654435761 + ?) % 4294967296`,
    )
    .all(runId, seed) as { id: number; category: string | null; input_json: string; output_text: string }[];
}
