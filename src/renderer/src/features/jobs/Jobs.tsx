import { Alert, Button, Group, NumberInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useApi, useClient } from '../../api/client';
import { CurationBanner } from '../../components/CurationBanner';
import { EvolveButton } from '../../components/EvolveDialog';
import { ViewHeader } from '../../components/ViewHeader';
import { useAction } from '../../ui/useAction';
import { useJobsProgress } from '../../ui/useJobProgress';
import { JobDetailPanel } from './JobDetailPanel';
import type { JobAction } from './job-states';
import { JobsTable } from './JobsTable';

export function Jobs() {
  const client = useClient();
  const list = useApi('jobs.list', { limit: 200 }, { refreshOn: ['jobs.changed'] });
  const live = useJobsProgress();
  const [selected, setSelected] = useState<number | null>(null);
  const [demoRows, setDemoRows] = useState<number>(2000);
  const change = useAction((action: JobAction, id: number) => client.call(`jobs.${action}`, { id }), { inline: true });
  const demo = useAction(
    () =>
      client
        .call('jobs.start', { kind: 'demo', settings: { rows: demoRows, itemDelayMs: 2, batch: 25 } })
        .then((job) => setSelected(job.id)),
    { inline: true },
  );
  const error = change.error ?? demo.error;
  const act = (action: JobAction, id: number) => void change.run(action, id);

  return (
    <Stack>
      <ViewHeader
        title="Jobs"
        description="Long-running work: evolution, training, evaluation, imports. Jobs survive restarts and go on from their checkpoints."
        actions={
          <Group gap="xs" align="flex-end">
            <NumberInput
              label="Test job rows per step"
              size="xs"
              w={150}
              min={10}
              max={100000}
              step={500}
              value={demoRows}
              onChange={(v) => setDemoRows(typeof v === 'number' ? v : Number(v) || 2000)}
            />
            {/* A test job (writes rows, no model): shows progress, pause and cancel without a model. */}
            <Button size="xs" variant="default" onClick={() => void demo.run()} data-testid="start-demo">
              Run a test job
            </Button>
            <EvolveButton label="New evolution job…" size="xs" />
          </Group>
        }
      />
      <CurationBanner />
      {error && (
        <Alert
          color="red"
          title="The job could not be changed"
          withCloseButton
          onClose={() => {
            change.clearError();
            demo.clearError();
          }}
        >
          {error}
        </Alert>
      )}
      {list.error && (
        <Alert color="red" title="Cannot list jobs">
          {list.error.message}
        </Alert>
      )}
      <JobsTable
        jobs={list.data?.items ?? []}
        loading={list.loading}
        live={live}
        selected={selected}
        onSelect={setSelected}
        onAction={act}
      />
      {selected !== null && <JobDetailPanel id={selected} live={live[selected]} onAction={act} />}
    </Stack>
  );
}
