import { Alert, Button, Group, Modal, Stack, Switch, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ModelExportResult } from '../../../../shared/contract/formats';
import { useClient } from '../../api/client';
import { ExportedFiles } from './ExportedFiles';
import { PathNote } from './PathNote';
import { READABLE_TITLE } from './readable-title';

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
            <ExportedFiles files={result.files} out={result.out} unit="bytes" />
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
