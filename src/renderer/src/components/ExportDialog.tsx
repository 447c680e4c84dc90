import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ExportFormat, ExportResult, ModelExportResult } from '../../../shared/contract/formats';
import type { SampleFilter, SampleStatus } from '../../../shared/contract/samples';
import { useApi, useClient } from '../api/client';
import { ImportDialog, READABLE_TITLE } from './ImportDialog';

const SUBTASKS = [
  { value: 'invocation', label: 'Invocation' },
  { value: 'tool_generation', label: 'Tool generation' },
  { value: 'doc_adaption', label: 'Doc adaption' },
  { value: 'refinement', label: 'Refinement' },
];
const CATEGORIES = ['simple', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'];
/** Round ids travel as strings in the select; `none` stands for samples from no round (imports, seeds). */
const NO_ROUND = 'none';

/** Where paths are read and written: in a browser, on the machine running Toolsmith's server. */
export function PathNote({ what }: { what: string }) {
  return (
    <Text size="xs" c="dimmed" data-testid="path-note">
      {window.toolsmith
        ? `Type the full path of the ${what} on this computer.`
        : `Type a path on the machine running Toolsmith: its server writes the ${what} there, not into this browser's downloads.`}
    </Text>
  );
}

function Files({
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

/** Export of a selection of samples (by status, sub-task, round, category, tag) as training or evaluation data. */
export function ExportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const formats = useApi('formats.list', {});
  const stats = useApi('datasets.stats', {}, { skip: !opened, deps: [opened] });
  const [format, setFormat] = useState<ExportFormat>('openai');
  const [out, setOut] = useState('');
  const [status, setStatus] = useState<string[]>(['accepted', 'edited']);
  const [subtask, setSubtask] = useState<string | null>('invocation');
  const [rounds, setRounds] = useState<string[]>([]);
  const [category, setCategory] = useState<string[]>([]);
  const [tag, setTag] = useState('');
  const [name, setName] = useState('toolsmith');
  const [license, setLicense] = useState('other');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const info = formats.data?.items.find((f) => f.id === format);
  const roundOptions = [
    ...new Map(
      (stats.data?.subtasks ?? [])
        .flatMap((s) => s.byRound)
        .map(
          (r) =>
            [r.roundId === null ? NO_ROUND : String(r.roundId), r.seq === null ? 'no round (imports, seeds)' : `round ${r.seq}`] as const,
        ),
    ),
  ].map(([value, label]) => ({ value, label }));

  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    const filter: SampleFilter = {};
    if (subtask) filter.subtask = subtask as SampleFilter['subtask'];
    if (status.length) filter.status = status as SampleStatus[];
    if (rounds.length) filter.round = rounds.map((r) => (r === NO_ROUND ? null : Number(r)));
    if (category.length) filter.category = category;
    if (tag.trim()) filter.tag = tag.trim();
    try {
      setResult(await client.call('formats.export', { format, out: out.trim(), name, license, filter }));
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
        <Group grow align="flex-start">
          <MultiSelect
            label="Status"
            value={status}
            onChange={setStatus}
            data={['candidate', 'accepted', 'edited', 'rejected']}
            placeholder="any status"
            data-testid="export-status"
          />
          <Select
            label="Sub-task"
            value={subtask}
            onChange={setSubtask}
            data={SUBTASKS}
            clearable
            placeholder="any sub-task"
            description="Formats hold invocation samples; others are listed as skipped."
          />
        </Group>
        <Group grow align="flex-start">
          <MultiSelect
            label="Round"
            value={rounds}
            onChange={setRounds}
            data={roundOptions}
            placeholder="any round"
            data-testid="export-round"
          />
          <MultiSelect label="Category" value={category} onChange={setCategory} data={CATEGORIES} placeholder="any category" />
          <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} placeholder="any tag" />
        </Group>
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
        {result && (
          <Alert
            styles={READABLE_TITLE}
            // Nothing written is not a success: the filters (or the format) left no sample to export.
            color={result.samples === 0 ? 'yellow' : 'teal'}
            title={
              result.samples === 0
                ? result.skippedCount > 0
                  ? `Nothing exported: all ${result.skippedCount.toLocaleString()} matching samples were skipped`
                  : 'Nothing exported: no sample matches these filters'
                : `${result.samples.toLocaleString()} samples exported`
            }
            data-testid="export-result"
            data-empty={result.samples === 0}
          >
            <Files files={result.files} out={result.out} unit="records" />
            {result.skippedCount > 0 && (
              <Text size="xs">
                {result.skippedCount} skipped, e.g. #{result.skipped[0]?.id}: {result.skipped[0]?.reason}
              </Text>
            )}
          </Alert>
        )}
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
      setResult(await client.call('formats.exportModel', { model, out: out.trim(), ollama }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Export model ${model ?? ''}`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <TextInput
          label="Folder"
          placeholder="/models/export"
          value={out}
          onChange={(e) => setOut(e.currentTarget.value)}
          required
          data-testid="model-export-out"
        />
        <PathNote what="folder" />
        <Switch
          label="Ollama Modelfile (FROM + ADAPTER + TEMPLATE)"
          checked={ollama}
          onChange={(e) => setOllama(e.currentTarget.checked)}
        />
        {result && (
          <Alert
            styles={READABLE_TITLE}
            color="teal"
            title={result.base ? `LoRA adapter for ${result.base.name}` : 'Exported'}
            data-testid="model-export-result"
          >
            <Files files={result.files} out={result.out} unit="bytes" />
          </Alert>
        )}
        {error && (
          <Alert styles={READABLE_TITLE} color="red" title="Cannot export">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={run} loading={busy} disabled={!out.trim() || !model} data-testid="model-export-run">
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
