import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ExportFormat, ExportResult } from '../../../shared/contract/formats';
import { useApi, useClient } from '../api/client';
import { ImportDialog } from './ImportDialog';
import { DEFAULT_EXPORT_CHOICE, exportFilterOf, roundOptionsOf, type ExportChoice } from './transfer/export-filter';
import { ExportFilterFields } from './transfer/ExportFilterFields';
import { ExportResultAlert } from './transfer/ExportResultAlert';
import { ModelExportDialog } from './transfer/ModelExportDialog';
import { PathNote } from './transfer/PathNote';
import { READABLE_TITLE } from './transfer/readable-title';

/** Export of a selection of samples (by status, sub-task, round, category, tag) as training or evaluation data. */
export function ExportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const formats = useApi('formats.list', {});
  const stats = useApi('datasets.stats', {}, { skip: !opened, deps: [opened] });
  const [format, setFormat] = useState<ExportFormat>('openai');
  const [out, setOut] = useState('');
  const [choice, setChoice] = useState<ExportChoice>(DEFAULT_EXPORT_CHOICE);
  const [name, setName] = useState('toolsmith');
  const [license, setLicense] = useState('other');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const info = formats.data?.items.find((f) => f.id === format);

  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await client.call('formats.export', { format, out: out.trim(), name, license, filter: exportFilterOf(choice) }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Export samples" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Select
          label="Format"
          value={format}
          onChange={(v) => v && setFormat(v as ExportFormat)}
          data={(formats.data?.items ?? []).map((f) => ({ value: f.id, label: f.label }))}
          description={info ? `Writes ${info.writes}` : undefined}
          allowDeselect={false}
          data-testid="export-format"
        />
        <ExportFilterFields value={choice} set={(patch) => setChoice((c) => ({ ...c, ...patch }))} rounds={roundOptionsOf(stats.data)} />
        <TextInput
          label="Folder"
          placeholder="/data/export"
          value={out}
          onChange={(e) => setOut(e.currentTarget.value)}
          required
          data-testid="export-out"
        />
        <PathNote what="folder" />
        <Group grow>
          <TextInput label="Dataset name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          {format === 'hf' && <TextInput label="Licence" value={license} onChange={(e) => setLicense(e.currentTarget.value)} />}
        </Group>
        {result && <ExportResultAlert result={result} />}
        {error && (
          <Alert styles={READABLE_TITLE} color="red" title="Cannot export">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={run} loading={busy} disabled={!out.trim()} data-testid="export-run">
            Export
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Import and Export buttons for a view's header (Samples, Datasets). */
export function DataTransferButtons({ size = 'sm' }: { size?: 'xs' | 'sm' }) {
  const [open, setOpen] = useState<'import' | 'export' | null>(null);
  return (
    <>
      <Button variant="default" size={size} onClick={() => setOpen('import')} data-testid="open-import">
        Import…
      </Button>
      <Button variant="default" size={size} onClick={() => setOpen('export')} data-testid="open-export">
        Export…
      </Button>
      <ImportDialog opened={open === 'import'} onClose={() => setOpen(null)} />
      <ExportDialog opened={open === 'export'} onClose={() => setOpen(null)} />
    </>
  );
}

/** "Export model…" for a view's header (Models): exports the selected registry model. */
export function ModelExportButton({ model }: { model: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="default" disabled={!model} onClick={() => setOpen(true)} data-testid="open-model-export">
        Export model…
      </Button>
      <ModelExportDialog model={model} opened={open} onClose={() => setOpen(false)} />
    </>
  );
}
