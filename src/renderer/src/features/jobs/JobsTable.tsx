import { Badge, Box, Button, Group, Progress, Text } from '@mantine/core';
import type { JobSummary } from '../../../../shared/contract/jobs';
import { formatRate } from '../../../../shared/format';
import { EmptyState } from '../../components/EmptyState';
import { DataTable, type Column } from '../../ui/DataTable';
import type { JobProgress } from '../../ui/useJobProgress';
import { ACTION_LABEL, ACTIONS, progressOf, STATE_COLOR, type JobAction } from './job-states';

function ProgressCell({ job, live }: { job: JobSummary; live: JobProgress | undefined }) {
  const p = progressOf(job, live);
  const percent = Math.round(p.fraction * 1000) / 10;
  const rate = formatRate(p.rate);
  return (
    <>
      <Box data-testid={`job-progress-${job.id}`} data-fraction={p.fraction}>
        <Progress value={percent} animated={job.state === 'running'} aria-label={`Progress of job ${job.id}`} />
      </Box>
      <Text size="xs" c="dimmed" mt={4}>
        {percent}%{p.step !== undefined && job.state !== 'done' ? ` · ${p.step} (${(p.seq ?? 0) + 1}/${job.stepCount})` : ''}
        {p.done !== undefined && p.total ? ` · ${p.done}/${p.total}` : ''}
        {rate ? ` · ${rate}` : ''}
        {p.eta ? ` · ${p.eta}` : ''}
        {p.message ? ` · ${p.message}` : ''}
      </Text>
    </>
  );
}

export function JobActionButtons({ job, onAction }: { job: JobSummary; onAction: (action: JobAction, id: number) => void }) {
  return (
    <Group gap={4} onClick={(e) => e.stopPropagation()}>
      {ACTIONS[job.state].map((action) => (
        <Button
          key={action}
          size="compact-xs"
          variant={action === 'cancel' ? 'subtle' : 'light'}
          color={action === 'cancel' ? 'red' : undefined}
          onClick={() => onAction(action, job.id)}
        >
          {ACTION_LABEL[action]}
        </Button>
      ))}
    </Group>
  );
}

function JobTitle({ job }: { job: JobSummary }) {
  return (
    <>
      <Text fw={600} size="sm">
        {job.title}
      </Text>
      <Text size="xs" c="dimmed">
        {job.kind} · {job.createdAt.replace('T', ' ').slice(0, 19)}
      </Text>
      {job.error && (
        <Text size="xs" c="red" lineClamp={2}>
          {job.error}
        </Text>
      )}
    </>
  );
}

export function JobsTable(props: {
  jobs: JobSummary[];
  loading: boolean;
  live: Record<number, JobProgress>;
  selected: number | null;
  onSelect: (id: number) => void;
  onAction: (action: JobAction, id: number) => void;
}) {
  const { live, onAction } = props;
  const columns: Column<JobSummary>[] = [
    { key: 'id', header: '#', cell: (job) => job.id },
    { key: 'job', header: 'Job', cell: (job) => <JobTitle job={job} /> },
    {
      key: 'state',
      header: 'State',
      cell: (job) => (
        <Badge color={STATE_COLOR[job.state]} variant="light" data-testid={`job-state-${job.id}`}>
          {job.state}
        </Badge>
      ),
    },
    { key: 'progress', header: 'Progress', th: { w: '34%' }, cell: (job) => <ProgressCell job={job} live={live[job.id]} /> },
    { key: 'actions', header: 'Actions', cell: (job) => <JobActionButtons job={job} onAction={onAction} /> },
  ];
  return (
    <DataTable
      highlightOnHover
      verticalSpacing="xs"
      data-testid="jobs-table"
      rows={props.jobs}
      columns={columns}
      rowKey={(job) => job.id}
      loading={props.loading}
      onRowClick={(job) => props.onSelect(job.id)}
      isSelected={(job) => job.id === props.selected}
      rowProps={(job) => ({ 'data-testid': `job-row-${job.id}`, 'data-state': job.state })}
      empty={
        <EmptyState title="No jobs yet">
          Evolution runs, training, evaluations and big imports run as jobs that survive restarts. They appear here with live progress,
          logs, and pause, resume and cancel. Start one with New evolution job, or try a test job that needs no model.
        </EmptyState>
      }
    />
  );
}
