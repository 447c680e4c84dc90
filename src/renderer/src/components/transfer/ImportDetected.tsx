import { Badge, Group, Select, Stack, Table, Text } from '@mantine/core';
import type { DataFormat, DetectResult } from '../../../../shared/contract/formats';
import { useApi } from '../../api/client';
import { ImportProblemList } from './ImportProblemList';

/** The detected format (which the person may change), the first records as they will be read, and their problems. */
export function ImportDetected({
  detected,
  format,
  onFormat,
}: {
  detected: DetectResult;
  format: DataFormat | null;
  onFormat: (format: DataFormat) => void;
}) {
  const formats = useApi('formats.list', {});
  const files = detected.files.length;
  return (
    <Stack gap="xs" data-testid="import-detected">
      <Group>
        <Text>Detected:</Text>
        <Badge data-testid="import-detected-format">
          {detected.innerFormat ? `${detected.format} of ${detected.innerFormat}` : detected.format}
        </Badge>
        <Text size="sm" c="dimmed">
          fits {(detected.confidence * 100).toFixed(0)} % · {files} file{files === 1 ? '' : 's'}
        </Text>
        <Select
          aria-label="Format"
          size="xs"
          value={format}
          onChange={(v) => onFormat(v as DataFormat)}
          data={(formats.data?.items ?? []).filter((f) => f.id !== 'hf').map((f) => ({ value: f.id, label: f.label }))}
        />
      </Group>
      <Table fz="xs" striped data-testid="import-preview">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>line</Table.Th>
            <Table.Th>category</Table.Th>
            <Table.Th>query</Table.Th>
            <Table.Th>output</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {detected.preview.map((p) => (
            <Table.Tr key={`${p.file}:${p.line}:${p.output}`}>
              <Table.Td>{p.line}</Table.Td>
              <Table.Td>{p.category}</Table.Td>
              <Table.Td>{p.query}</Table.Td>
              <Table.Td ff="monospace">{p.output}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ImportProblemList problems={detected.problems} total={detected.problems.length} />
    </Stack>
  );
}
