import { Alert, Button, Code, Group, List, Select, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState } from 'react';
import { useApi, useClient } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ViewHeader } from '../../components/ViewHeader';
import { BuiltinPoolCard } from './BuiltinPoolCard';
import { ToolDetailCard } from './ToolDetailCard';
import { ToolsTable } from './ToolsTable';
import { useToolsImport } from './useToolsImport';

/** Downloads the tools of a pool (or all) as one JSON file. */
function download(tools: unknown, pool: string | null) {
  const blob = new Blob([JSON.stringify(tools, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `tools-${pool ?? 'all'}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}

export function ToolPool() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [pool, setPool] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const { importFile, problems, message, dismiss } = useToolsImport(pool);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useApi(
    'tools.list',
    { search: search || undefined, pool: pool ?? undefined, limit: 500, offset: 0 },
    { refreshOn: ['tools.changed'] },
  );
  const exportTools = async () => download((await client.call('tools.export', { pool: pool ?? undefined })).tools, pool);

  const items = list.data?.items ?? [];
  const pools = list.data?.pools ?? [];
  return (
    <Stack>
      <ViewHeader
        title="Tool pool"
        description="The tool definitions the model learns to use."
        actions={
          <Group gap="xs">
            <input
              ref={fileInput}
              type="file"
              accept=".json,.jsonl,application/json"
              aria-label="Tools file"
              data-testid="tools-file"
              style={{ display: 'none' }}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void importFile(file);
                e.currentTarget.value = '';
              }}
            />
            <Button size="xs" onClick={() => fileInput.current?.click()}>
              Import tools…
            </Button>
            <Button size="xs" variant="default" onClick={() => void exportTools()} disabled={items.length === 0}>
              Export
            </Button>
          </Group>
        }
      />
      <BuiltinPoolCard />
      {message && (
        <Alert color={message.color} withCloseButton onClose={dismiss} data-testid="tools-message">
          {message.text}
          {problems.length > 0 && (
            <List size="sm" mt="xs" data-testid="tool-problems">
              {problems.map((p, i) => (
                <List.Item key={i}>
                  <Code>{p.path}</Code> {p.message.slice(p.path.length + 2)}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      {list.error && <Alert color="red">{list.error.message}</Alert>}
      {items.length === 0 && !search && !pool && !list.loading ? (
        <EmptyState title="No tools yet">
          Tools you import (OpenAI, BFCL or ToolACE JSON) and the built-in pool appear here, each validated, with its schema shown readably.
        </EmptyState>
      ) : (
        <Group align="flex-start" wrap="nowrap">
          <Stack w="50%" gap="xs">
            <Group gap="xs">
              <TextInput
                placeholder="Search name or description"
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                flex={1}
                aria-label="Search tools"
              />
              <Select
                placeholder="All pools"
                clearable
                data={pools.map((p) => ({ value: p.pool, label: `${p.pool} (${p.count})` }))}
                value={pool}
                onChange={setPool}
                w={180}
                aria-label="Pool"
              />
            </Group>
            <ToolsTable items={items} selected={selected} onSelect={setSelected} />
            <Text size="xs" c="dimmed">
              {list.data?.total ?? 0} tool(s)
            </Text>
          </Stack>
          <Stack w="50%">
            {selected !== null ? (
              <ToolDetailCard id={selected} onDeleted={() => setSelected(null)} />
            ) : (
              <Text c="dimmed">Open a tool to see its schema.</Text>
            )}
          </Stack>
        </Group>
      )}
    </Stack>
  );
}
