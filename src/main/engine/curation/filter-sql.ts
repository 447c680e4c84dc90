import type { BrowseFilter } from '../../../shared/contract/curation';

export interface SqlFragment {
  /** `WHERE …` or '' (the samples table is aliased `s`). */
  where: string;
  params: unknown[];
}

/**
 * Turns a browse filter into one WHERE clause over `samples s`. Lists travel as one JSON parameter
 * (`json_each`), so statements stay cacheable whatever the list's length.
 */
export function filterSql(filter: BrowseFilter): SqlFragment {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly unknown[]) => {
    clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  if (filter.subtask) {
    clauses.push('s.subtask = ?');
    params.push(filter.subtask);
  }
  if (filter.status) inList('s.status', filter.status);
  if (filter.round) {
    const ids = filter.round.filter((r): r is number => r !== null);
    const parts = ['s.round_id IN (SELECT value FROM json_each(?))'];
    params.push(JSON.stringify(ids));
    if (filter.round.includes(null)) parts.push('s.round_id IS NULL');
    clauses.push(`(${parts.join(' OR ')})`);
  }
  if (filter.category) inList('s.category', filter.category);
  if (filter.ids) inList('s.id', filter.ids);
  if (filter.model) inList('s.model_id', filter.model);
  if (filter.bucket) inList('s.bucket', filter.bucket);
  if (filter.tag) {
    clauses.push('s.id IN (SELECT st.sample_id FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)');
    params.push(filter.tag);
  }
  if (filter.voteShare) {
    clauses.push('s.vote_share BETWEEN ? AND ?');
    params.push(filter.voteShare.min, filter.voteShare.max);
  }
  if (filter.verdict) {
    clauses.push('s.id IN (SELECT sample_id FROM verdicts WHERE verifier = ? AND passed = ?)');
    params.push(filter.verdict.verifier, filter.verdict.passed ? 1 : 0);
  }
  if (filter.search) {
    clauses.push('s.id IN (SELECT rowid FROM sample_fts WHERE sample_fts MATCH ?)');
    params.push(ftsQuery(filter.search));
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
