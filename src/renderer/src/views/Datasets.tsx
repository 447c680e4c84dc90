import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Datasets() {
  return (
    <Stack>
      <ViewHeader title="Datasets" description="One dataset per sub-task: doc adaption, tool generation, invocation, refinement." />
      <EmptyState title="No samples yet">Each evolution round adds samples to the four sub-task datasets; their counts by status, round and category appear here. Run an evolution job or import data to fill them.</EmptyState>
    </Stack>
  );
}
