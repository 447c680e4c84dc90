import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function ToolPool() {
  return (
    <Stack>
      <ViewHeader title="Tool pool" description="The tool definitions the model learns to use." />
      <EmptyState title="No tools yet">Tools you import (OpenAI, BFCL or ToolACE JSON) and the built-in pool appear here, each validated, with its schema shown readably.</EmptyState>
    </Stack>
  );
}
