import { Stack } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

export function Jobs() {
  return (
    <Stack>
      <ViewHeader title="Jobs" description="Long-running work: evolution, training, evaluation, imports." />
      <EmptyState title="No jobs yet">Evolution runs, training, evaluations and big imports run as jobs that survive restarts. They appear here with live progress, logs, and pause, resume and cancel.</EmptyState>
    </Stack>
  );
}
