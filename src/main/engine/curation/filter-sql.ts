import type { BrowseFilter } from '../../../shared/contract/curation';
import { VISIBLE_SAMPLE } from '../samples/samples-repo';

export interface SqlFragment {
  /** `WHERE …` or '' (the samples table is aliased `s`). */
  where: string;
  params: unknown[];
}

export interface FilterOptions {
  /**
   * Write every term so that no index can serve it (`+column`): the caller wants SQLite to walk the sort
   * order's index and test each row, which is cheaper than collecting and sorting a large result.
   */
  noIndex?: boolean;
  /**
   * Write every term but this column's as `+column`: the caller wants SQLite to serve that term (and the
   * sort on that column) from the column's index, not to collect another term's matches and sort them.
   */
  onlyIndex?: string;
  /** Leave the full-text term out (the caller drives the query from `sample_fts` itself). */
  skipSearch?: boolean;
}

/** Lists up to this long become `IN (?, …)`; longer ones travel as one JSON parameter. */
const SHORT_LIST = 16;

/**
 * Turns a browse filter into one WHERE clause over `samples s`; it always leaves out a running import's
 * pending samples. Long lists travel as one JSON parameter
 * (`json_each`), so statements stay cacheable whatever the list's length (short ones give at most 16
 * statements per column); a one-value list is an equality, so that an index on the column also yields rows
 * in id order.
 */
export function filterSql(filter: BrowseFilter, options: FilterOptions = {}): SqlFragment {
  const clauses: string[] = [VISIBLE_SAMPLE];
  const params: unknown[] = [];
  const plain = (name: string) => !options.noIndex && (options.onlyIndex === undefined || options.onlyIndex === name);
  const col = (name: string) => (plain(name) ? `s.${name}` : `+s.${name}`);
  const inList = (column: string, values: readonly unknown[]) => {
    if (values.length === 1) {
      clauses.push(`${col(column)} = ?`);
      params.push(values[0]);
    } else if (values.length <= SHORT_LIST) {
      // A short list as placeholders: tested per row twice as fast as a json_each list when walking an index.
      clauses.push(`${col(column)} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    } else {
      clauses.push(`${col(column)} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(values));
    }
  };
  if (filter.subtask) inList('subtask', [filter.subtask]);
  if (filter.status) inList('status', filter.status);
  if (filter.round) {
    const ids = filter.round.filter((r): r is number => r !== null);
    const parts = ids.length ? [`${col('round_id')} IN (SELECT value FROM json_each(?))`] : [];
    if (ids.length) params.push(JSON.stringify(ids));
    if (filter.round.includes(null)) parts.push(`${col('round_id')} IS NULL`);
    clauses.push(`(${parts.join(' OR ')})`);
  }
  if (filter.run) {
    clauses.push(`${col('round_id')} IN (SELECT id FROM rounds WHERE run_id = ?)`);
    params.push(filter.run);
  }
  if (filter.roundSet) {
    const selected = filter.roundSet.only === 'selected' ? ' AND selected = 1' : '';
    clauses.push(`${col('id')} IN (SELECT sample_id FROM sample_passk WHERE round_id = ?${selected})`);
    params.push(filter.roundSet.round);
  }
  if (filter.category) inList('category', filter.category);
  if (filter.ids) inList('id', filter.ids);
  if (filter.model) inList('model_id', filter.model);
  if (filter.bucket) inList('bucket', filter.bucket);
  if (filter.tag) {
    clauses.push(`${col('id')} IN (SELECT st.sample_id FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)`);
    params.push(filter.tag);
  }
  if (filter.voteShare) {
    clauses.push(`${col('vote_share')} BETWEEN ? AND ?`);
    params.push(filter.voteShare.min, filter.voteShare.max);
  }
  if (filter.verdict) {
    clauses.push(`${col('id')} IN (SELECT sample_id FROM verdicts WHERE verifier = ? AND passed = ?)`);
    params.push(filter.verdict.verifier, filter.verdict.passed ? 1 : 0);
  }
  if (filter.search && !options.skipSearch) {
    clauses.push(`${col('id')} IN (SELECT rowid FROM sample_fts WHERE sample_fts MATCH ?)`);
    params.push(ftsQuery(filter.search));
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}

/** Whether a filter only narrows by values that `sample_counts` keeps (see migration 0007). */
export function isCountable(filter: BrowseFilter): boolean {
  return !filter.search && !filter.tag && !filter.verdict && !filter.ids && !filter.roundSet;
}

/**
 * The same filter over `sample_counts c` (where NULL is stored as '' / 0 / -1). Only for filters that
 * `isCountable` accepts.
 */
export function countsFilterSql(filter: BrowseFilter): SqlFragment {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly unknown[]) => {
    clauses.push(`c.${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  if (filter.subtask) inList('subtask', [filter.subtask]);
  if (filter.status) inList('status', filter.status);
  if (filter.round)
    inList(
      'round_id',
      filter.round.map((r) => r ?? 0),
    );
  if (filter.run) {
    // Samples of no round are stored with round_id 0, which no round has.
    clauses.push('c.round_id IN (SELECT id FROM rounds WHERE run_id = ?)');
    params.push(filter.run);
  }
  if (filter.category) inList('category', filter.category);
  if (filter.model) inList('model_id', filter.model);
  if (filter.bucket) inList('bucket', filter.bucket);
  if (filter.voteShare) {
    // -1 (no vote share) is below any range, as NULL fails BETWEEN on samples.
    clauses.push('c.vote_share BETWEEN ? AND ?');
    params.push(filter.voteShare.min, filter.voteShare.max);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * A person's search box → an FTS5 query. Plain words are matched as prefixes and all must occur;
 * quoted phrases stay phrases. FTS5 operators are not exposed, so no input is a syntax error.
 */
export function ftsQuery(input: string): string {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(input))) {
    if (match[1] !== undefined) {
      const phrase = match[1].replace(/"/g, '').trim();
      if (phrase) terms.push(`"${phrase}"`);
    } else {
      // Keep letters, digits and underscores (as unicode61 tokenises); other characters split words.
      for (const word of match[2]!.split(/[^\p{L}\p{N}_]+/u).filter(Boolean)) terms.push(`"${word}"*`);
    }
  }
  return terms.length ? terms.join(' AND ') : '""';
}
