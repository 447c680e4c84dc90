import { Group, MultiSelect, RangeSlider, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useApi } from '../../api/client';
import type { FilterState, RoundList } from './filter-url';
import type { Sort } from './useSamplePages';

const SUBTASKS = [
  { value: 'invocation', label: 'Invocation' },
  { value: 'tool_generation', label: 'Tool generation' },
  { value: 'doc_adaption', label: 'Doc adaption' },
  { value: 'refinement', label: 'Refinement' },
];
const ROUND_LISTS: { value: RoundList; label: string }[] = [
  { value: 'generated', label: 'Generated in it' },
  { value: 'candidates', label: 'Its candidates (pass@k)' },
  { value: 'selected', label: 'Selected to train on' },
];
const STATUSES = ['candidate', 'accepted', 'rejected', 'edited'];
const CATEGORIES = ['simple', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'];
const BUCKETS = ['mastered', 'learnable', 'unreachable'];
const VERDICTS = ['format', 'schema', 'consistency', 'execution', 'human'].flatMap((v) => [
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

/**
 * The Samples filters, controlled by the view (which keeps them in the URL). The text fields and the vote
 * slider keep what is being typed or dragged here and hand it on once it settles, so the URL and the list
 * change once per pause, not per key. Enter or Escape in a text field hands the keyboard to the list.
 */
export function SampleFilters({
  value,
  onChange,
  onDone,
}: {
  value: FilterState;
  onChange: (next: FilterState) => void;
  /** Called when a person leaves a text field with Enter or Escape: the list takes the keys from there. */
  onDone: () => void;
}) {
  const latest = useRef(value);
  latest.current = value;
  const set = (patch: Partial<FilterState>) => onChange({ ...latest.current, ...patch });
  const [search, setSearch, sendSearch] = useSettledText(value.search, 250, (search) => set({ search }));
  const [tag, setTag, sendTag] = useSettledText(value.tag, 300, (tag) => set({ tag }));
  const [voteLive, setVoteLive] = useState<[number, number]>(value.vote);
  const rounds = useApi('evolution.rounds', {}, { refreshOn: ['jobs.changed'] });
  useEffect(() => setVoteLive(value.vote), [value.vote]);

  // Enter hands on what was typed at once (no wait for the pause), then the list has the keys.
  const leave = (send: () => void) => (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' && event.key !== 'Escape') return;
    event.preventDefault();
    send();
    onDone();
  };

  const roundItems = rounds.data?.items ?? [];
  const runs = [...new Set(roundItems.map((r) => r.runId))].sort();
  const roundChoices = roundItems
    .filter((r) => !value.run || r.runId === value.run)
    .map((r) => ({ value: String(r.id), label: `${r.runId} · round ${r.seq}` }));
  // A round named by the URL that the list of rounds does not hold yet still shows as itself.
  if (value.round !== null && !roundChoices.some((c) => c.value === String(value.round)))
    roundChoices.push({ value: String(value.round), label: `round id ${value.round}` });

  return (
    <Stack gap="xs">
      <Group grow align="flex-end">
        <TextInput
          label="Search"
          placeholder="Any word of a query or an output (Enter: to the list)"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          onKeyDown={leave(sendSearch)}
          data-testid="sample-search"
        />
        <Select
          label="Sort"
          data={SORTS}
          value={`${value.sort.key}:${value.sort.dir}`}
          onChange={(v) => v && set({ sort: { key: v.split(':')[0] as Sort['key'], dir: v.split(':')[1] as Sort['dir'] } })}
          allowDeselect={false}
        />
      </Group>
      <Group grow align="flex-end">
        <Select
          label="Run"
          data={runs}
          value={value.run}
          onChange={(run) => set({ run, round: null })}
          clearable
          placeholder="All"
          data-testid="filter-run"
        />
        <Select
          label="Round"
          data={roundChoices}
          value={value.round === null ? null : String(value.round)}
          onChange={(v) => set({ round: v === null ? null : Number(v) })}
          clearable
          placeholder="All"
          data-testid="filter-round"
        />
        <Select
          label="Of the round"
          data={ROUND_LISTS}
          value={value.roundList}
          onChange={(v) => v && set({ roundList: v as RoundList })}
          allowDeselect={false}
          disabled={value.round === null}
          data-testid="filter-round-list"
        />
        <Select
          label="Sub-task"
          data={SUBTASKS}
          value={value.subtask}
          onChange={(subtask) => set({ subtask })}
          clearable
          placeholder="All"
        />
      </Group>
      <Group grow align="flex-end">
        <MultiSelect
          label="Status"
          data={STATUSES}
          value={value.status}
          onChange={(status) => set({ status })}
          clearable
          placeholder="All"
          data-testid="filter-status"
        />
        <MultiSelect
          label="Category"
          data={CATEGORIES}
          value={value.category}
          onChange={(category) => set({ category })}
          clearable
          placeholder="All"
          data-testid="filter-category"
        />
        <MultiSelect
          label="pass@k bucket"
          data={BUCKETS}
          value={value.bucket}
          onChange={(bucket) => set({ bucket })}
          clearable
          placeholder="All"
        />
        <Select
          label="Verdict"
          data={VERDICTS}
          value={value.verdict}
          onChange={(verdict) => set({ verdict })}
          clearable
          placeholder="Any"
        />
        <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} onKeyDown={leave(sendTag)} placeholder="Any" />
      </Group>
      <Group align="center" gap="md">
        <Text size="sm" w={120}>
          Vote share {voteLive[0].toFixed(2)}–{voteLive[1].toFixed(2)}
        </Text>
        <RangeSlider
          aria-label="Vote share"
          thumbFromLabel="Lowest vote share"
          thumbToLabel="Highest vote share"
          min={0}
          max={1}
          step={0.05}
          value={voteLive}
          onChange={setVoteLive}
          onChangeEnd={(vote) => set({ vote })}
          style={{ flex: 1 }}
          label={(v) => v.toFixed(2)}
        />
      </Group>
    </Stack>
  );
}

/**
 * A text field's own value, handed on after a pause (or at once by the returned `send`). A value from outside
 * replaces it only when it is not the one this field sent itself, so keys typed while the list reloads stay.
 */
function useSettledText(external: string, delay: number, onSettle: (text: string) => void): [string, (t: string) => void, () => void] {
  const [text, setText] = useState(external);
  const [debounced] = useDebouncedValue(text, delay);
  const sent = useRef(external);
  const settle = useRef(onSettle);
  settle.current = onSettle;
  useEffect(() => {
    if (external === sent.current) return;
    sent.current = external;
    setText(external);
  }, [external]);
  const send = (value: string) => {
    if (value === sent.current) return;
    sent.current = value;
    settle.current(value);
  };
  useEffect(() => send(debounced), [debounced]);
  return [text, setText, () => send(text)];
}
