import { NumberInput, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useApi } from '../../api/client';
import { ThreadsInput } from '../../ui/ThreadsInput';
import type { AcceptRule, EvolveForm, Trainer } from './evolve-form';

export interface FieldsProps {
  value: EvolveForm;
  set: (patch: Partial<EvolveForm>) => void;
}

/** Pool, trainer, rounds, k, the per-round budgets, threads and the accept rule. */
export function BudgetFields({ value, set }: FieldsProps) {
  const threadsChoice = useApi('workspace.threads', {});
  return (
    <SimpleGrid cols={2}>
      <TextInput label="Tool pool" value={value.pool} onChange={(e) => set({ pool: e.currentTarget.value })} />
      <Select
        label="Trainer"
        data={[
          { value: 'native', label: 'native (llama.cpp, last block + output)' },
          { value: 'python', label: 'python (LoRA; needs the trainer set up)' },
          { value: 'command', label: 'command (external trainer)' },
        ]}
        value={value.backend}
        onChange={(v) => v && set({ backend: v as Trainer })}
        allowDeselect={false}
      />
      <NumberInput label="Rounds" min={1} max={50} value={value.rounds} onChange={(v) => set({ rounds: Number(v) || 1 })} />
      <NumberInput label="k samples per query" min={1} max={64} value={value.k} onChange={(v) => set({ k: Number(v) || 1 })} />
      <NumberInput label="Labelled queries per round" min={0} value={value.imports} onChange={(v) => set({ imports: Number(v) || 0 })} />
      <NumberInput
        label="New model-written queries per round"
        min={0}
        value={value.generated}
        onChange={(v) => set({ generated: Number(v) || 0 })}
      />
      <NumberInput
        label="Evaluation items per set (0: all)"
        min={0}
        value={value.evalLimit}
        onChange={(v) => set({ evalLimit: Number(v) || 0 })}
        data-testid="evolve-eval-limit"
      />
      <ThreadsInput
        label="Generation threads"
        auto={threadsChoice.data?.generation}
        value={value.threads}
        onChange={(threads) => set({ threads })}
        description={threadsChoice.data?.reason}
        testId="evolve-threads"
      />
      <ThreadsInput
        label="Training threads"
        auto={threadsChoice.data?.training}
        value={value.trainThreads}
        onChange={(trainThreads) => set({ trainThreads })}
        testId="evolve-train-threads"
      />
      <Select
        label="Accept a round when"
        data={[
          { value: 'tolerance', label: 'it does not regress beyond 0.5 points' },
          { value: 'significant', label: 'its gain is significant (McNemar, 95 %)' },
        ]}
        value={value.acceptRule}
        onChange={(v) => v && set({ acceptRule: v as AcceptRule })}
        allowDeselect={false}
        data-testid="evolve-accept-rule"
      />
    </SimpleGrid>
  );
}
