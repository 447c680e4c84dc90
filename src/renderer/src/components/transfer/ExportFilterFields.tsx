import { Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { CATEGORIES, STATUSES, SUBTASK_CHOICES } from '../sample-choices';
import type { ExportChoice } from './export-filter';

/** Which samples to export: by status, sub-task, round, category and tag. */
export function ExportFilterFields({
  value,
  set,
  rounds,
}: {
  value: ExportChoice;
  set: (patch: Partial<ExportChoice>) => void;
  rounds: { value: string; label: string }[];
}) {
  return (
    <>
      <Group grow align="flex-start">
        <MultiSelect
          label="Status"
          value={value.status}
          onChange={(status) => set({ status })}
          data={STATUSES}
          placeholder="any status"
          data-testid="export-status"
        />
        <Select
          label="Sub-task"
          value={value.subtask}
          onChange={(subtask) => set({ subtask })}
          data={SUBTASK_CHOICES}
          clearable
          placeholder="any sub-task"
          description="Formats hold invocation samples; others are listed as skipped."
        />
      </Group>
      <Group grow align="flex-start">
        <MultiSelect
          label="Round"
          value={value.rounds}
          onChange={(r) => set({ rounds: r })}
          data={rounds}
          placeholder="any round"
          data-testid="export-round"
        />
        <MultiSelect
          label="Category"
          value={value.category}
          onChange={(category) => set({ category })}
          data={CATEGORIES}
          placeholder="any category"
        />
        <TextInput label="Tag" value={value.tag} onChange={(e) => set({ tag: e.currentTarget.value })} placeholder="any tag" />
      </Group>
    </>
  );
}
