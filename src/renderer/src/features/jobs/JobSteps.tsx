import { Badge } from '@mantine/core';
import type { JobDetail } from '../../../../shared/contract/jobs';
import { DataTable } from '../../ui/DataTable';
import type { JobProgress } from '../../ui/useJobProgress';

type Step = JobDetail['steps'][number];

const stepColor = (state: Step['state']) =>
  state === 'done' ? 'teal' : state === 'failed' ? 'red' : state === 'running' ? 'blue' : 'gray';

/** A job's steps with their counts; the running step's from the live progress. */
export function JobSteps({ job, live }: { job: JobDetail; live: JobProgress | undefined }) {
  const counted = (s: Step) => {
    const isLive = live && live.stepId === s.id && job.state === 'running';
    const done = isLive ? live.done : s.done;
    const total = isLive ? live.total : s.total;
    return total ? `${done}/${total}` : s.state === 'done' ? '✓' : done || '';
  };
  return (
    <DataTable
      verticalSpacing={4}
      mb="sm"
      data-testid="job-steps"
      rows={job.steps}
      rowKey={(s) => s.id}
      columns={[
        { key: 'seq', header: '#', cell: (s) => s.seq + 1 },
        { key: 'name', header: 'Step', cell: (s) => s.name },
        {
          key: 'state',
          header: 'State',
          cell: (s) => (
            <Badge size="sm" variant="dot" color={stepColor(s.state)}>
              {s.state}
            </Badge>
          ),
        },
        { key: 'done', header: 'Done', cell: counted },
        { key: 'tries', header: 'Tries', cell: (s) => s.attempts },
      ]}
    />
  );
}
