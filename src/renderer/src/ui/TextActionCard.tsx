import { Button, Card, Group, TextInput, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';

/**
 * A card with a title, one text field and the button that acts on it (a download reference, a path). The
 * field is cleared when `onSubmit` says the action was taken (resolves to anything but `false`/`undefined`).
 */
export function TextActionCard(props: {
  title: string;
  label: string;
  placeholder: string;
  action: string;
  busy?: boolean;
  /** data-testid of the field and of the button. */
  testIds: { input: string; button: string };
  onSubmit: (value: string) => unknown;
  children?: ReactNode;
}) {
  const [value, setValue] = useState('');
  const submit = async () => {
    const taken: unknown = await props.onSubmit(value.trim());
    if (taken !== undefined && taken !== false) setValue('');
  };
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        {props.title}
      </Title>
      <Group align="flex-end" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label={props.label}
          placeholder={props.placeholder}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          data-testid={props.testIds.input}
        />
        <Button disabled={!value.trim()} loading={props.busy} onClick={() => void submit()} data-testid={props.testIds.button}>
          {props.action}
        </Button>
      </Group>
      {props.children}
    </Card>
  );
}
