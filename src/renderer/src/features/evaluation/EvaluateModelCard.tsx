import { Alert, Button, Card, Group, NumberInput, Select, Title } from '@mantine/core';
import { useState } from 'react';
import type { EvalSetSummary } from '../../../../shared/contract/eval';
import { useApi } from '../../api/client';
import { EvalJobStatus } from './EvalJobStatus';
import { useEvalJob } from './useEvalJob';

const positive = (value: number | string) => (typeof value === 'number' && value > 0 ? value : undefined);

/** Evaluate a registered model on this set, as a job that can be followed and cancelled here (the unfinished run is then removed). */
export function EvaluateModelCard({ set, onRun }: { set: EvalSetSummary; onRun: (runId: number) => void }) {
  const models = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const threadsChoice = useApi('workspace.threads', {});
  const [model, setModel] = useState<string | null>(null);
  const [limit, setLimit] = useState<number | string>('');
  const [maxTokens, setMaxTokens] = useState<number | string>(256);
  // Empty: a loaded model keeps its threads, one loaded for the job gets the default (Settings, else the cores free).
  const [threads, setThreads] = useState<number | string>('');
  const { job, start, cancel } = useEvalJob(set.id, onRun);

  const evaluate = () => {
    if (!model) return;
    const chosen = positive(threads);
    void start.run({
      model: Number(model),
      limit: positive(limit),
      sampling: { temperature: 0, maxTokens: positive(maxTokens) ?? 256 },
      ...(chosen ? { threads: chosen } : {}),
    });
  };
  const choices = (models.data?.items ?? []).filter((m) => m.kind !== 'adapter').map((m) => ({ value: String(m.id), label: m.name }));
  const running = job?.running ?? false;
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
        <Button size="sm" onClick={evaluate} loading={start.busy} disabled={!model || running} data-testid="evaluate-model-start">
          Evaluate
        </Button>
      </Group>
      {start.error && (
        <Alert color="red" mt="xs" withCloseButton onClose={start.clearError}>
          {start.error}
        </Alert>
      )}
      {job && <EvalJobStatus job={job} onCancel={() => void cancel.run(job.id)} />}
    </Card>
  );
}
