import { Alert, Button, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { DataFormat, DetectResult, ImportProgress, ImportResult } from '../../../shared/contract/formats';
import { useClient, useEvent } from '../api/client';
import { ImportDetected } from './transfer/ImportDetected';
import { ImportProgressBar, ImportResultAlert } from './transfer/ImportOutcome';
import { READABLE_TITLE } from './transfer/readable-title';

/**
 * Import of a data file or a Hugging Face dataset folder: detect its format (shown for confirmation, with
 * a preview of the first records and their problems), choose what to do with malformed records, import with
 * progress, cancel.
 */
export function ImportDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
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
        {detected && <ImportDetected detected={detected} format={format} onFormat={setFormat} />}
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
        {busy === 'import' && progress && <ImportProgressBar progress={progress} />}
        {result && <ImportResultAlert result={result} />}
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
