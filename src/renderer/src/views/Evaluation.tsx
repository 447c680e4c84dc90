import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Evaluation() {
  return (
    <Stack>
      <ViewHeader title="Evaluation" description="Held-out accuracy by category, BFCL-compatible." />
      <EmptyState title="No evaluation sets yet">Import a BFCL question file with its possible answers, or run an evolution job (it evaluates on the built-in held-out sets), and per-category accuracy appears here.</EmptyState>
    </Stack>
  );
}
