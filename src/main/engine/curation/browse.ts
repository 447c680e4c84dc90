import type { BrowseFilter, PageCursor, SampleRow } from '../../../shared/contract/curation';
import type { Db } from '../db/open';
import { tagsOf } from '../samples/samples-repo';
import {
  cappedRoundSetCount,
  cappedTagCount,
  cappedVerdictCount,
  countTotal,
  HIGHLIGHT_CLOSE,
  HIGHLIGHT_OPEN,
  highlightRows,
  LIST_TEXT,
  pageIds,
  pageRows,
  SORT_COLUMNS,
  SORTED_BY_TERM,
  statusCounts,
  type BrowseRow,
  type PageRequest,
  type Plan,
} from './browse-repo';

export { idsMatching } from './browse-repo';
export type { PageRequest, Plan } from './browse-repo';

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
  const hits = pageIds(db, request, request.plan ?? choosePlan(db, request));
  const hasMore = hits.length > request.limit;
  const pageHits = hits.slice(0, request.limit);
  const ids = pageHits.map((h) => h.id);
  const byId = new Map<number, BrowseRow>();
  if (ids.length) for (const row of pageRows(db, ids)) byId.set(row.id, row);
  const page = ids.map((id) => byId.get(id)).filter((r): r is BrowseRow => r !== undefined);
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
  if (filter.tag) share(cappedTagCount(db, filter.tag));
  if (filter.roundSet) share(cappedRoundSetCount(db, filter.roundSet.round, filter.roundSet.only === 'selected'));
  if (filter.verdict) share(cappedVerdictCount(db, filter.verdict.verifier, filter.verdict.passed));
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
  for (const row of highlightRows(db, ids, search)) out.set(row.id, { query: clip(row.query), output: clip(row.output) });
  return out;
}

/** How many samples a filter selects, in total and by status. */
export function countSamplesByStatus(db: Db, filter: BrowseFilter): { total: number; byStatus: Record<string, number> } {
  const rows = statusCounts(db, filter).filter((r) => r.n > 0);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  return { total: rows.reduce((sum, r) => sum + r.n, 0), byStatus };
}
