import { Button, Card, Code, ScrollArea, Stack, Text, Title } from '@mantine/core';
import type { CatalogEntry, ModelDownloadEvent } from '../../../../shared/contract/models';
import { formatBytes, formatParams } from '../../../../shared/format';
import { DataTable } from '../../ui/DataTable';
import { DownloadBar } from './DownloadBar';

type Entry = CatalogEntry & { modelId: number | null };

interface CatalogActions {
  onPull: (name: string) => void;
  onCancel: (name: string) => void;
  onSelect: (id: number) => void;
}

/** A catalog row's last cell: Download, its progress and Cancel, or the pulled model. */
function PullCell({
  entry,
  download,
  onPull,
  onCancel,
  onSelect,
}: { entry: Entry; download: ModelDownloadEvent | undefined } & CatalogActions) {
  const d = download;
  if (d?.state === 'downloading')
    return (
      <Stack gap={2} data-testid="catalog-progress">
        <DownloadBar d={d} />
        <Button size="compact-xs" variant="subtle" color="red" onClick={() => onCancel(entry.name)} data-testid="catalog-cancel">
          Cancel
        </Button>
      </Stack>
    );
  if (entry.modelId !== null)
    return (
      <Button size="compact-xs" variant="light" color="teal" onClick={() => onSelect(entry.modelId!)}>
        Pulled — show
      </Button>
    );
  return (
    <Stack gap={2}>
      <Button size="compact-xs" onClick={() => onPull(entry.name)} data-testid={`catalog-download-${entry.name}`}>
        Download
      </Button>
      {d && d.state !== 'done' && (
        <Text fz="xs" c={d.state === 'cancelled' ? 'dimmed' : 'red'}>
          {d.state === 'cancelled' ? 'cancelled' : d.error}
        </Text>
      )}
    </Stack>
  );
}

/** The recommended models (resources/models/catalog.json): one Download button each, progress and Cancel in place. */
export function CatalogCard({
  items,
  downloads,
  ...actions
}: { items: Entry[]; downloads: Record<string, ModelDownloadEvent> } & CatalogActions) {
  return (
    <Card withBorder p={0} data-testid="catalog">
      <Title order={5} p="sm" pb={0}>
        Recommended models
      </Title>
      <ScrollArea>
        <DataTable
          data-testid="catalog-table"
          rows={items}
          rowKey={(e) => e.name}
          rowProps={(e) => ({ 'data-testid': `catalog-row-${e.name}` })}
          columns={[
            {
              key: 'model',
              header: 'Model',
              cell: (e) => (
                <>
                  <Text fz="sm">{e.title}</Text>
                  <Text fz="xs" c="dimmed">
                    {e.name}
                  </Text>
                </>
              ),
            },
            { key: 'parameters', header: 'Parameters', cell: (e) => formatParams(e.parameters) },
            { key: 'size', header: 'Size', cell: (e) => `~${formatBytes(e.sources[0]?.sizeBytes ?? e.approxSizeBytes)}` },
            { key: 'licence', header: 'Licence', cell: (e) => e.licence },
            { key: 'calls', header: 'Calls', cell: (e) => <Code>{e.callFormat}</Code> },
            { key: 'pull', header: null, td: { miw: 180 }, cell: (e) => <PullCell entry={e} download={downloads[e.name]} {...actions} /> },
          ]}
        />
      </ScrollArea>
    </Card>
  );
}
