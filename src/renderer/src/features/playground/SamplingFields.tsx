import { Group, NumberInput } from '@mantine/core';
import { PLAYGROUND_LIMITS } from '../../../../shared/contract/playground';
import type { FormProps } from './SettingsForm';

/** Token limit, temperature, refinements and (for a local model) threads. */
export function SamplingFields({ value, set }: FormProps) {
  return (
    <>
      <Group grow>
        <NumberInput
          label="Max tokens"
          min={1}
          max={PLAYGROUND_LIMITS.maxTokens}
          value={value.maxTokens}
          onChange={(v) => set({ maxTokens: typeof v === 'number' ? v : 256 })}
        />
        <NumberInput
          label="Temperature"
          min={0}
          max={2}
          step={0.1}
          decimalScale={2}
          value={value.temperature}
          onChange={(v) => set({ temperature: typeof v === 'number' ? v : 0 })}
        />
      </Group>
      <Group grow>
        <NumberInput
          label="Refinements"
          min={0}
          max={PLAYGROUND_LIMITS.maxRefinements}
          value={value.maxRefinements}
          onChange={(v) => set({ maxRefinements: typeof v === 'number' ? v : 0 })}
        />
        {value.backendKind === 'local' && (
          <NumberInput
            label="Threads"
            description="when loading"
            min={1}
            max={256}
            value={value.threads}
            onChange={(v) => set({ threads: typeof v === 'number' ? v : '' })}
          />
        )}
      </Group>
    </>
  );
}
