import { Group, MultiSelect, RangeSlider, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import type { BrowseFilter } from '../../../../shared/contract/curation';
import type { Sort } from './useSamplePages';

const SUBTASKS = [
  { value: 'invocation', label: 'Invocation' },
  { value: 'tool_generation', label: 'Tool generation' },
  { value: 'doc_adaption', label: 'Doc adaption' },
  { value: 'refinement', label: 'Refinement' },
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

export function SampleFilters({
  onChange,
  sort,
  onSort,
}: {
  onChange: (filter: BrowseFilter) => void;
  sort: Sort;
  onSort: (sort: Sort) => void;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [subtask, setSubtask] = useState<string | null>(null);
  const [status, setStatus] = useState<string[]>([]);
  const [category, setCategory] = useState<string[]>([]);
  const [bucket, setBucket] = useState<string[]>([]);
  const [verdict, setVerdict] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const [debouncedTag] = useDebouncedValue(tag, 300);
  const [vote, setVote] = useState<[number, number]>([0, 1]);
  const [voteLive, setVoteLive] = useState<[number, number]>([0, 1]);

  useEffect(() => {
    const filter: BrowseFilter = {};
    if (debounced.trim()) filter.search = debounced.trim();
    if (subtask) filter.subtask = subtask as BrowseFilter['subtask'];
    if (status.length) filter.status = status as NonNullable<BrowseFilter['status']>;
    if (category.length) filter.category = category;
    if (bucket.length) filter.bucket = bucket as NonNullable<BrowseFilter['bucket']>;
    if (verdict) {
      const [verifier, outcome] = verdict.split(':');
      filter.verdict = { verifier: verifier as NonNullable<BrowseFilter['verdict']>['verifier'], passed: outcome === 'pass' };
    }
    if (debouncedTag.trim()) filter.tag = debouncedTag.trim();
    if (vote[0] > 0 || vote[1] < 1) filter.voteShare = { min: vote[0], max: vote[1] };
    onChange(filter);
  }, [debounced, subtask, status, category, bucket, verdict, debouncedTag, vote, onChange]);

  return (
    <Stack gap="xs">
      <Group grow align="flex-end">
        <TextInput
          label="Search"
          placeholder="Any word of a query or an output"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="sample-search"
        />
        <Select
          label="Sort"
          data={SORTS}
          value={`${sort.key}:${sort.dir}`}
          onChange={(v) => v && onSort({ key: v.split(':')[0] as Sort['key'], dir: v.split(':')[1] as Sort['dir'] })}
          allowDeselect={false}
        />
      </Group>
      <Group grow align="flex-end">
        <Select label="Sub-task" data={SUBTASKS} value={subtask} onChange={setSubtask} clearable placeholder="All" />
        <MultiSelect
          label="Status"
          data={STATUSES}
          value={status}
          onChange={setStatus}
          clearable
          placeholder="All"
          data-testid="filter-status"
        />
        <MultiSelect
          label="Category"
          data={CATEGORIES}
          value={category}
          onChange={setCategory}
          clearable
          placeholder="All"
          data-testid="filter-category"
        />
        <MultiSelect label="pass@k bucket" data={BUCKETS} value={bucket} onChange={setBucket} clearable placeholder="All" />
        <Select label="Verdict" data={VERDICTS} value={verdict} onChange={setVerdict} clearable placeholder="Any" />
        <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} placeholder="Any" />
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
          onChangeEnd={setVote}
          style={{ flex: 1 }}
          label={(v) => v.toFixed(2)}
        />
      </Group>
    </Stack>
  );
}
