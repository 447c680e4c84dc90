import type { BrowseFilter } from '../../../../shared/contract/curation';
import { BUCKETS, STATUSES, SUBTASKS } from '../../components/sample-choices';
import { ROUND_LISTS, VERIFIERS } from './filter-fields';
import type { Sort } from './sample-pages';

/** Which of a round's lists the round filter shows. */
export type RoundList = 'generated' | 'candidates' | 'selected';

/** Everything the Samples filters hold, as the URL keeps it (so a reload or a link restores the list). */
export interface FilterState {
  search: string;
  subtask: string | null;
  status: string[];
  category: string[];
  bucket: string[];
  /** `verifier:pass` or `verifier:fail`. */
  verdict: string | null;
  tag: string;
  vote: [number, number];
  run: string | null;
  round: number | null;
  roundList: RoundList;
  sort: Sort;
}

export const DEFAULT_SORT: Sort = { key: 'id', dir: 'desc' };
const SORT_KEYS: Sort['key'][] = ['id', 'updated', 'voteShare', 'passAtK', 'status', 'category'];

const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const share = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : fallback;
};

/**
 * The filters a query string names. Unknown values are dropped rather than refused: a hand-edited or old
 * link still opens the list, with the filters it can read.
 */
export function stateFromQuery(params: URLSearchParams): FilterState {
  const [min, max] = (params.get('vote') ?? '').split('-');
  const [sortKey, sortDir] = (params.get('sort') ?? '').split(':');
  const round = Number(params.get('round'));
  const verdict = params.get('verdict');
  const [verifier, outcome] = (verdict ?? '').split(':');
  const roundList = params.get('list') as RoundList | null;
  return {
    search: params.get('q') ?? '',
    subtask: SUBTASKS.includes(params.get('subtask') ?? '') ? params.get('subtask') : null,
    status: list(params.get('status')).filter((s) => STATUSES.includes(s)),
    category: list(params.get('category')),
    bucket: list(params.get('bucket')).filter((b) => BUCKETS.includes(b)),
    verdict: VERIFIERS.includes(verifier ?? '') && (outcome === 'pass' || outcome === 'fail') ? verdict : null,
    tag: params.get('tag') ?? '',
    vote: [share(min, 0), share(max, 1)],
    run: params.get('run') || null,
    round: Number.isInteger(round) && round > 0 ? round : null,
    roundList: roundList && ROUND_LISTS.some((l) => l.value === roundList) ? roundList : 'generated',
    sort: {
      key: SORT_KEYS.includes(sortKey as Sort['key']) ? (sortKey as Sort['key']) : DEFAULT_SORT.key,
      dir: sortDir === 'asc' || sortDir === 'desc' ? sortDir : DEFAULT_SORT.dir,
    },
  };
}

/** The query string of a filter state: only what differs from "everything", so a plain list has a plain URL. */
export function queryFromState(state: FilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search.trim()) params.set('q', state.search);
  if (state.subtask) params.set('subtask', state.subtask);
  if (state.status.length) params.set('status', state.status.join(','));
  if (state.category.length) params.set('category', state.category.join(','));
  if (state.bucket.length) params.set('bucket', state.bucket.join(','));
  if (state.verdict) params.set('verdict', state.verdict);
  if (state.tag.trim()) params.set('tag', state.tag);
  if (state.vote[0] > 0 || state.vote[1] < 1) params.set('vote', `${state.vote[0]}-${state.vote[1]}`);
  if (state.run) params.set('run', state.run);
  if (state.round !== null) {
    params.set('round', String(state.round));
    if (state.roundList !== 'generated') params.set('list', state.roundList);
  }
  if (state.sort.key !== DEFAULT_SORT.key || state.sort.dir !== DEFAULT_SORT.dir) params.set('sort', `${state.sort.key}:${state.sort.dir}`);
  return params;
}

/** What the engine is asked for. */
export function browseFilterOf(state: FilterState): BrowseFilter {
  const filter: BrowseFilter = {};
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.subtask) filter.subtask = state.subtask as BrowseFilter['subtask'];
  if (state.status.length) filter.status = state.status as NonNullable<BrowseFilter['status']>;
  if (state.category.length) filter.category = state.category;
  if (state.bucket.length) filter.bucket = state.bucket as NonNullable<BrowseFilter['bucket']>;
  if (state.verdict) {
    const [verifier, outcome] = state.verdict.split(':');
    filter.verdict = { verifier: verifier as NonNullable<BrowseFilter['verdict']>['verifier'], passed: outcome === 'pass' };
  }
  if (state.tag.trim()) filter.tag = state.tag.trim();
  if (state.vote[0] > 0 || state.vote[1] < 1) filter.voteShare = { min: state.vote[0], max: state.vote[1] };
  // A round belongs to its run already; the run filter would also drop the round's candidates from imports.
  if (state.run && state.round === null) filter.run = state.run;
  if (state.round !== null) {
    if (state.roundList === 'generated') filter.round = [state.round];
    else filter.roundSet = { round: state.round, only: state.roundList };
  }
  return filter;
}
