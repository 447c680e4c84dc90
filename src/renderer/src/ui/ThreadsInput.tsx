import { NumberInput } from '@mantine/core';

/**
 * A thread count, empty for "auto": the placeholder says what the engine would choose now (`auto`, from
 * `workspace.threads`), so leaving it empty is an informed choice.
 */
export function ThreadsInput(props: {
  label: string;
  auto: number | undefined;
  value: number | '';
  onChange: (value: number | '') => void;
  description?: string;
  w?: number;
  testId: string;
}) {
  return (
    <NumberInput
      label={props.label}
      min={1}
      max={256}
      placeholder={props.auto !== undefined ? `auto (${props.auto})` : 'auto'}
      value={props.value}
      onChange={(v) => props.onChange(v === '' ? '' : Number(v) || 1)}
      description={props.description}
      w={props.w}
      data-testid={props.testId}
    />
  );
}
