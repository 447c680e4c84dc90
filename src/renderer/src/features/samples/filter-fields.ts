import type { Output } from '../../../../shared/contract';
import { BUCKETS, CATEGORIES, STATUSES, SUBTASK_CHOICES } from '../../components/sample-choices';
import type { FilterState, RoundList } from './filter-url';
import type { Sort } from './sample-pages';

type Choice = string | { value: string; label: string };
type Round = Output<'evolution.rounds'>['items'][number];

export const ROUND_LISTS: { value: RoundList; label: string }[] = [
  { value: 'generated', label: 'Generated in it' },
  { value: 'candidates', label: 'Its candidates (pass@k)' },
  { value: 'selected', label: 'Selected to train on' },
];
export const VERIFIERS = ['format', 'schema', 'consistency', 'execution', 'human'];
const VERDICTS = VERIFIERS.flatMap((v) => [
  { value: `${v}:fail`, label: `${v} failed` },
  { value: `${v}:pass`, label: `${v} passed` },
]);
const SORTS = [
  { value: 'id:desc', label: 'Newest first' },
  { value: 'id:asc', label: 'Oldest first' },
  { value: 'updated:desc', label: 'Recently changed' },
  { value: 'voteShare:asc', label: 'Lowest vote share' },
  { value: 'voteShare:desc', label: 'Highest vote share' },
  { value: 'passAtK:asc', label: 'Lowest pass@k' },
  { value: 'category:asc', label: 'Category' },
];

interface FieldBase {
  label: string;
  testId?: string;
  placeholder?: string;
}
/** A text field: handed on once typing pauses for `delay` ms, or at once with Enter. */
export interface TextField extends FieldBase {
  kind: 'text';
  delay: number;
  read: (state: FilterState) => string;
  patch: (text: string) => Partial<FilterState>;
}
/** A single (`select`) or several (`multi`) choices; `required` ones cannot be cleared. */
export interface ChoiceField extends FieldBase {
  kind: 'select' | 'multi';
  options: (state: FilterState, rounds: Round[]) => Choice[];
  read: (state: FilterState) => string | null | string[];
  patch: (picked: string | null | string[]) => Partial<FilterState>;
  required?: boolean;
  disabled?: (state: FilterState) => boolean;
}
export type FilterField = TextField | ChoiceField;

const one = (picked: string | null | string[]) => (Array.isArray(picked) ? (picked[0] ?? null) : picked);
const many = (picked: string | null | string[]) => (Array.isArray(picked) ? picked : picked === null ? [] : [picked]);
const fixed = (choices: Choice[]) => () => choices;
/** A multi-choice filter over one of the state's lists. */
const multi = (label: string, key: 'status' | 'category' | 'bucket', choices: string[], testId?: string): ChoiceField => ({
  kind: 'multi',
  label,
  testId,
  options: fixed(choices),
  read: (s) => s[key],
  patch: (picked) => ({ [key]: many(picked) }),
});

/** The runs that have rounds; the rounds of the chosen run, and a round the URL names that the list does not hold yet. */
export function roundChoices(state: FilterState, rounds: Round[]): Choice[] {
  const choices = rounds
    .filter((r) => !state.run || r.runId === state.run)
    .map((r) => ({ value: String(r.id), label: `${r.runId} · round ${r.seq}` }));
  if (state.round !== null && !choices.some((c) => c.value === String(state.round)))
    choices.push({ value: String(state.round), label: `round id ${state.round}` });
  return choices;
}

/** The Samples filters, row by row, in the order shown. */
export const FILTER_ROWS: FilterField[][] = [
  [
    {
      kind: 'text',
      label: 'Search',
      placeholder: 'Any word of a query or an output (Enter: to the list)',
      testId: 'sample-search',
      delay: 250,
      read: (s) => s.search,
      patch: (search) => ({ search }),
    },
    {
      kind: 'select',
      label: 'Sort',
      required: true,
      options: fixed(SORTS),
      read: (s) => `${s.sort.key}:${s.sort.dir}`,
      patch: (picked) => {
        const [key, dir] = (one(picked) ?? '').split(':');
        return { sort: { key: key as Sort['key'], dir: dir as Sort['dir'] } };
      },
    },
  ],
  [
    {
      kind: 'select',
      label: 'Run',
      testId: 'filter-run',
      options: (_, rounds) => [...new Set(rounds.map((r) => r.runId))].sort(),
      read: (s) => s.run,
      // Another run's round would not match the run: the round filter starts again.
      patch: (picked) => ({ run: one(picked), round: null }),
    },
    {
      kind: 'select',
      label: 'Round',
      testId: 'filter-round',
      options: roundChoices,
      read: (s) => (s.round === null ? null : String(s.round)),
      patch: (picked) => ({ round: one(picked) === null ? null : Number(one(picked)) }),
    },
    {
      kind: 'select',
      label: 'Of the round',
      testId: 'filter-round-list',
      required: true,
      options: fixed(ROUND_LISTS),
      read: (s) => s.roundList,
      patch: (picked) => ({ roundList: one(picked) as RoundList }),
      disabled: (s) => s.round === null,
    },
    { kind: 'select', label: 'Sub-task', options: fixed(SUBTASK_CHOICES), read: (s) => s.subtask, patch: (p) => ({ subtask: one(p) }) },
  ],
  [
    multi('Status', 'status', STATUSES, 'filter-status'),
    multi('Category', 'category', CATEGORIES, 'filter-category'),
    multi('pass@k bucket', 'bucket', BUCKETS),
    {
      kind: 'select',
      label: 'Verdict',
      placeholder: 'Any',
      options: fixed(VERDICTS),
      read: (s) => s.verdict,
      patch: (p) => ({ verdict: one(p) }),
    },
    { kind: 'text', label: 'Tag', placeholder: 'Any', delay: 300, read: (s) => s.tag, patch: (tag) => ({ tag }) },
  ],
];
