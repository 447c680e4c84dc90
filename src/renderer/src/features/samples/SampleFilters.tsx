import { Group, RangeSlider, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/client';
import { FILTER_ROWS } from './filter-fields';
import type { FilterState } from './filter-url';
import { FilterInput } from './FilterInput';

/** The vote-share range: what is dragged shows at once, and is handed on when the drag ends. */
function VoteShareFilter({ vote, onChange }: { vote: [number, number]; onChange: (vote: [number, number]) => void }) {
  const [live, setLive] = useState<[number, number]>(vote);
  useEffect(() => setLive(vote), [vote]);
  return (
    <Group align="center" gap="md">
      <Text size="sm" w={120}>
        Vote share {live[0].toFixed(2)}–{live[1].toFixed(2)}
      </Text>
      <RangeSlider
        aria-label="Vote share"
        thumbFromLabel="Lowest vote share"
        thumbToLabel="Highest vote share"
        min={0}
        max={1}
        step={0.05}
        value={live}
        onChange={setLive}
        onChangeEnd={onChange}
        style={{ flex: 1 }}
        label={(v) => v.toFixed(2)}
      />
    </Group>
  );
}

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
  // On the latest state: a settled text field may hand on after other filters changed.
  const set = (patch: Partial<FilterState>) => onChange({ ...latest.current, ...patch });
  const rounds = useApi('evolution.rounds', {}, { refreshOn: ['jobs.changed'] });
  const roundItems = rounds.data?.items ?? [];
  return (
    <Stack gap="xs">
      {FILTER_ROWS.map((row, i) => (
        <Group key={i} grow align="flex-end">
          {row.map((field) => (
            <FilterInput key={field.label} field={field} state={value} set={set} rounds={roundItems} onDone={onDone} />
          ))}
        </Group>
      ))}
      <VoteShareFilter vote={value.vote} onChange={(vote) => set({ vote })} />
    </Stack>
  );
}
