import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Models() {
  return (
    <Stack>
      <ViewHeader title="Models" description="The base models, their evolved descendants and their lineage." />
      <EmptyState title="No models yet">Import a GGUF model, download one, or create the starter model; models trained by evolution rounds appear here with their lineage.</EmptyState>
    </Stack>
  );
}
