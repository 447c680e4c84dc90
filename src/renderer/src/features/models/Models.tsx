import { Alert, Button, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ModelDownloadEvent } from '../../../../shared/contract/models';
import { useApi, useClient, useEvent } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { DataTransferButtons, ModelExportButton } from '../../components/ExportDialog';
import { ViewHeader } from '../../components/ViewHeader';
import { useAction } from '../../ui/useAction';
import { CatalogCard } from './CatalogCard';
import { DownloadCard } from './DownloadCard';
import { ImportModelCard } from './ImportModelCard';
import { LineageTree } from './LineageTree';
import { ModelDetails } from './ModelDetails';
import { ModelsTable } from './ModelsTable';
import { RuntimeCard } from './RuntimeCard';

export function Models() {
  const client = useClient();
  const list = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const runtime = useApi('models.runtime', {}, { refreshOn: ['models.runtime'] });
  const partial = useApi('models.downloads', {}, { refreshOn: ['models.changed'] });
  const catalog = useApi('models.catalog', {}, { refreshOn: ['models.changed'] });
  const catalogNames = new Set((catalog.data?.items ?? []).map((e) => e.name));
  const [selected, setSelected] = useState<number | null>(null);
  const [downloads, setDownloads] = useState<Record<string, ModelDownloadEvent>>({});

  useEvent('models.download', (e) => {
    setDownloads((all) => ({ ...all, [e.ref]: e }));
    if (e.state !== 'downloading') partial.reload();
  });

  const select = <T extends { id: number }>(model: T): T => {
    setSelected(model.id);
    return model;
  };
  const starter = useAction(() => client.call('models.createStarter', {}).then(select), { inline: true });
  const importer = useAction((file: string) => client.call('models.import', { file }).then(select), { inline: true });
  const loader = useAction(
    (id: number | null) => (id === null ? client.call('models.unload', {}) : client.call('models.load', { model: id })),
    {
      inline: true,
    },
  );
  // A cancelled pull is no failure: its row says so.
  const puller = useAction((ref: string) => client.call('models.pull', { ref }).then(({ model }) => select(model)), {
    inline: true,
    ignore: (e) => /cancelled/i.test(e.message),
  });
  const actions = [starter, importer, loader, puller];
  const error = actions.map((a) => a.error).find((e) => e !== null) ?? null;
  const pull = (ref: string) => void puller.run(ref);
  const cancelPull = (ref: string) => void client.call('models.cancelPull', { ref });

  const models = list.data?.items ?? [];
  const current = models.find((m) => m.id === selected) ?? null;
  const loadedId = runtime.data?.loaded?.modelId ?? null;
  // Catalog pulls show in the catalog's own rows.
  const byRef = Object.values(downloads).filter((d) => !catalogNames.has(d.ref));
  const resumable = (partial.data?.items ?? []).filter((p) => !p.active && p.ref && !downloads[p.ref]?.state.match(/downloading/));

  return (
    <Stack>
      <ViewHeader
        title="Models"
        description="The base models, their evolved descendants and their lineage."
        actions={
          <>
            <Button variant="light" onClick={() => void starter.run()} loading={starter.busy} data-testid="create-starter">
              Create starter model
            </Button>
            <ModelExportButton model={current?.name ?? null} />
            <DataTransferButtons />
          </>
        }
      />
      {error && (
        <Alert color="red" withCloseButton onClose={() => actions.forEach((a) => a.clearError())} data-testid="models-error">
          {error}
        </Alert>
      )}
      <RuntimeCard runtime={runtime.data} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ImportModelCard busy={importer.busy} onImport={importer.run} />
        <DownloadCard
          downloads={byRef}
          resumable={resumable}
          onPull={pull}
          onCancel={cancelPull}
          onDiscard={(ref) => void client.call('models.cancelPull', { ref, discard: true }).then(() => partial.reload())}
        />
      </SimpleGrid>
      {catalog.error && (
        <Alert color="red" data-testid="catalog-error">
          {catalog.error.message}
        </Alert>
      )}
      {catalog.data && catalog.data.items.length > 0 && (
        <CatalogCard items={catalog.data.items} downloads={downloads} onPull={pull} onCancel={cancelPull} onSelect={setSelected} />
      )}
      {list.data && models.length === 0 && (
        <EmptyState title="No models yet">
          Import a GGUF model, download one, or create the starter model; models trained by evolution rounds appear here with their lineage.
        </EmptyState>
      )}
      {models.length > 0 && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Stack>
            <ModelsTable models={models} selected={selected} loadedId={loadedId} onSelect={setSelected} />
            <Card withBorder data-testid="lineage-tree">
              <Title order={5} mb="xs">
                Lineage
              </Title>
              <LineageTree models={models} selected={selected} onSelect={setSelected} />
            </Card>
          </Stack>
          {current ? (
            <ModelDetails
              model={current}
              loadedId={loadedId}
              busy={loader.busy}
              onLoad={() => void loader.run(current.id)}
              onUnload={() => void loader.run(null)}
            />
          ) : (
            <Card withBorder>
              <Text c="dimmed" fz="sm">
                Select a model to see what it is, load it, or follow its lineage.
              </Text>
            </Card>
          )}
        </SimpleGrid>
      )}
    </Stack>
  );
}
