import { Table } from '@mantine/core';

/** Labels for the settings that travel with samples and runs; other keys are spelt out from their name. */
const LABELS: Record<string, string> = {
  temperature: 'Temperature',
  maxTokens: 'Max tokens',
  topP: 'Top p',
  topK: 'Top k',
  seed: 'Seed',
  k: 'Samples drawn (k)',
  promptVersion: 'Prompt version',
  model: 'Model',
  backend: 'Backend',
  format: 'Format',
};

/** `maxTokens` → "Max tokens", `eval_mode` → "Eval mode". */
export function labelOf(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${labelOf(k).toLowerCase()} ${valueText(v)}`)
    .join(', ');
}

/** An object's fields as a two-column table of labels and values, wrapping (never a raw JSON line). */
export function LabelledFields({ value, testId }: { value: unknown; testId?: string }) {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
  if (entries.length === 0) return null;
  return (
    <Table fz="sm" withRowBorders={false} verticalSpacing={2} horizontalSpacing="xs" data-testid={testId} layout="fixed">
      <Table.Tbody>
        {entries.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th w="40%" fw={500} c="dimmed">
              {labelOf(k)}
            </Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{valueText(v)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
