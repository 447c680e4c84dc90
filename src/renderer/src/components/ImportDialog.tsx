import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Progress,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import type { DataFormat, DetectResult, ImportProgress, ImportResult, RecordProblem } from '../../../shared/contract/formats';
import { useApi, useClient, useEvent } from '../api/client';

/** Alert titles in the text colour: the light variant's coloured title on its tinted background is below 4.5:1. */
export const READABLE_TITLE = { title: { color: 'var(--mantine-color-text)' } };

function ProblemList({ problems, total }: { problems: RecordProblem[]; total: number }) {
  if (total === 0) return null;
  return (
    <Stack gap={4}>
      <Text fw={600} c="red.9">
        {total.toLocaleString()} malformed record{total === 1 ? '' : 's'}
      </Text>
      <ScrollArea.Autosize mah={160} viewportProps={{ tabIndex: 0, 'aria-label': 'Malformed records' }}>
        <Stack gap={2} data-testid="import-problems">
          {problems.map((p, i) => (
            <Text key={i} size="xs" ff="monospace">
              {p.file.split(/[\\/]/).pop()}:{p.line}: {p.path ? `${p.path}: ` : ''}
              {p.reason}
            </Text>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/**
 * Import of a data file or a Hugging Face dataset folder: detect its format (shown for confirmation, with
 * a preview of the first records and their problems), choose what to do with malformed records, import with
 * progress, cancel.
 */
export function ImportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const formats = useApi('formats.list', {});
  const [path, setPath] = useState('');
  const [answers, setAnswers] = useState('');
  const [detected, setDetected] = useState<DetectResult | null>(null);
  const [format, setFormat] = useState<DataFormat | null>(null);
  const [mode, setMode] = useState<'none' | 'valid'>('none');
  const [busy, setBusy] = useState<'detect' | 'import' | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEvent('formats.importProgress', (p) => busy === 'import' && setProgress(p));

  const detect = async () => {
    setBusy('detect');
    setError(null);
    setResult(null);
    try {
      const d = await client.call('formats.detect', { path, answers: answers || undefined, previewCount: 5 });
      setDetected(d);
      setFormat(d.innerFormat ?? d.format);
    } catch (e) {
      setDetected(null);
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const run = async () => {
    setBusy('import');
    setError(null);
    setProgress(null);
    try {
      const chosen = detected && format && format !== (detected.innerFormat ?? detected.format) ? format : undefined;
      setResult(await client.call('formats.import', { path, answers: answers || undefined, format: chosen, mode }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Import samples" size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Group align="flex-end">
          <TextInput
            label="File or dataset folder"
            description="JSONL or JSON: OpenAI, ShareGPT/ToolACE, LLaMA-Factory, Hermes, xLAM, BFCL, MLX, or a Hugging Face folder"
            required
            placeholder="/data/train.jsonl"
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            style={{ flex: 1 }}
            data-testid="import-path"
          />
          <Button onClick={detect} loading={busy === 'detect'} disabled={!path.trim() || busy !== null} data-testid="import-detect">
            Detect
          </Button>
        </Group>
        <Text size="xs" c="dimmed" data-testid="import-path-note">
          {window.toolsmith
            ? 'Type the full path of the file or folder on this computer.'
            : 'Type a path on the machine running Toolsmith: its server reads the file, not this browser (nothing is uploaded).'}
        </Text>
        <TextInput
          label="BFCL possible answers (optional)"
          placeholder="possible_answer/BFCL_v4_simple_python.json"
          value={answers}
          onChange={(e) => setAnswers(e.currentTarget.value)}
        />
        {detected && (
          <Stack gap="xs" data-testid="import-detected">
            <Group>
              <Text>Detected:</Text>
              <Badge data-testid="import-detected-format">
                {detected.innerFormat ? `${detected.format} of ${detected.innerFormat}` : detected.format}
              </Badge>
              <Text size="sm" c="dimmed">
                fits {(detected.confidence * 100).toFixed(0)} % · {detected.files.length} file{detected.files.length === 1 ? '' : 's'}
              </Text>
              <Select
                aria-label="Format"
                size="xs"
                value={format}
                onChange={(v) => setFormat(v as DataFormat)}
                data={(formats.data?.items ?? []).filter((f) => f.id !== 'hf').map((f) => ({ value: f.id, label: f.label }))}
              />
            </Group>
            <Table fz="xs" striped data-testid="import-preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>line</Table.Th>
                  <Table.Th>category</Table.Th>
                  <Table.Th>query</Table.Th>
                  <Table.Th>output</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detected.preview.map((p) => (
                  <Table.Tr key={`${p.file}:${p.line}:${p.output}`}>
                    <Table.Td>{p.line}</Table.Td>
                    <Table.Td>{p.category}</Table.Td>
                    <Table.Td>{p.query}</Table.Td>
                    <Table.Td ff="monospace">{p.output}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <ProblemList problems={detected.problems} total={detected.problems.length} />
          </Stack>
        )}
        <Group>
          <Text size="sm" id="import-mode-label">
            If some records are malformed:
          </Text>
          <SegmentedControl
            aria-labelledby="import-mode-label"
            data-testid="import-mode"
            value={mode}
            onChange={(v) => setMode(v as 'none' | 'valid')}
            data={[
              { value: 'none', label: 'import none' },
              { value: 'valid', label: 'import only the valid ones' },
            ]}
          />
        </Group>
        {busy === 'import' && progress && (
          <Stack gap={4}>
            <Progress
              value={progress.totalBytes ? (100 * progress.bytesRead) / progress.totalBytes : 0}
              animated
              aria-label="Import progress"
              data-testid="import-progress"
            />
            <Text size="xs" c="dimmed">
              {progress.phase}: {progress.records.toLocaleString()} records, {progress.problems.toLocaleString()} problems
            </Text>
          </Stack>
        )}
        {result && (
          <Alert
            styles={READABLE_TITLE}
            color={result.state === 'done' ? 'teal' : 'orange'}
            title={`Import ${result.state}`}
            data-testid="import-result"
          >
            {result.stored.toLocaleString()} stored, {result.duplicates.toLocaleString()} already there,{' '}
            {result.problemCount.toLocaleString()} problems
            <ProblemList problems={result.problems} total={result.problemCount} />
          </Alert>
        )}
        {error && (
          <Alert styles={READABLE_TITLE} color="red" title="Cannot import">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          {busy === 'import' && (
            <Button
              variant="default"
              onClick={() => void client.call('formats.cancelImport', progress ? { importId: progress.importId } : {})}
              data-testid="import-cancel"
            >
              Cancel import
            </Button>
          )}
          <Button onClick={run} loading={busy === 'import'} disabled={!path.trim() || busy !== null} data-testid="import-run">
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
