import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Samples() {
  return (
    <Stack>
      <ViewHeader title="Samples" description="Browse, search and curate every generated or imported sample." />
      <EmptyState title="No samples yet">Samples appear once an evolution round has generated them or a dataset has been imported. You can then search them, see each verifier verdict and accept, reject or edit them with the keyboard.</EmptyState>
    </Stack>
  );
}
