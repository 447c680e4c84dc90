import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ExportFormat, ExportResult, ModelExportResult } from '../../../shared/contract/formats';
import type { SampleStatus } from '../../../shared/contract/samples';
import { useApi, useClient } from '../api/client';
import { ImportDialog } from './ImportDialog';

function Files({ files, out, unit }: { files: { file: string; records?: number; bytes?: number }[]; out: string; unit: 'records' | 'bytes' }) {
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

/** Export of a selection of invocation samples as training or evaluation data. */
export function ExportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const formats = useApi('formats.list', {});
  const [format, setFormat] = useState<ExportFormat>('openai');
  const [out, setOut] = useState('');
  const [status, setStatus] = useState<string[]>(['accepted', 'edited']);
  const [name, setName] = useState('toolsmith');
  const [license, setLicense] = useState('other');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const info = formats.data?.items.find((f) => f.id === format);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await client.call('formats.export', {
          format,
          out,
          name,
          license,
          filter: { subtask: 'invocation', ...(status.length ? { status: status as SampleStatus[] } : {}) },
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Export samples" size="lg">
      <Stack>
        <Select
          label="Format"
          value={format}
          onChange={(v) => v && setFormat(v as ExportFormat)}
          data={(formats.data?.items ?? []).map((f) => ({ value: f.id, label: f.label }))}
          description={info ? `Writes ${info.writes}` : undefined}
          data-testid="export-format"
        />
        <MultiSelect label="Status" value={status} onChange={setStatus} data={['candidate', 'accepted', 'edited', 'rejected']} placeholder="any status" />
        <TextInput label="Folder" placeholder="/data/export" value={out} onChange={(e) => setOut(e.currentTarget.value)} data-testid="export-out" />
        <Group grow>
          <TextInput label="Dataset name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          {format === 'hf' && <TextInput label="Licence" value={license} onChange={(e) => setLicense(e.currentTarget.value)} />}
        </Group>
        {result && (
          <Alert color="teal" title={`${result.samples.toLocaleString()} samples exported`} data-testid="export-result">
            <Files files={result.files} out={result.out} unit="records" />
            {result.skippedCount > 0 && (
              <Text size="xs" c="dimmed">
                {result.skippedCount} skipped, e.g. #{result.skipped[0]?.id}: {result.skipped[0]?.reason}
              </Text>
            )}
          </Alert>
        )}
        {error && (
          <Alert color="red" title="Cannot export">
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

/** Export of one registry model: its GGUF (or LoRA adapter), an Ollama Modelfile and a model card. */
export function ModelExportDialog({ model, opened, onClose }: { model: string | null; opened: boolean; onClose: () => void }) {
  const client = useClient();
  const [out, setOut] = useState('');
  const [ollama, setOllama] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ModelExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (!model) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await client.call('formats.exportModel', { model, out, ollama }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Export model ${model ?? ''}`}>
      <Stack>
        <TextInput label="Folder" placeholder="/models/export" value={out} onChange={(e) => setOut(e.currentTarget.value)} />
        <Switch label="Ollama Modelfile (FROM + ADAPTER + TEMPLATE)" checked={ollama} onChange={(e) => setOllama(e.currentTarget.checked)} />
        {result && (
          <Alert color="teal" title={result.base ? `LoRA adapter for ${result.base.name}` : 'Exported'}>
            <Files files={result.files} out={result.out} unit="bytes" />
          </Alert>
        )}
        {error && (
          <Alert color="red" title="Cannot export">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={run} loading={busy} disabled={!out.trim() || !model}>
            Export
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Import and Export buttons for a view's header (Samples, Datasets). */
export function DataTransferButtons() {
  const [open, setOpen] = useState<'import' | 'export' | null>(null);
  return (
    <>
      <Button variant="default" onClick={() => setOpen('import')} data-testid="open-import">
        Import…
      </Button>
      <Button variant="default" onClick={() => setOpen('export')} data-testid="open-export">
        Export…
      </Button>
      <ImportDialog opened={open === 'import'} onClose={() => setOpen(null)} />
      <ExportDialog opened={open === 'export'} onClose={() => setOpen(null)} />
    </>
  );
}
