import { Table } from '@mantine/core';

/** The files an export wrote, relative to its folder, with their records or bytes. */
export function ExportedFiles({
  files,
  out,
  unit,
}: {
  files: { file: string; records?: number; bytes?: number }[];
  out: string;
  unit: 'records' | 'bytes';
}) {
  return (
    <Table fz="xs" data-testid="export-files">
      <Table.Tbody>
        {files.map((f) => (
          <Table.Tr key={f.file}>
            <Table.Td ff="monospace">{f.file.startsWith(out) ? f.file.slice(out.length + 1) : f.file}</Table.Td>
            <Table.Td>
              {(unit === 'records' ? f.records : f.bytes)?.toLocaleString()} {unit}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
