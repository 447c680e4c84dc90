import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Rounds() {
  return (
    <Stack>
      <ViewHeader title="Rounds" description="The self-evolution timeline: what each round generated, selected, trained and scored." />
      <EmptyState title="No rounds yet">Each evolution round appears here with its samples, its pass@k buckets (mastered, learnable, unreachable), its training curve and its evaluation. Start an evolution job to create the first one.</EmptyState>
    </Stack>
  );
}
