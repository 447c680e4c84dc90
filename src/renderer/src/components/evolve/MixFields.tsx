import { NumberInput, SimpleGrid, Text } from '@mantine/core';
import type { FieldsProps } from './BudgetFields';
import type { EvolveForm } from './evolve-form';

const PARTS: { key: keyof EvolveForm['mix']; label: string }[] = [
  { key: 'invocation', label: 'Invocation' },
  { key: 'toolGeneration', label: 'Tool generation' },
  { key: 'docAdaption', label: 'Doc adaption' },
];

/** The share of each sub-task in a round's new samples. */
export function MixFields({ value, set }: FieldsProps) {
  return (
    <>
      <Text size="sm" fw={600}>
        Sub-task mix
      </Text>
      <SimpleGrid cols={3}>
        {PARTS.map(({ key, label }) => (
          <NumberInput
            key={key}
            label={label}
            min={0}
            max={1}
            step={0.05}
            decimalScale={2}
            value={value.mix[key]}
            onChange={(v) => set({ mix: { ...value.mix, [key]: Number(v) || 0 } })}
          />
        ))}
      </SimpleGrid>
    </>
  );
}
