import { Button, Card, Group, TextInput, Title } from '@mantine/core';
import { useState } from 'react';

/** A GGUF file on the machine running Toolsmith, registered by path. */
export function ImportModelCard({ busy, onImport }: { busy: boolean; onImport: (file: string) => Promise<unknown> }) {
  const [file, setFile] = useState('');
  return (
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
          loading={busy}
          onClick={() => void onImport(file.trim()).then((model) => model !== undefined && setFile(''))}
          data-testid="import-button"
        >
          Import
        </Button>
      </Group>
    </Card>
  );
}
