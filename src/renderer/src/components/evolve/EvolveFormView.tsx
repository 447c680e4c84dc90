import { Alert, Button, Group, Select, Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi, useClient } from '../../api/client';
import { BudgetFields } from './BudgetFields';
import { formFromPreset, startInputOf, type EvolveForm, type EvolvePreset } from './evolve-form';
import { MixFields } from './MixFields';

/**
 * The Evolve form: model, pool, backend, rounds, k, sub-task mix and budgets (method.md's defaults), which
 * starts an `evolution.run` job. Everything else keeps its default and is recorded with each round.
 */
export function EvolveFormView({ onDone, preset }: { onDone: () => void; preset: EvolvePreset }) {
  const client = useClient();
  const navigate = useNavigate();
  const models = useApi('models.list', {});
  const [form, setForm] = useState<EvolveForm>(() => formFromPreset(preset));
  const set = (patch: Partial<EvolveForm>) => setForm((f) => ({ ...f, ...patch }));
  const [error, setError] = useState<string | null>(null);
  const usable = (models.data?.items ?? []).filter((m) => m.kind !== 'adapter');
  const start = async () => {
    setError(null);
    try {
      const result = await client.call('evolution.start', startInputOf(form, preset));
      notifications.show({ message: `Evolution run ${result.runId} started (job ${result.jobId}).` });
      onDone();
      navigate('/jobs');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Stack>
      <Select
        label="Model"
        placeholder={usable.length ? 'Pick the model to evolve' : 'No model yet: create the starter model in Models'}
        data={usable.map((m) => ({ value: String(m.id), label: `${m.name} (${m.kind})` }))}
        value={form.modelId}
        onChange={(modelId) => set({ modelId })}
        data-testid="evolve-model"
      />
      <BudgetFields value={form} set={set} />
      <MixFields value={form} set={set} />
      <Switch
        label="Targeted synthesis (new queries where the last evaluation failed)"
        checked={form.targeted}
        onChange={(e) => set({ targeted: e.currentTarget.checked })}
      />
      <Switch
        label="Wait for me to curate each round before selection"
        checked={form.waitForCuration}
        onChange={(e) => set({ waitForCuration: e.currentTarget.checked })}
      />
      {error && (
        <Alert color="red" title="Cannot start">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void start()} disabled={!form.modelId} data-testid="evolve-start">
          Start
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
