import { Badge, Card, Group, Text } from '@mantine/core';
import type { Model } from '../../../../shared/contract/models';
import { formatBytes, formatParams } from '../../../../shared/format';
import { DataTable } from '../../ui/DataTable';

/** The registered models; a click opens one's details. */
export function ModelsTable(props: { models: Model[]; selected: number | null; loadedId: number | null; onSelect: (id: number) => void }) {
  return (
    <Card withBorder p={0}>
      <DataTable
        highlightOnHover
        data-testid="models-table"
        rows={props.models}
        rowKey={(m) => m.id}
        onRowClick={(m) => props.onSelect(m.id)}
        isSelected={(m) => m.id === props.selected}
        rowProps={(m) => ({ 'data-testid': `model-row-${m.name}` })}
        columns={[
          {
            key: 'name',
            header: 'Name',
            cell: (m) => (
              <Group gap={6}>
                <Text fz="sm">{m.name}</Text>
                {m.id === props.loadedId && (
                  <Badge size="xs" color="teal.9">
                    loaded
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'architecture', header: 'Architecture', cell: (m) => m.architecture ?? '—' },
          { key: 'parameters', header: 'Parameters', cell: (m) => formatParams(m.parameters) },
          { key: 'quant', header: 'Quant.', cell: (m) => m.quantization ?? '—' },
          { key: 'size', header: 'Size', cell: (m) => formatBytes(m.sizeBytes) },
        ]}
      />
    </Card>
  );
}
