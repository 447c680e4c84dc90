import { Badge, Group, ScrollArea, Table, Text } from '@mantine/core';
import type { Output } from '../../../../shared/contract';
import { SelectableRow } from '../../components/SelectableRow';

type Tool = Output<'tools.list'>['items'][number];

/** The pool's tools, each with its parameters (filled: required); a row opens the tool. */
export function ToolsTable({ items, selected, onSelect }: { items: Tool[]; selected: number | null; onSelect: (id: number) => void }) {
  return (
    <ScrollArea.Autosize mah="70vh">
      <Table highlightOnHover data-testid="tools-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Parameters</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <SelectableRow key={t.id} selected={selected === t.id} onSelect={() => onSelect(t.id)}>
              <Table.Td>
                <Text ff="monospace" size="sm" fw={600}>
                  {t.name}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {t.description}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {t.params.map((p) => (
                    <Badge key={p.name} size="xs" tt="none" variant={p.required ? 'filled' : 'outline'}>
                      {p.name}: {p.type}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </SelectableRow>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
