import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Traces() {
  return (
    <Stack>
      <ViewHeader title="Refinement traces" description="How adaptive self-refinement converged, step by step." />
      <EmptyState title="No refinement traces yet">Every answer produced with adaptive refinement (in evaluation or when serving a model) is stored as a trace of its steps. Traces appear here after an evaluation with refinement on.</EmptyState>
    </Stack>
  );
}
