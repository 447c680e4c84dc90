import { Alert, Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Input } from '../../../shared/contract';
import { useApi, useClient } from '../api/client';

/**
 * What the form starts from: method.md's defaults unless a caller (the first-run guide) gives smaller
 * budgets. `extra` settings have no field here; they are sent as given and recorded with each round.
 */
export interface EvolvePreset {
  modelId?: number;
  rounds?: number;
  k?: number;
  importsPerRound?: number;
  generatedPerRound?: number;
  evalLimit?: number;
  extra?: Partial<Input<'evolution.start'>>;
}

/**
 * The Evolve form: model, pool, backend, rounds, k, sub-task mix and budgets (method.md's defaults), which
 * starts an `evolution.run` job. Everything else keeps its default and is recorded with each round.
 */
/** Opens the Evolve form; `label` names it where it is the view's main action (Jobs: "New evolution job…"). */
export function EvolveButton({
  preset,
  label = 'Evolve…',
  testId = 'evolve-open',
  size,
}: {
  preset?: EvolvePreset;
  label?: string;
  testId?: string;
  size?: 'xs' | 'sm';
}) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button onClick={() => setOpened(true)} size={size} data-testid={testId}>
        {label}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title="Start a self-evolution run"
        size="lg"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        {opened && <EvolveForm onDone={() => setOpened(false)} preset={preset ?? {}} />}
      </Modal>
    </>
  );
}

function EvolveForm({ onDone, preset }: { onDone: () => void; preset: EvolvePreset }) {
  const client = useClient();
  const navigate = useNavigate();
  const models = useApi('models.list', {});
  const threadsChoice = useApi('workspace.threads', {});
  const [modelId, setModelId] = useState<string | null>(preset.modelId !== undefined ? String(preset.modelId) : null);
  const [pool, setPool] = useState('builtin');
  const [backend, setBackend] = useState<string>('native');
  const [rounds, setRounds] = useState<number>(preset.rounds ?? 3);
  const [k, setK] = useState<number>(preset.k ?? 8);
  const [imports, setImports] = useState<number>(preset.importsPerRound ?? 48);
  const [generated, setGenerated] = useState<number>(preset.generatedPerRound ?? 16);
  const [evalLimit, setEvalLimit] = useState<number>(preset.evalLimit ?? 0);
  // Empty: the engine chooses from the cores free when the job starts (or the workspace's setting).
  const [threads, setThreads] = useState<number | ''>('');
  const [trainThreads, setTrainThreads] = useState<number | ''>('');
  const [mix, setMix] = useState({ invocation: 0.6, toolGeneration: 0.2, docAdaption: 0.2 });
  const [targeted, setTargeted] = useState(true);
  const [waitForCuration, setWaitForCuration] = useState(false);
  const [acceptRule, setAcceptRule] = useState<'tolerance' | 'significant'>('tolerance');
  const [error, setError] = useState<string | null>(null);
  const usable = (models.data?.items ?? []).filter((m) => m.kind !== 'adapter');
  const start = async () => {
    setError(null);
    try {
      const extra = preset.extra ?? {};
      const result = await client.call('evolution.start', {
        ...extra,
        modelId: Number(modelId),
        pool,
        backend: backend as 'native' | 'python' | 'command',
        rounds,
        k,
        importsPerRound: imports,
        generatedPerRound: generated,
        mix,
        targeted,
        curation: waitForCuration ? 'wait' : 'auto',
        acceptRule,
        evalLimit,
        ...(threads !== '' ? { threads } : {}),
        ...(trainThreads !== '' || extra.train
          ? { train: { ...extra.train, ...(trainThreads !== '' ? { threads: trainThreads } : {}) } }
          : {}),
      });
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
        value={modelId}
        onChange={setModelId}
        data-testid="evolve-model"
      />
      <SimpleGrid cols={2}>
        <TextInput label="Tool pool" value={pool} onChange={(e) => setPool(e.currentTarget.value)} />
        <Select
          label="Trainer"
          data={[
            { value: 'native', label: 'native (llama.cpp, last block + output)' },
            { value: 'python', label: 'python (LoRA; needs the trainer set up)' },
            { value: 'command', label: 'command (external trainer)' },
          ]}
          value={backend}
          onChange={(v) => v && setBackend(v)}
          allowDeselect={false}
        />
        <NumberInput label="Rounds" min={1} max={50} value={rounds} onChange={(v) => setRounds(Number(v) || 1)} />
        <NumberInput label="k samples per query" min={1} max={64} value={k} onChange={(v) => setK(Number(v) || 1)} />
        <NumberInput label="Labelled queries per round" min={0} value={imports} onChange={(v) => setImports(Number(v) || 0)} />
        <NumberInput label="New model-written queries per round" min={0} value={generated} onChange={(v) => setGenerated(Number(v) || 0)} />
        <NumberInput
          label="Evaluation items per set (0: all)"
          min={0}
          value={evalLimit}
          onChange={(v) => setEvalLimit(Number(v) || 0)}
          data-testid="evolve-eval-limit"
        />
        <NumberInput
          label="Generation threads"
          min={1}
          max={256}
          placeholder={threadsChoice.data ? `auto (${threadsChoice.data.generation})` : 'auto'}
          value={threads}
          onChange={(v) => setThreads(v === '' ? '' : Number(v) || 1)}
          description={threadsChoice.data?.reason}
          data-testid="evolve-threads"
        />
        <NumberInput
          label="Training threads"
          min={1}
          max={256}
          placeholder={threadsChoice.data ? `auto (${threadsChoice.data.training})` : 'auto'}
          value={trainThreads}
          onChange={(v) => setTrainThreads(v === '' ? '' : Number(v) || 1)}
          data-testid="evolve-train-threads"
        />
        <Select
          label="Accept a round when"
          data={[
            { value: 'tolerance', label: 'it does not regress beyond 0.5 points' },
            { value: 'significant', label: 'its gain is significant (McNemar, 95 %)' },
          ]}
          value={acceptRule}
          onChange={(v) => v && setAcceptRule(v as 'tolerance' | 'significant')}
          allowDeselect={false}
          data-testid="evolve-accept-rule"
        />
      </SimpleGrid>
      <Text size="sm" fw={600}>
        Sub-task mix
      </Text>
      <SimpleGrid cols={3}>
        <NumberInput
          label="Invocation"
          min={0}
          max={1}
          step={0.05}
          decimalScale={2}
          value={mix.invocation}
          onChange={(v) => setMix({ ...mix, invocation: Number(v) || 0 })}
        />
        <NumberInput
          label="Tool generation"
          min={0}
          max={1}
          step={0.05}
          decimalScale={2}
          value={mix.toolGeneration}
          onChange={(v) => setMix({ ...mix, toolGeneration: Number(v) || 0 })}
        />
        <NumberInput
          label="Doc adaption"
          min={0}
          max={1}
          step={0.05}
          decimalScale={2}
          value={mix.docAdaption}
          onChange={(v) => setMix({ ...mix, docAdaption: Number(v) || 0 })}
        />
      </SimpleGrid>
      <Switch
        label="Targeted synthesis (new queries where the last evaluation failed)"
        checked={targeted}
        onChange={(e) => setTargeted(e.currentTarget.checked)}
      />
      <Switch
        label="Wait for me to curate each round before selection"
        checked={waitForCuration}
        onChange={(e) => setWaitForCuration(e.currentTarget.checked)}
      />
      {error && (
        <Alert color="red" title="Cannot start">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void start()} disabled={!modelId} data-testid="evolve-start">
          Start
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
