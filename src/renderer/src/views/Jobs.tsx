import { Alert, Anchor, Badge, Box, Button, Card, Code, Group, NumberInput, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type UIEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { JobLog, JobProgressEvent, JobState, JobSummary } from '../../../shared/contract/jobs';
import { useApi, useClient, useEvent } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { CurationBanner } from '../components/CurationBanner';
import { EvolveButton } from '../components/EvolveDialog';
import { JobTraining } from '../components/JobTraining';
import { ViewHeader } from '../components/ViewHeader';
import { formatEta } from '../../../shared/format';

const STATE_COLOR: Record<JobState, string> = {
  queued: 'gray',
  running: 'blue',
  paused: 'yellow',
  cancelling: 'orange',
  cancelled: 'gray',
  failed: 'red',
  done: 'teal',
};

type Action = 'pause' | 'resume' | 'cancel' | 'retry';

const ACTIONS: Record<JobState, Action[]> = {
  queued: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  cancelling: [],
  cancelled: ['retry'],
  failed: ['retry'],
  done: [],
};

const ACTION_LABEL: Record<Action, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry' };

/** Where a job's results are shown, by the domain its kind belongs to. */
const PRODUCED: [prefix: string, route: string, label: string][] = [
  ['evolution', '/rounds', 'Rounds'],
  ['eval', '/evaluation', 'Evaluation'],
  ['train', '/models', 'Models'],
  ['model', '/models', 'Models'],
  ['import', '/datasets', 'Datasets'],
];

export function Jobs() {
  const client = useClient();
  const list = useApi('jobs.list', { limit: 200 }, { refreshOn: ['jobs.changed'] });
  const [live, setLive] = useState<Record<number, JobProgressEvent>>({});
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [demoRows, setDemoRows] = useState<number>(2000);
  useEvent('jobs.progress', (p) => setLive((all) => ({ ...all, [p.jobId]: p })));

  const act = useCallback(
    (action: Action, id: number) => {
      setError(null);
      client.call(`jobs.${action}`, { id }).catch((e: Error) => setError(e.message));
    },
    [client],
  );
  const startDemo = () => {
    setError(null);
    client
      .call('jobs.start', { kind: 'demo', settings: { rows: demoRows, itemDelayMs: 2, batch: 25 } })
      .then((job) => setSelected(job.id))
      .catch((e: Error) => setError(e.message));
  };

  const jobs = list.data?.items ?? [];
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
            <Button size="xs" variant="default" onClick={startDemo} data-testid="start-demo">
              Run a test job
            </Button>
            <EvolveButton label="New evolution job…" size="xs" />
          </Group>
        }
      />
      <CurationBanner />
      {error && (
        <Alert color="red" title="The job could not be changed" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      {list.error && (
        <Alert color="red" title="Cannot list jobs">
          {list.error.message}
        </Alert>
      )}
      {jobs.length === 0 && !list.loading ? (
        <EmptyState title="No jobs yet">
          Evolution runs, training, evaluations and big imports run as jobs that survive restarts. They appear here with live progress,
          logs, and pause, resume and cancel. Start one with New evolution job, or try a test job that needs no model.
        </EmptyState>
      ) : (
        <Table highlightOnHover verticalSpacing="xs" data-testid="jobs-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Job</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th w="34%">Progress</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.map((job) => (
              <JobRow
                key={job.id}
                job={job}
                live={live[job.id]}
                selected={selected === job.id}
                onSelect={() => setSelected(job.id)}
                onAction={act}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {selected !== null && <JobDetailPanel id={selected} live={live[selected]} onAction={act} />}
    </Stack>
  );
}

function progressOf(job: JobSummary, live: JobProgressEvent | undefined) {
  // Live events are fresher while the job runs; the stored summary is right once it stopped.
  const useLive = live && (job.state === 'running' || job.state === 'cancelling') && live.seq >= (job.currentStep?.seq ?? 0);
  return {
    fraction: useLive ? live.fraction : job.fraction,
    step: useLive ? live.step : job.currentStep?.name,
    seq: useLive ? live.seq : job.currentStep?.seq,
    done: useLive ? live.done : job.currentStep?.done,
    total: useLive ? live.total : job.currentStep?.total,
    eta: useLive ? live.etaSeconds : null,
    rate: useLive ? live.rate : null,
    message: useLive ? live.message : null,
  };
}

function JobRow({
  job,
  live,
  selected,
  onSelect,
  onAction,
}: {
  job: JobSummary;
  live: JobProgressEvent | undefined;
  selected: boolean;
  onSelect: () => void;
  onAction: (action: Action, id: number) => void;
}) {
  const p = progressOf(job, live);
  const percent = Math.round(p.fraction * 1000) / 10;
  return (
    <Table.Tr
      data-testid={`job-row-${job.id}`}
      data-state={job.state}
      bg={selected ? 'var(--mantine-color-default-hover)' : undefined}
      onClick={onSelect}
      style={{ cursor: 'pointer' }}
    >
      <Table.Td>{job.id}</Table.Td>
      <Table.Td>
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
      </Table.Td>
      <Table.Td>
        <Badge color={STATE_COLOR[job.state]} variant="light" data-testid={`job-state-${job.id}`}>
          {job.state}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Box data-testid={`job-progress-${job.id}`} data-fraction={p.fraction}>
          <Progress value={percent} animated={job.state === 'running'} aria-label={`Progress of job ${job.id}`} />
        </Box>
        <Text size="xs" c="dimmed" mt={4}>
          {percent}%{p.step !== undefined && job.state !== 'done' ? ` · ${p.step} (${(p.seq ?? 0) + 1}/${job.stepCount})` : ''}
          {p.done !== undefined && p.total ? ` · ${p.done}/${p.total}` : ''}
          {p.rate ? ` · ${p.rate >= 10 ? Math.round(p.rate) : p.rate.toFixed(1)}/s` : ''}
          {p.eta !== null ? ` · ${formatEta(p.eta)}` : ''}
          {p.message ? ` · ${p.message}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
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
      </Table.Td>
    </Table.Tr>
  );
}

function JobDetailPanel({
  id,
  live,
  onAction,
}: {
  id: number;
  live: JobProgressEvent | undefined;
  onAction: (action: Action, id: number) => void;
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
      <Table verticalSpacing={4} mb="sm" data-testid="job-steps">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Step</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Done</Table.Th>
            <Table.Th>Tries</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {job.steps.map((s) => {
            const isLive = live && live.stepId === s.id && job.state === 'running';
            const done = isLive ? live.done : s.done;
            const total = isLive ? live.total : s.total;
            return (
              <Table.Tr key={s.id}>
                <Table.Td>{s.seq + 1}</Table.Td>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>
                  <Badge
                    size="sm"
                    variant="dot"
                    color={s.state === 'done' ? 'teal' : s.state === 'failed' ? 'red' : s.state === 'running' ? 'blue' : 'gray'}
                  >
                    {s.state}
                  </Badge>
                </Table.Td>
                <Table.Td>{total ? `${done}/${total}` : s.state === 'done' ? '✓' : done || ''}</Table.Td>
                <Table.Td>{s.attempts}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        Settings (as used)
      </Text>
      <Code block mb="sm">
        {JSON.stringify(job.settings, null, 2)}
      </Code>
      {job.result !== null && (
        <>
          <Text size="xs" c="dimmed">
            Result
          </Text>
          <Code block mb="sm">
            {JSON.stringify(job.result, null, 2)}
          </Code>
        </>
      )}
      <Text size="xs" c="dimmed">
        Log
      </Text>
      <LogView jobId={job.id} />
    </Card>
  );
}

const ROW = 20;
const VIEW_HEIGHT = 240;
const PAGE = 1000;

/** The job's log, virtualised (only visible lines are rendered), following new lines while at the bottom. */
function LogView({ jobId }: { jobId: number }) {
  const client = useClient();
  const [lines, setLines] = useState<JobLog[]>([]);
  const [more, setMore] = useState<number | null>(0);
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const loading = useRef(false);

  const loadPage = useCallback(
    (afterId: number) => {
      if (loading.current) return;
      loading.current = true;
      client
        .call('jobs.logs', { id: jobId, afterId, limit: PAGE })
        .then((page) => {
          setLines((prev) => [...prev, ...page.items.filter((l) => l.id > (prev[prev.length - 1]?.id ?? 0))]);
          setMore(page.nextAfterId);
        })
        .finally(() => (loading.current = false));
    },
    [client, jobId],
  );

  useEffect(() => {
    setLines([]);
    setMore(0);
    follow.current = true;
    loadPage(0);
  }, [jobId, loadPage]);

  useEvent('jobs.log', (line) => {
    // Live lines join once everything before them is loaded (otherwise the next page brings them).
    if (line.jobId === jobId && more === null)
      setLines((prev) => (prev.length && prev[prev.length - 1]!.id >= line.id ? prev : [...prev, line]));
  });

  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines.length]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
    if (more !== null && el.scrollTop + el.clientHeight >= el.scrollHeight - 10 * ROW) loadPage(more);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW) - 10);
  const last = Math.min(lines.length, first + Math.ceil(VIEW_HEIGHT / ROW) + 20);
  const color = (level: JobLog['level']) =>
    level === 'error' ? 'red' : level === 'warn' ? 'orange' : level === 'debug' ? 'dimmed' : undefined;
  return (
    <Box
      ref={box}
      onScroll={onScroll}
      h={VIEW_HEIGHT}
      style={{
        overflowY: 'auto',
        position: 'relative',
        fontFamily: 'var(--mantine-font-family-monospace)',
        fontSize: 12,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
      }}
      data-testid="job-log"
      role="log"
      aria-label={`Log of job ${jobId}`}
    >
      <div style={{ height: lines.length * ROW, position: 'relative' }}>
        {lines.slice(first, last).map((line, i) => (
          <Text
            key={line.id}
            component="div"
            size="xs"
            c={color(line.level)}
            style={{
              position: 'absolute',
              top: (first + i) * ROW,
              height: ROW,
              lineHeight: `${ROW}px`,
              whiteSpace: 'nowrap',
              paddingInline: 6,
            }}
          >
            {line.at.slice(11, 19)} {line.level.padEnd(5)} {line.message}
          </Text>
        ))}
      </div>
      {lines.length === 0 && (
        <Text size="xs" c="dimmed" p={6}>
          No log lines yet.
        </Text>
      )}
    </Box>
  );
}
