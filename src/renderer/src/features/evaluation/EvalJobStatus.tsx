import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { EvalJobView } from './useEvalJob';

/** A model-evaluation job's state, count, ETA and Cancel. */
export function EvalJobStatus({ job, onCancel }: { job: EvalJobView; onCancel: () => void }) {
  const fraction = job.total ? Math.min(1, job.done / job.total) : 0;
  return (
    <Stack gap={4} mt="sm" data-testid="evaluate-model-job">
      <Group justify="space-between">
        <Text size="sm">
          Job {job.id} · {job.state}
          {job.total !== null && ` · ${job.done}/${job.total} items`}
          {job.message && ` · ${job.message}`}
          {job.eta && ` · ${job.eta}`}
        </Text>
        {job.running && (
          <Button size="compact-xs" variant="default" color="red" onClick={onCancel} disabled={job.state === 'cancelling'}>
            Cancel
          </Button>
        )}
      </Group>
      <Progress
        value={job.state === 'done' ? 100 : fraction * 100}
        animated={job.state === 'running'}
        aria-label={`Evaluation job ${job.id} progress`}
      />
      {job.state === 'cancelled' && (
        <Text size="xs" c="dimmed">
          Cancelled: the unfinished run was removed.
        </Text>
      )}
      {job.state === 'failed' && (
        <Text size="xs" c="red">
          {job.error ?? 'Failed'} (see the Jobs view; retry goes on from the last stored batch).
        </Text>
      )}
    </Stack>
  );
}
