import type { Statement } from 'better-sqlite3';
import type { BrowseFilter, PageCursor, SampleRow } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { tagsOf } from '../samples/samples-repo';
import { countsFilterSql, filterSql, ftsQuery, isCountable } from './filter-sql';

export const HIGHLIGHT_OPEN = '\u0001';
export const HIGHLIGHT_CLOSE = '\u0002';
/**
 * A list row carries the first this-many characters of the query and the output: the list shows one line of
 * each, and a page of whole outputs made scrolling lay out (and the socket carry) up to 2,000 characters a
 * row. `samples.detail` gives the whole text.
 */
export const LIST_TEXT = 300;

const SORT_COLUMNS: Record<string, string> = {
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

interface Row {
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

interface Hit {
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

/**
 * One page of samples for the browser: filters, search and sort run in SQLite, never in the UI.
 *
 * Two steps: the ids of the page (from indexes only, see `pageIds`), then those rows with their current
 * version's text. A page is addressed by `offset`, or (cheaper the deeper it is) by `after`, the cursor the
 * previous page returned as `next`.
 */
export function pageSamples(
  db: Db,
  request: PageRequest,
): { rows: SampleRow[]; offset: number; hasMore: boolean; next: PageCursor | null } {
  const hits = pageIds(db, request);
  const hasMore = hits.length > request.limit;
  const pageHits = hits.slice(0, request.limit);
  const ids = pageHits.map((h) => h.id);
  const byId = new Map<number, Row>();
  if (ids.length) {
    const rows = prepared(
      db,
      `SELECT s.id, s.subtask, s.status, s.category, s.round_id, s.model_id, s.current_version, s.vote_share,
              s.pass_at_k, s.bucket, s.updated_at, substr(v.query_text, 1, ${LIST_TEXT}) AS query_text, substr(v.output_text, 1, ${LIST_TEXT}) AS output_text
       FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE s.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as Row[];
    for (const row of rows) byId.set(row.id, row);
  }
  const page = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
  const tags = tagsOf(db, ids);
  const highlights = request.filter.search ? highlightsOf(db, ids, request.filter.search) : new Map();
  const last = pageHits[pageHits.length - 1];
  return {
    offset: request.offset,
    hasMore,
    next: hasMore && last ? { id: last.id, key: last.k } : null,
    rows: page.map((r) => ({
      id: r.id,
      subtask: r.subtask,
      status: r.status,
      category: r.category,
      roundId: r.round_id,
      modelId: r.model_id,
      version: r.current_version,
      query: r.query_text,
      output: r.output_text,
      voteShare: r.vote_share,
      passAtK: r.pass_at_k,
      bucket: r.bucket,
      tags: tags.get(r.id) ?? [],
      highlight: highlights.get(r.id) ?? null,
      updatedAt: r.updated_at,
    })),
  };
}

export type Plan = 'fts' | 'walk' | 'filter';

/**
 * How to find a page's ids. 'walk' follows the sort order's covering index (migration 0008) and tests each
 * entry (cheap when many rows match: a page needs about depth / share-matching entries); 'filter' lets
 * SQLite serve the filter from its own index, which either yields rows in the sort order already (a one-value
 * term with an id sort, or a term on the sort column itself) or collects every match and sorts them (cheap
 * only when few match); 'fts' walks the full-text index in rowid order (a search sorted by id). The choice
 * uses `sample_counts`, so it costs a read of a small table.
 */
export function choosePlan(db: Db, request: PageRequest): Plan {
  const { filter } = request;
  const column = SORT_COLUMNS[request.sort.key] ?? 's.id';
  if (filter.search) return column === 's.id' ? 'fts' : 'filter';
  if (Object.keys(filter).length === 0) return 'walk';
  // A term on the sort column: that column's index serves the term and the order at once.
  if (SORTED_BY_TERM[column]?.(filter)) return 'filter';
  const total = countTotal(db, {});
  if (total === 0) return 'filter';
  // Estimated matches: exact for the counted columns, times the share each other term keeps (independence).
  let matches = countTotal(db, { ...filter, tag: undefined, verdict: undefined, ids: undefined, roundSet: undefined });
  let driver = matches;
  const share = (n: number) => {
    matches = (matches * Math.min(n, total)) / total;
    driver = Math.min(driver, n);
  };
  if (filter.ids) share(filter.ids.length);
  if (filter.tag) share(cappedCount(db, 'SELECT 1 FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?', [filter.tag]));
  if (filter.roundSet)
    share(
      cappedCount(db, 'SELECT 1 FROM sample_passk WHERE round_id = ? AND (? = 0 OR selected = 1)', [
        filter.roundSet.round,
        filter.roundSet.only === 'selected' ? 1 : 0,
      ]),
    );
  if (filter.verdict)
    share(
      cappedCount(db, 'SELECT 1 FROM verdicts WHERE verifier = ? AND passed = ?', [filter.verdict.verifier, filter.verdict.passed ? 1 : 0]),
    );
  const depth = (request.after ? 0 : request.offset) + request.limit + 1;
  const perMatch = (entries: number) => Math.min(entries, (depth * entries) / Math.max(matches, 1));
  const walked = perMatch(total);
  // Sorted by id, a one-value term's index yields its rows in id order: walked like the sort's index, but
  // over that term's rows only (a lookup per entry where the index does not carry the other columns).
  if (column === 's.id') {
    const ordered = orderedDrivers(filter).map(({ count, lookups }) => perMatch(countTotal(db, count)) * (lookups ? 3 : 1));
    if (ordered.length && Math.min(...ordered) < walked) return 'filter';
  }
  // Collecting costs an index probe and a row lookup per candidate, then a sort: about 3 walked entries each.
  return walked <= 3 * driver + 1000 ? 'walk' : 'filter';
}

/** For each sort column, whether a filter narrows by that column (so its index gives range and order). */
const SORTED_BY_TERM: Record<string, (filter: BrowseFilter) => boolean> = {
  's.id': (f) => f.ids !== undefined,
  's.status': (f) => f.status !== undefined,
  's.category': (f) => f.category !== undefined,
  's.vote_share': (f) => f.voteShare !== undefined,
};

/** One-value terms whose index lists rows in id order, with the filter that counts those rows. */
function orderedDrivers(filter: BrowseFilter): { count: BrowseFilter; lookups: boolean }[] {
  const out: { count: BrowseFilter; lookups: boolean }[] = [];
  // samples_browse_status and samples_browse_category carry every counted column: no lookups.
  if (filter.status?.length === 1) out.push({ count: { status: filter.status }, lookups: false });
  if (filter.category?.length === 1) out.push({ count: { category: filter.category }, lookups: false });
  if (filter.model?.length === 1) out.push({ count: { model: filter.model }, lookups: true });
  if (filter.bucket?.length === 1) out.push({ count: { bucket: filter.bucket }, lookups: true });
  if (filter.round?.length === 1 && filter.round[0] !== null) out.push({ count: { round: filter.round }, lookups: true });
  return out;
}

const CAP = 100_000;
function cappedCount(db: Db, select: string, params: unknown[]): number {
  return prepared(db, `SELECT COUNT(*) FROM (${select} LIMIT ${CAP})`)
    .pluck()
    .get(...params) as number;
}

function countTotal(db: Db, filter: BrowseFilter): number {
  const { where, params } = countsFilterSql(filter);
  return (
    (prepared(db, `SELECT ifnull(SUM(n), 0) FROM sample_counts c ${where}`)
      .pluck()
      .get(...params) as number) ?? 0
  );
}

/** The ids (and sort values) of a page plus one more row, which tells whether there are more. */
function pageIds(db: Db, request: PageRequest): Hit[] {
  const plan = request.plan ?? choosePlan(db, request);
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

/** The first LIST_TEXT characters of a highlighted text, counting only the text (a mark cut off is closed). */
function clip(marked: string): string {
  let out = '';
  let shown = 0;
  let open = false;
  for (const ch of marked) {
    if (ch === HIGHLIGHT_OPEN || ch === HIGHLIGHT_CLOSE) {
      open = ch === HIGHLIGHT_OPEN;
      out += ch;
    } else if (shown++ < LIST_TEXT) out += ch;
    else break;
  }
  return open ? out + HIGHLIGHT_CLOSE : out;
}

function highlightsOf(db: Db, ids: number[], search: string): Map<number, { query: string; output: string }> {
  const out = new Map<number, { query: string; output: string }>();
  if (ids.length === 0) return out;
  // One MATCH over the page's rowid range, keeping only the page's rows (`+rowid`: a filter, not a lookup).
  // A lookup per rowid would redo the prefix query's doclist merge for each row: 100x slower.
  const rows = prepared(
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
  ) as {
    id: number;
    query: string;
    output: string;
  }[];
  for (const row of rows) out.set(row.id, { query: clip(row.query), output: clip(row.output) });
  return out;
}

/**
 * How many samples a filter selects, in total and by status: from `sample_counts` when the filter only
 * narrows by counted columns, else from the samples (a search is counted from its FTS matches).
 */
export function countSamplesByStatus(db: Db, filter: BrowseFilter): { total: number; byStatus: Record<string, number> } {
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
  rows = rows.filter((r) => r.n > 0);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  return { total: rows.reduce((sum, r) => sum + r.n, 0), byStatus };
}

/** Ids of every sample a filter selects (bulk actions over a filter result). */
export function idsMatching(db: Db, filter: BrowseFilter): number[] {
  const { where, params } = filterSql(filter);
  return db
    .prepare(`SELECT s.id FROM samples s ${where} ORDER BY s.id`)
    .pluck()
    .all(...params) as number[];
}
