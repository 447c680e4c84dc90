import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { EvalSetSummary } from '../../../../shared/contract/eval';
import { accuracyWithCount } from '../../../../shared/format';
import { useApi, useClient } from '../../api/client';
import { useAction } from '../../ui/useAction';
import { readOutputs } from './bfcl-files';
import { EvaluateModelCard } from './EvaluateModelCard';
import { RunCard } from './RunCard';

/** One evaluation set: check a file of outputs against it, evaluate a model on it, and its runs. */
export function SetDetail({ set }: { set: EvalSetSummary }) {
  const client = useClient();
  const runs = useApi('eval.runs', { set: set.id }, { deps: [set.id], refreshOn: ['eval.changed'] });
  const [runId, setRunId] = useState<number | null>(null);
  const items = runs.data?.items ?? [];
  useEffect(() => setRunId(null), [set.id]);
  const current = items.find((r) => r.id === runId) ?? items[0];
  const check = useAction(
    async (file: File) => {
      const { run } = await client.call('eval.check', { set: set.id, outputs: await readOutputs(file), label: file.name });
      setRunId(run.id);
    },
    { inline: true },
  );

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
              disabled={check.busy}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void check.run(file);
                e.currentTarget.value = '';
              }}
            />
          </label>
        </Group>
        {check.error && (
          <Alert color="red" mt="xs">
            {check.error}
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
