import {
  Accordion,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  NumberInput,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { EvalRunSummary, EvalSetSummary } from '../../../../shared/contract/eval';
import { FINISHED_JOB_STATES, type JobState } from '../../../../shared/contract/jobs';
import { useApi, useClient, useEvent } from '../../api/client';
import { CallText } from '../../components/CallText';
import { SelectableRow } from '../../components/SelectableRow';
import { EmptyState } from '../../components/EmptyState';
import { EvalCompare } from './EvalCompare';
import { EvalLeaderboard } from './EvalLeaderboard';
import { accuracyWithCount } from '../../components/RoundChange';
import { ViewHeader } from '../../components/ViewHeader';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The last user message of a BFCL question (a list of turns, each a list of chat messages). */
function questionText(question: unknown): string {
  const turns = Array.isArray(question) ? question.flat(2) : [];
  const users = turns.filter(
    (m): m is { role: string; content: string } => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user',
  );
  return users.at(-1)?.content ?? JSON.stringify(question);
}

/** BFCL result file: one {"id", "result"} per line. */
async function readOutputs(file: File): Promise<{ id: string; result: string }[]> {
  const lines = (await file.text()).split('\n');
  const out: { id: string; result: string }[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: { id?: unknown; result?: unknown };
    try {
      record = JSON.parse(line) as { id?: unknown; result?: unknown };
    } catch (error) {
      throw new Error(`${file.name}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof record.id !== 'string') throw new Error(`${file.name}:${i + 1}: "id" must be a string`);
    out.push({ id: record.id, result: typeof record.result === 'string' ? record.result : JSON.stringify(record.result ?? '') });
  });
  return out;
}

function ImportCard() {
  const client = useClient();
  const [questions, setQuestions] = useState<File | null>(null);
  const [answers, setAnswers] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  useEvent('eval.importProgress', (p) => setProgress(`${p.phase}: ${p.items} item(s), ${p.lines} line(s) read`));

  const run = async () => {
    if (!questions) return;
    setBusy(true);
    setMessage(null);
    try {
      const { set } = await client.call('eval.import', {
        questions: { fileName: questions.name, text: await questions.text() },
        answers: answers ? { fileName: answers.name, text: await answers.text() } : undefined,
      });
      setMessage({ color: 'teal', text: `Imported "${set.name}": ${set.itemCount} item(s).` });
    } catch (error) {
      setMessage({ color: 'red', text: (error as Error).message });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <Card withBorder>
      <Title order={4}>Import a BFCL set</Title>
      <Text size="sm" c="dimmed" mb="xs">
        A question file (JSON Lines: id, question, function) and its possible-answer file (id, ground_truth). Irrelevance sets need no
        answers.
      </Text>
      <Group align="flex-end">
        <label>
          <Text size="sm">Questions file</Text>
          <input
            type="file"
            accept=".json,.jsonl"
            data-testid="eval-questions"
            onChange={(e) => setQuestions(e.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <label>
          <Text size="sm">Possible answers (optional)</Text>
          <input
            type="file"
            accept=".json,.jsonl"
            data-testid="eval-answers"
            onChange={(e) => setAnswers(e.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <Button size="xs" onClick={() => void run()} loading={busy} disabled={!questions} data-testid="eval-import">
          Import
        </Button>
      </Group>
      {progress && (
        <Text size="xs" c="dimmed" mt="xs">
          {progress}
        </Text>
      )}
      {message && (
        <Alert color={message.color} mt="xs" data-testid="eval-import-message" withCloseButton onClose={() => setMessage(null)}>
          {message.text}
        </Alert>
      )}
    </Card>
  );
}

function FailingItems({ runId, category }: { runId: number; category: string }) {
  const failing = useApi('eval.run', { runId, onlyFailing: true, category, limit: 30, offset: 0 }, { deps: [runId, category] });
  if (failing.error) return <Alert color="red">{failing.error.message}</Alert>;
  const results = failing.data?.results ?? [];
  if (!failing.loading && results.length === 0) return <Text c="dimmed">No failing items in {category}.</Text>;
  return (
    <Stack gap="xs" data-testid="failing-items">
      <Text size="sm">
        {failing.data?.total ?? 0} failing item(s) in <b>{category}</b>
        {(failing.data?.total ?? 0) > results.length ? ` (first ${results.length} shown)` : ''}
      </Text>
      <Accordion variant="separated" chevronPosition="left">
        {results.map((r) => (
          <Accordion.Item key={r.itemId} value={r.itemKey} data-testid={`failing-${r.itemKey}`}>
            <Accordion.Control>
              <Group gap="xs">
                <Text ff="monospace" size="sm">
                  {r.itemKey}
                </Text>
                <Badge color="red" variant="light" tt="none">
                  {r.errorType}
                </Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="xs">
                <Text size="sm">
                  <b>Question:</b> {questionText(r.question)}
                </Text>
                <Text size="sm" fw={600}>
                  Model output
                </Text>
                {r.output ? <CallText text={r.output} /> : <Text c="dimmed">(none)</Text>}
                <Text size="sm" fw={600}>
                  Why it failed
                </Text>
                <Code block data-testid="failing-error">
                  {r.error.join('\n')}
                </Code>
                {r.answer !== null && (
                  <>
                    <Text size="sm" fw={600}>
                      Possible answer
                    </Text>
                    <Code block>{JSON.stringify(r.answer, null, 1)}</Code>
                  </>
                )}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}

function RunCard({ run }: { run: EvalRunSummary }) {
  const [category, setCategory] = useState<string | null>(null);
  const summary = run.summary;
  if (!summary) return null;
  return (
    <Card withBorder data-testid="run-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>
          Run {run.id} {run.label && `· ${run.label}`}
        </Title>
        <Text size="sm">
          {summary.correct}/{summary.total} correct · <b>{pct(summary.accuracy)}</b>
        </Text>
      </Group>
      <Table highlightOnHover data-testid="run-categories">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Category</Table.Th>
            <Table.Th>Items</Table.Th>
            <Table.Th>Correct</Table.Th>
            <Table.Th w="25%">Accuracy</Table.Th>
            <Table.Th>Errors</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {summary.categories.map((c) => (
            <Table.Tr
              key={c.category}
              onClick={() => setCategory(c.category)}
              style={{ cursor: 'pointer' }}
              data-testid={`run-category-${c.category}`}
            >
              <Table.Td ff="monospace">{c.category}</Table.Td>
              <Table.Td>{c.total}</Table.Td>
              <Table.Td>{c.correct}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Progress value={c.accuracy * 100} w={80} aria-label={`${c.category} accuracy`} />
                  <Text size="sm">{accuracyWithCount(c.correct, c.total)}</Text>
                </Group>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {Object.entries(c.errorTypes)
                    .sort((a, b) => b[1] - a[1])
                    .map(([type, n]) => (
                      <Badge key={type} size="xs" color="red" variant="light" tt="none">
                        {type} ×{n}
                      </Badge>
                    ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {category ? (
        <FailingItems runId={run.id} category={category} />
      ) : (
        <Text size="xs" c="dimmed">
          Open a category to see its failing items.
        </Text>
      )}
    </Card>
  );
}

interface EvalJobView {
  id: number;
  state: JobState;
  done: number;
  total: number | null;
  message: string | null;
  etaSeconds: number | null;
  error: string | null;
}

/**
 * Evaluate a registered model on this set: `models.evaluate` queues an eval.model job; its progress comes as
 * jobs.progress events and it can be cancelled here (the unfinished run is then removed). A job of this set
 * that is still going (started here earlier, from the CLI or another window) is picked up when the card opens.
 */
function EvaluateModelCard({ set, onRun }: { set: EvalSetSummary; onRun: (runId: number) => void }) {
  const client = useClient();
  const models = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const [model, setModel] = useState<string | null>(null);
  const [limit, setLimit] = useState<number | string>('');
  const [maxTokens, setMaxTokens] = useState<number | string>(256);
  // Empty: a loaded model keeps its threads, one loaded for the job gets the default (Settings, else the cores free).
  const [threads, setThreads] = useState<number | string>('');
  const threadsChoice = useApi('workspace.threads', {});
  const [job, setJob] = useState<EvalJobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setJob(null);
    client
      .call('models.evaluationJob', { set: set.id })
      .then(({ job: going }) => {
        if (live && going) setJob({ ...going, message: null, etaSeconds: null });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, set.id]);

  useEvent('jobs.progress', (p) => {
    setJob((j) =>
      j && j.id === p.jobId
        ? {
            ...j,
            // Progress means it runs (its 'running' change may have come before the job id did).
            state: j.state === 'queued' ? 'running' : j.state,
            done: p.done,
            total: p.total,
            message: p.message,
            etaSeconds: p.etaSeconds,
          }
        : j,
    );
  });
  useEvent('jobs.changed', ({ job: changed }) => {
    setJob((j) => (j && j.id === changed.id ? { ...j, state: changed.state, error: changed.error } : j));
    if (changed.state === 'done' && changed.kind === 'eval.model')
      void client
        .call('models.evaluationRun', { jobId: changed.id })
        .then(({ set: evaluated, runId }) => {
          if (evaluated === set.id && runId !== null) onRun(runId);
        })
        .catch(() => undefined);
  });

  const start = async () => {
    if (!model) return;
    setBusy(true);
    setError(null);
    try {
      const { jobId } = await client.call('models.evaluate', {
        set: set.id,
        model: Number(model),
        limit: typeof limit === 'number' && limit > 0 ? limit : undefined,
        sampling: { temperature: 0, maxTokens: typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens : 256 },
        ...(typeof threads === 'number' && threads > 0 ? { threads } : {}),
      });
      setJob({ id: jobId, state: 'queued', done: 0, total: null, message: null, etaSeconds: null, error: null });
      // Its state may have changed before the id came back: read it once (events keep it current from here).
      const now = await client.call('jobs.get', { id: jobId });
      const step = now.steps[0];
      setJob((j) =>
        j && j.id === jobId && j.state === 'queued'
          ? { ...j, state: now.state, error: now.error, done: step?.done ?? j.done, total: step?.total ?? j.total }
          : j,
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      await client.call('jobs.cancel', { id: job.id });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const choices = (models.data?.items ?? []).filter((m) => m.kind !== 'adapter').map((m) => ({ value: String(m.id), label: m.name }));
  const running = job !== null && !FINISHED_JOB_STATES.includes(job.state);
  const fraction = job?.total ? Math.min(1, job.done / job.total) : 0;
  return (
    <Card withBorder data-testid="evaluate-model">
      <Title order={5} mb="xs">
        Evaluate a model on this set
      </Title>
      <Group align="flex-end">
        <Select
          label="Model"
          placeholder={choices.length ? 'Pick a registered model' : 'No models yet (Models view)'}
          data={choices}
          value={model}
          onChange={setModel}
          disabled={running}
          w={220}
          data-testid="evaluate-model-select"
        />
        <NumberInput label="Items (empty: all)" min={1} value={limit} onChange={setLimit} disabled={running} w={140} />
        <NumberInput label="Max tokens" min={1} max={32768} value={maxTokens} onChange={setMaxTokens} disabled={running} w={120} />
        <NumberInput
          label="Threads"
          min={1}
          max={256}
          placeholder={threadsChoice.data ? `auto (${threadsChoice.data.generation})` : 'auto'}
          title={threadsChoice.data?.reason}
          value={threads}
          onChange={setThreads}
          disabled={running}
          w={110}
          data-testid="evaluate-model-threads"
        />
        <Button size="sm" onClick={() => void start()} loading={busy} disabled={!model || running} data-testid="evaluate-model-start">
          Evaluate
        </Button>
      </Group>
      {error && (
        <Alert color="red" mt="xs" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      {job && (
        <Stack gap={4} mt="sm" data-testid="evaluate-model-job">
          <Group justify="space-between">
            <Text size="sm">
              Job {job.id} · {job.state}
              {job.total !== null && ` · ${job.done}/${job.total} items`}
              {job.message && ` · ${job.message}`}
              {running && job.etaSeconds !== null && ` · about ${Math.ceil(job.etaSeconds)} s left`}
            </Text>
            {running && (
              <Button size="compact-xs" variant="default" color="red" onClick={() => void cancel()} disabled={job.state === 'cancelling'}>
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
      )}
    </Card>
  );
}

function SetDetail({ set }: { set: EvalSetSummary }) {
  const client = useClient();
  const runs = useApi('eval.runs', { set: set.id }, { deps: [set.id], refreshOn: ['eval.changed'] });
  const [runId, setRunId] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const items = runs.data?.items ?? [];
  useEffect(() => setRunId(null), [set.id]);
  const current = items.find((r) => r.id === runId) ?? items[0];

  const check = async (file: File) => {
    setBusy(true);
    setMessage(null);
    try {
      const outputs = await readOutputs(file);
      const { run } = await client.call('eval.check', { set: set.id, outputs, label: file.name });
      setRunId(run.id);
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <Card withBorder>
        <Group justify="space-between">
          <Title order={4}>{set.name}</Title>
          <label>
            <Text size="sm">Check model outputs (BFCL result file, .jsonl)</Text>
            <input
              type="file"
              accept=".json,.jsonl"
              data-testid="eval-outputs"
              disabled={busy}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void check(file);
                e.currentTarget.value = '';
              }}
            />
          </label>
        </Group>
        {message && (
          <Alert color="red" mt="xs">
            {message}
          </Alert>
        )}
        {items.length > 1 && (
          <Group gap={4} mt="xs">
            {items.map((r) => (
              <Button key={r.id} size="compact-xs" variant={current?.id === r.id ? 'filled' : 'default'} onClick={() => setRunId(r.id)}>
                Run {r.id} · {r.summary ? accuracyWithCount(r.summary.correct, r.summary.total) : '…'}
              </Button>
            ))}
          </Group>
        )}
        {runs.error && (
          // A list that cannot be read is said so, not shown as "no runs".
          <Alert color="red" mt="xs" title="The runs of this set could not be read">
            {runs.error.message}
          </Alert>
        )}
        {items.length === 0 && !runs.error && !runs.loading && (
          <Text size="sm" c="dimmed" mt="xs">
            No runs yet: check a file of model outputs, evaluate a model on this set, or run an evolution job that evaluates on it.
          </Text>
        )}
      </Card>
      <EvaluateModelCard set={set} onRun={setRunId} />
      {current && <RunCard key={current.id} run={current} />}
    </Stack>
  );
}

export function Evaluation() {
  const sets = useApi('eval.listSets', {}, { refreshOn: ['eval.changed'] });
  const [selected, setSelected] = useState<number | null>(null);
  const items = sets.data?.items ?? [];
  const current = items.find((s) => s.id === selected) ?? (items.length === 1 ? items[0] : undefined);
  return (
    <Stack>
      <ViewHeader title="Evaluation" description="Held-out accuracy by category, BFCL-compatible." />
      <ImportCard />
      {sets.error && <Alert color="red">{sets.error.message}</Alert>}
      {items.length === 0 && !sets.loading ? (
        <EmptyState title="No evaluation sets yet">
          Import a BFCL question file with its possible answers, or run an evolution job (it evaluates on the built-in held-out sets), and
          per-category accuracy appears here.
        </EmptyState>
      ) : (
        <Table highlightOnHover data-testid="eval-sets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Set</Table.Th>
              <Table.Th>Items</Table.Th>
              <Table.Th>Categories</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <SelectableRow
                key={s.id}
                selected={current?.id === s.id}
                onSelect={() => setSelected(s.id)}
                data-testid={`eval-set-${s.name}`}
              >
                <Table.Td ff="monospace">{s.name}</Table.Td>
                <Table.Td>{s.itemCount}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {s.categories.map((c) => (
                      <Badge key={c.category} variant="light" tt="none">
                        {c.category} {c.count}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </SelectableRow>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <EvalLeaderboard />
      {current && <SetDetail set={current} />}
      <EvalCompare />
    </Stack>
  );
}
