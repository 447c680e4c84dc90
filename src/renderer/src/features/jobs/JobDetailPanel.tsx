import { Alert, Anchor, Card, Code, Group, Text, Title } from '@mantine/core';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../api/client';
import type { JobProgress } from '../../ui/useJobProgress';
import { ACTIONS, PRODUCED, type JobAction } from './job-states';
import { JobSteps } from './JobSteps';
import { JobTraining } from './JobTraining';
import { LogView } from './LogView';

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Code block mb="sm">
        {JSON.stringify(value, null, 2)}
      </Code>
    </>
  );
}

/** One job: why it failed, its training, steps, settings, result and log. */
export function JobDetailPanel({
  id,
  live,
  onAction,
}: {
  id: number;
  live: JobProgress | undefined;
  onAction: (action: JobAction, id: number) => void;
}) {
  const navigate = useNavigate();
  const detail = useApi('jobs.get', { id }, { refreshOn: ['jobs.changed'] });
  const job = detail.data;
  if (!job) return detail.error ? <Alert color="red">{detail.error.message}</Alert> : null;
  const produced = PRODUCED.find(([prefix]) => job.kind.startsWith(prefix));
  return (
    <Card withBorder data-testid="job-detail">
      <Group justify="space-between" mb="xs">
        <Title order={4}>
          Job {job.id}: {job.title}
        </Title>
        {produced && job.stepsDone > 0 && (
          <Anchor size="sm" onClick={() => navigate(produced[1])}>
            See what it produced ({produced[2]})
          </Anchor>
        )}
      </Group>
      {job.error && (
        <Alert color="red" title="Why it failed" mb="sm" data-testid="job-error">
          <Text size="sm">{job.error}</Text>
          {job.errorStack && (
            <Code block mt="xs" style={{ maxHeight: 200, overflow: 'auto', fontSize: 11 }}>
              {job.errorStack}
            </Code>
          )}
        </Alert>
      )}
      <JobTraining job={job} onCancel={ACTIONS[job.state].includes('cancel') ? () => onAction('cancel', job.id) : undefined} />
      <JobSteps job={job} live={live} />
      <JsonBlock label="Settings (as used)" value={job.settings} />
      {job.result !== null && <JsonBlock label="Result" value={job.result} />}
      <Text size="xs" c="dimmed">
        Log
      </Text>
      <LogView jobId={job.id} />
    </Card>
  );
}
