import type { BrowseFilter, SampleRow } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { tagsOf } from '../samples/samples-repo';
import { filterSql } from './filter-sql';

export const HIGHLIGHT_OPEN = '\u0001';
export const HIGHLIGHT_CLOSE = '\u0002';

const SORT_COLUMNS: Record<string, string> = {
  id: 's.id',
  updated: 's.updated_at',
  voteShare: 's.vote_share',
  passAtK: 's.pass_at_k',
  status: 's.status',
  category: 's.category',
};

export interface PageRequest {
  filter: BrowseFilter;
  sort: { key: keyof typeof SORT_COLUMNS | string; dir: 'asc' | 'desc' };
  offset: number;
  limit: number;
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

/** One page of samples for the browser: filters, search and sort run in SQLite, never in the UI. */
export function pageSamples(db: Db, request: PageRequest): { rows: SampleRow[]; offset: number; hasMore: boolean } {
  const { where, params } = filterSql(request.filter);
  const column = SORT_COLUMNS[request.sort.key] ?? 's.id';
  const dir = request.sort.dir === 'asc' ? 'ASC' : 'DESC';
  // Same direction on both keys (and no NULLS LAST) so SQLite can walk the column's index instead of sorting.
  const order = column === 's.id' ? `s.id ${dir}` : `${column} ${dir}, s.id ${dir}`;
  const rows = db
    .prepare(
      `SELECT s.id, s.subtask, s.status, s.category, s.round_id, s.model_id, s.current_version, s.vote_share,
              s.pass_at_k, s.bucket, s.updated_at, v.query_text, substr(v.output_text, 1, 2000) AS output_text
       FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...params, request.limit + 1, request.offset) as Row[];
  const hasMore = rows.length > request.limit;
  const page = rows.slice(0, request.limit);
  const tags = tagsOf(
    db,
    page.map((r) => r.id),
  );
  const highlights = request.filter.search
    ? highlightsOf(
        db,
        page.map((r) => r.id),
        request.filter.search,
      )
    : new Map();
  return {
    offset: request.offset,
    hasMore,
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

function highlightsOf(db: Db, ids: number[], search: string): Map<number, { query: string; output: string }> {
  const out = new Map<number, { query: string; output: string }>();
  if (ids.length === 0) return out;
  const { params } = filterSql({ search });
  const rows = db
    .prepare(
      `SELECT rowid AS id, highlight(sample_fts, 0, ?, ?) AS query, highlight(sample_fts, 1, ?, ?) AS output
       FROM sample_fts WHERE sample_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
    )
    .all(HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, params[0], JSON.stringify(ids)) as {
    id: number;
    query: string;
    output: string;
  }[];
  for (const row of rows) out.set(row.id, { query: row.query, output: row.output.slice(0, 2000) });
  return out;
}

/** How many samples a filter selects, in total and by status. */
export function countSamplesByStatus(db: Db, filter: BrowseFilter): { total: number; byStatus: Record<string, number> } {
  const { where, params } = filterSql(filter);
  const rows = db.prepare(`SELECT s.status AS status, COUNT(*) AS n FROM samples s ${where} GROUP BY s.status`).all(...params) as {
    status: string;
    n: number;
  }[];
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
