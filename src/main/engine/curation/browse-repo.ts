import type { Statement } from 'better-sqlite3';
import type { BrowseFilter, PageCursor, SampleRow } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { countsFilterSql, filterSql, ftsQuery, isCountable } from './filter-sql';

/**
 * The sample browser's queries: read-only, over samples, their versions, the full-text index, `sample_counts`
 * and the tables a filter narrows by. Which plan a page uses is decided in browse.ts.
 */

export const HIGHLIGHT_OPEN = '\u0001';
export const HIGHLIGHT_CLOSE = '\u0002';
/**
 * A list row carries the first this-many characters of the query and the output: the list shows one line of
 * each, and a page of whole outputs made scrolling lay out (and the socket carry) up to 2,000 characters a
 * row. `samples.detail` gives the whole text.
 */
export const LIST_TEXT = 300;

export const SORT_COLUMNS: Record<string, string> = {
  id: 's.id',
  updated: 's.updated_at',
  voteShare: 's.vote_share',
  passAtK: 's.pass_at_k',
  status: 's.status',
  category: 's.category',
};
/** Sort columns that may hold NULL (they sort first ascending, last descending, as SQLite does). */
const NULLABLE = new Set(['s.vote_share', 's.pass_at_k', 's.category']);

export interface PageRequest {
  filter: BrowseFilter;
  sort: { key: keyof typeof SORT_COLUMNS | string; dir: 'asc' | 'desc' };
  offset: number;
  limit: number;
  /** Keyset paging: start right after this row (the previous page's `next`); `offset` is then ignored. */
  after?: PageCursor;
  /** Forces a plan (tests check that every plan gives the same pages); chosen by `choosePlan` otherwise. */
  plan?: Plan;
}

/** How a page's ids are found (see `choosePlan` in browse.ts). */
export type Plan = 'fts' | 'walk' | 'filter';

export interface BrowseRow {
  id: number;
  subtask: SampleRow['subtask'];
  status: SampleRow['status'];
  category: string | null;
  round_id: number | null;
  model_id: number | null;
  current_version: number;
  vote_share: number | null;
  pass_at_k: number | null;
  bucket: SampleRow['bucket'];
  updated_at: string;
  query_text: string;
  output_text: string;
}

export interface Hit {
  id: number;
  k: number | string | null;
}

const statements = new WeakMap<Db, Map<string, Statement>>();
/** Browsing runs the same few statements over and over: prepare each once per connection. */
function prepared(db: Db, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size > 500) cache.clear();
    cache.set(sql, (statement = db.prepare(sql)));
  }
  return statement;
}

/** The list rows of the given samples (their current version's text cut to LIST_TEXT), in no particular order. */
export function pageRows(db: Db, ids: readonly number[]): BrowseRow[] {
  return prepared(
    db,
    `SELECT s.id, s.subtask, s.status, s.category, s.round_id, s.model_id, s.current_version, s.vote_share,
            s.pass_at_k, s.bucket, s.updated_at, substr(v.query_text, 1, ${LIST_TEXT}) AS query_text, substr(v.output_text, 1, ${LIST_TEXT}) AS output_text
     FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
     WHERE s.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as BrowseRow[];
}

/** For each sort column, whether a filter narrows by that column (so its index gives range and order). */
export const SORTED_BY_TERM: Record<string, (filter: BrowseFilter) => boolean> = {
  's.id': (f) => f.ids !== undefined,
  's.status': (f) => f.status !== undefined,
  's.category': (f) => f.category !== undefined,
  's.vote_share': (f) => f.voteShare !== undefined,
};

const CAP = 100_000;
function cappedCount(db: Db, select: string, params: unknown[]): number {
  return prepared(db, `SELECT COUNT(*) FROM (${select} LIMIT ${CAP})`)
    .pluck()
    .get(...params) as number;
}

/** How many samples carry a tag, counted up to a cap (an estimate's input). */
export function cappedTagCount(db: Db, tag: string): number {
  return cappedCount(db, 'SELECT 1 FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?', [tag]);
}

/** How many samples a round's pass@k set holds (or its selected ones), counted up to a cap. */
export function cappedRoundSetCount(db: Db, round: number, onlySelected: boolean): number {
  return cappedCount(db, 'SELECT 1 FROM sample_passk WHERE round_id = ? AND (? = 0 OR selected = 1)', [round, onlySelected ? 1 : 0]);
}

/** How many verdicts of a verifier passed (or failed), counted up to a cap. */
export function cappedVerdictCount(db: Db, verifier: string, passed: boolean): number {
  return cappedCount(db, 'SELECT 1 FROM verdicts WHERE verifier = ? AND passed = ?', [verifier, passed ? 1 : 0]);
}

/** How many samples a countable filter selects, from `sample_counts`. */
export function countTotal(db: Db, filter: BrowseFilter): number {
  const { where, params } = countsFilterSql(filter);
  return (
    (prepared(db, `SELECT ifnull(SUM(n), 0) FROM sample_counts c ${where}`)
      .pluck()
      .get(...params) as number) ?? 0
  );
}

/** The ids (and sort values) of a page plus one more row, which tells whether there are more. */
export function pageIds(db: Db, request: PageRequest, plan: Plan): Hit[] {
  const column = SORT_COLUMNS[request.sort.key] ?? 's.id';
  const desc = request.sort.dir !== 'asc';
  const dir = desc ? 'DESC' : 'ASC';
  const want = request.limit + 1;
  const offset = request.after ? 0 : request.offset;

  if (plan === 'fts') {
    const { where, params } = filterSql(request.filter, { noIndex: true, skipSearch: true });
    const terms = [where.replace(/^WHERE /, ''), 'sample_fts MATCH ?'].filter(Boolean);
    const all = [...params, ftsQuery(request.filter.search!)];
    if (request.after) {
      terms.push(`f.rowid ${desc ? '<' : '>'} ?`);
      all.push(request.after.id);
    }
    // FTS5 hands out rowids in order and stops at the limit; each is then checked against the other terms.
    return prepared(
      db,
      `SELECT f.rowid AS id, f.rowid AS k FROM sample_fts f JOIN samples s ON s.id = f.rowid
       WHERE ${terms.join(' AND ')} ORDER BY f.rowid ${dir} LIMIT ? OFFSET ?`,
    ).all(...all, want, offset) as Hit[];
  }

  // A term on the sort column is served by that column's index, which also gives the order.
  const onlyIndex = plan === 'filter' && SORTED_BY_TERM[column]?.(request.filter) ? column.slice('s.'.length) : undefined;
  const { where, params } = filterSql(request.filter, { noIndex: plan === 'walk', onlyIndex });
  const run = (extra: string, extraParams: unknown[], order: string, limit: number): Hit[] => {
    const terms = [where.replace(/^WHERE /, ''), extra].filter(Boolean);
    return prepared(
      db,
      `SELECT s.id AS id, ${column} AS k FROM samples s ${terms.length ? `WHERE ${terms.join(' AND ')}` : ''}
       ORDER BY ${order} LIMIT ? OFFSET ?`,
    ).all(...params, ...extraParams, limit, offset) as Hit[];
  };
  // Same direction on both keys (and no NULLS LAST) so SQLite can walk the column's index instead of sorting.
  const order = column === 's.id' ? `s.id ${dir}` : `${column} ${dir}, s.id ${dir}`;
  const after = request.after;
  if (!after) return run('', [], order, want);
  if (column === 's.id') return run(`s.id ${desc ? '<' : '>'} ?`, [after.id], order, want);
  const cmp = desc ? '<' : '>';
  if (after.key !== null) {
    const hits = run(`(${column}, s.id) ${cmp} (?, ?)`, [after.key, after.id], order, want);
    // Descending, NULLs come last: once the values run out, continue with them.
    if (desc && NULLABLE.has(column) && hits.length < want) hits.push(...run(`${column} IS NULL`, [], `s.id DESC`, want - hits.length));
    return hits;
  }
  // The cursor is in the NULL group: finish it (by id), then (ascending) go on to the values.
  const hits = run(`${column} IS NULL AND s.id ${cmp} ?`, [after.id], `s.id ${dir}`, want);
  if (!desc && hits.length < want) hits.push(...run(`${column} IS NOT NULL`, [], order, want - hits.length));
  return hits;
}

/** The page's rows with the search's matches marked (HIGHLIGHT_OPEN … HIGHLIGHT_CLOSE), whole texts. */
export function highlightRows(db: Db, ids: readonly number[], search: string): { id: number; query: string; output: string }[] {
  // One MATCH over the page's rowid range, keeping only the page's rows (`+rowid`: a filter, not a lookup).
  // A lookup per rowid would redo the prefix query's doclist merge for each row: 100x slower.
  return prepared(
    db,
    `SELECT rowid AS id, highlight(sample_fts, 0, ?, ?) AS query, highlight(sample_fts, 1, ?, ?) AS output
     FROM sample_fts WHERE sample_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
  ).all(
    HIGHLIGHT_OPEN,
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    HIGHLIGHT_CLOSE,
    ftsQuery(search),
    Math.min(...ids),
    Math.max(...ids),
    JSON.stringify(ids),
  ) as { id: number; query: string; output: string }[];
}

/**
 * How many samples a filter selects, by status: from `sample_counts` when the filter only narrows by counted
 * columns, else from the samples (a search is counted from its FTS matches).
 */
export function statusCounts(db: Db, filter: BrowseFilter): { status: string; n: number }[] {
  let rows: { status: string; n: number }[];
  if (isCountable(filter)) {
    const { where, params } = countsFilterSql(filter);
    rows = prepared(db, `SELECT c.status AS status, SUM(c.n) AS n FROM sample_counts c ${where} GROUP BY c.status`).all(...params) as {
      status: string;
      n: number;
    }[];
  } else if (filter.search) {
    const { where, params } = filterSql(filter, { noIndex: true, skipSearch: true });
    const terms = [where.replace(/^WHERE /, ''), 'sample_fts MATCH ?'].filter(Boolean).join(' AND ');
    rows = prepared(
      db,
      `SELECT s.status AS status, COUNT(*) AS n FROM sample_fts f JOIN samples s ON s.id = f.rowid WHERE ${terms} GROUP BY s.status`,
    ).all(...params, ftsQuery(filter.search)) as { status: string; n: number }[];
  } else {
    const { where, params } = filterSql(filter);
    rows = prepared(db, `SELECT s.status AS status, COUNT(*) AS n FROM samples s ${where} GROUP BY s.status`).all(...params) as {
      status: string;
      n: number;
    }[];
  }
  return rows;
}

/** Ids of every sample a filter selects (bulk actions over a filter result). */
export function idsMatching(db: Db, filter: BrowseFilter): number[] {
  const { where, params } = filterSql(filter);
  return db
    .prepare(`SELECT s.id FROM samples s ${where} ORDER BY s.id`)
    .pluck()
    .all(...params) as number[];
}
