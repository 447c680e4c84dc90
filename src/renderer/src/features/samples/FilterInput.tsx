import { MultiSelect, Select, TextInput } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import type { Output } from '../../../../shared/contract';
import type { ChoiceField, FilterField, TextField } from './filter-fields';
import type { FilterState } from './filter-url';
import { useSettledText } from './useSettledText';

interface Props<F extends FilterField> {
  field: F;
  state: FilterState;
  set: (patch: Partial<FilterState>) => void;
}

function SettledTextInput({ field, state, set, onDone }: Props<TextField> & { onDone: () => void }) {
  const [text, setText, send] = useSettledText(field.read(state), field.delay, (t) => set(field.patch(t)));
  // Enter hands on what was typed at once (no wait for the pause), then the list has the keys.
  const leave = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' && event.key !== 'Escape') return;
    event.preventDefault();
    send();
    onDone();
  };
  return (
    <TextInput
      label={field.label}
      placeholder={field.placeholder}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onKeyDown={leave}
      data-testid={field.testId}
    />
  );
}

function ChoiceInput({ field, state, set, rounds }: Props<ChoiceField> & { rounds: Output<'evolution.rounds'>['items'] }) {
  const common = {
    label: field.label,
    data: field.options(state, rounds),
    disabled: field.disabled?.(state),
    'data-testid': field.testId,
    ...(field.required ? {} : { clearable: true, placeholder: field.placeholder ?? 'All' }),
  };
  const value = field.read(state);
  if (field.kind === 'multi') return <MultiSelect {...common} value={value as string[]} onChange={(v) => set(field.patch(v))} />;
  return (
    <Select
      {...common}
      value={value as string | null}
      onChange={(v) => (v !== null || !field.required) && set(field.patch(v))}
      allowDeselect={field.required ? false : undefined}
    />
  );
}

/** One filter of the Samples view, drawn from its description in `FILTER_ROWS`. */
export function FilterInput({
  rounds,
  onDone,
  ...props
}: Props<FilterField> & { rounds: Output<'evolution.rounds'>['items']; onDone: () => void }) {
  const { field } = props;
  if (field.kind === 'text') return <SettledTextInput {...props} field={field} onDone={onDone} />;
  return <ChoiceInput {...props} field={field} rounds={rounds} />;
}
