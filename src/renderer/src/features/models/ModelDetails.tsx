import { Button, Card, Code, Group, ScrollArea, Table, Text, Title } from '@mantine/core';
import type { Model } from '../../../../shared/contract/models';
import { formatBytes, formatParams } from '../../../../shared/format';
import { useApi } from '../../api/client';

/** What a model is (its facts, ancestry and chat template), with Load / Unload. */
export function ModelDetails({
  model,
  loadedId,
  onLoad,
  onUnload,
  busy,
}: {
  model: Model;
  loadedId: number | null;
  onLoad: () => void;
  onUnload: () => void;
  busy: boolean;
}) {
  const lineage = useApi('models.lineage', { model: model.id }, { deps: [model.id], refreshOn: ['models.changed'] });
  const facts: [string, string][] = [
    ['Architecture', model.architecture ?? '—'],
    ['Parameters', formatParams(model.parameters)],
    ['Quantisation', model.quantization ?? '—'],
    ['Context', model.contextLength ? `${model.contextLength.toLocaleString()} tokens` : '—'],
    ['Size', formatBytes(model.sizeBytes)],
    ['Kind', model.kind],
    ['File', model.path],
    ['Adapter', model.adapterFile ?? '—'],
    ['Trainer', model.trainer ?? '—'],
    ['Source', typeof model.metadata.source === 'string' ? model.metadata.source : '—'],
    [
      'Template',
      `${model.chatTemplate ? 'own' : 'fallback'} · ${typeof model.metadata.templateHash === 'string' ? model.metadata.templateHash : '—'}`,
    ],
    ['SHA-256', model.sha256 ? `${model.sha256.slice(0, 16)}…` : '—'],
  ];
  const loaded = loadedId === model.id;
  return (
    <Card withBorder data-testid="model-details">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{model.name}</Title>
        {loaded ? (
          <Button size="xs" variant="light" color="orange" onClick={onUnload} loading={busy} data-testid="model-unload">
            Unload
          </Button>
        ) : (
          <Button size="xs" onClick={onLoad} loading={busy} disabled={model.kind === 'adapter'} data-testid="model-load">
            Load
          </Button>
        )}
      </Group>
      <Table fz="sm" withRowBorders={false}>
        <Table.Tbody>
          {facts.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td c="dimmed" w={120}>
                {k}
              </Table.Td>
              <Table.Td data-testid={`model-fact-${k.toLowerCase()}`} style={{ wordBreak: 'break-all' }}>
                {v}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {lineage.data && (lineage.data.ancestors.length > 0 || lineage.data.descendants.length > 0) && (
        <Text fz="sm" mt="sm" data-testid="model-ancestry">
          {[...lineage.data.ancestors].reverse().map((a) => `${a.name} → `)}
          <b>{model.name}</b>
          {lineage.data.descendants.length > 0 &&
            ` → ${lineage.data.descendants.length} descendant${lineage.data.descendants.length === 1 ? '' : 's'}`}
        </Text>
      )}
      {model.chatTemplate && (
        <>
          <Text fz="sm" c="dimmed" mt="sm">
            Chat template
          </Text>
          <ScrollArea.Autosize mah={160} viewportProps={{ tabIndex: 0, 'aria-label': 'Chat template' }}>
            <Code block fz="xs">
              {model.chatTemplate}
            </Code>
          </ScrollArea.Autosize>
        </>
      )}
    </Card>
  );
}
