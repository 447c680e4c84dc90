import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  List,
  ScrollArea,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import type { ToolProblem } from '../../../shared/contract/tools';
import { parseJsonOrLines } from '../../../shared/json';
import { useApi, useClient } from '../api/client';
import { SelectableRow } from '../components/SelectableRow';
import { EmptyState } from '../components/EmptyState';
import { ToolList } from '../components/ToolList';
import { ViewHeader } from '../components/ViewHeader';

/** Reads a JSON (or JSON Lines) file of tools in the browser; the engine validates and stores it. */
async function readToolsFile(file: File): Promise<unknown> {
  return parseJsonOrLines(await file.text(), file.name);
}

function ToolDetailCard({ id, onDeleted }: { id: number; onDeleted: () => void }) {
  const client = useClient();
  const detail = useApi('tools.get', { id }, { deps: [id] });
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>;
  const tool = detail.data;
  if (!tool) return null;
  return (
    <Card withBorder data-testid="tool-detail">
      <Group justify="space-between">
        <Title order={4} ff="monospace">
          {tool.name}
        </Title>
        <Group gap="xs">
          <Badge variant="light">{tool.pool}</Badge>
          {tool.source && <Badge variant="outline">{tool.source}</Badge>}
          <Button
            size="xs"
            color="red"
            variant="subtle"
            onClick={() => {
              void client.call('tools.delete', { id }).then(onDeleted);
            }}
          >
            Delete
          </Button>
        </Group>
      </Group>
      <Text c="dimmed" size="sm" mb="sm">
        {tool.description || 'No description.'}
      </Text>
      <Tabs defaultValue="schema">
        <Tabs.List>
          <Tabs.Tab value="schema">Schema</Tabs.Tab>
          <Tabs.Tab value="normalised">Normalised JSON</Tabs.Tab>
          <Tabs.Tab value="original">Original JSON</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="schema" pt="sm">
          <ToolList tools={[{ name: tool.name, description: tool.description, parameters: tool.parameters }]} />
          <Table mt="sm" withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Parameter</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Required</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tool.params.map((p) => (
                <Table.Tr key={p.name}>
                  <Table.Td ff="monospace">{p.name}</Table.Td>
                  <Table.Td>{p.type}</Table.Td>
                  <Table.Td>{p.required ? 'yes' : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Tabs.Panel>
        <Tabs.Panel value="normalised" pt="sm">
          <Code block>{JSON.stringify(tool.parameters, null, 2)}</Code>
        </Tabs.Panel>
        <Tabs.Panel value="original" pt="sm">
          <Code block data-testid="tool-original">
            {JSON.stringify(tool.original, null, 2)}
          </Code>
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}

/**
 * The built-in pool and held-out sets this workspace holds against the version this app ships, with the
 * button that installs or updates them (pool "builtin" only; the user's own pools are never touched).
 */
function BuiltinPoolCard() {
  const client = useClient();
  const status = useApi('pool.status', {}, { refreshOn: ['tools.changed', 'eval.changed'] });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ color: string; text: string } | null>(null);
  const s = status.data;
  const complete = s ? s.upToDate && s.tools === s.shipped.tools && s.evalSets.every((e) => e.present) : false;
  const install = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await client.call('pool.install', {});
      const sets = r.evalSets.added.length ? ` · sets added: ${r.evalSets.added.join(', ')}` : '';
      setResult({
        color: 'teal',
        text: `Built-in pool: ${r.pool.added} added, ${r.pool.updated} updated, ${r.pool.removed} removed, ${r.pool.unchanged} unchanged${sets}. Your own pools were not touched.`,
      });
    } catch (error) {
      setResult({ color: 'red', text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder padding="sm" data-testid="builtin-card">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Text fw={600} size="sm">
              Built-in pool and held-out sets
            </Text>
            {s && (
              <Badge color={complete ? 'teal.9' : 'orange.9'} variant="filled" data-testid="builtin-state">
                {complete ? 'up to date' : s.installed.pool === null ? 'not installed' : !s.upToDate ? 'update available' : 'incomplete'}
              </Badge>
            )}
          </Group>
          {s && (
            <Text size="xs" c="dimmed">
              {s.tools} of {s.shipped.tools} built-in tools ·{' '}
              {s.evalSets.map((e) => (e.present ? `${e.name} (${e.items} items)` : `${e.name} (missing)`)).join(' · ')}
            </Text>
          )}
          {status.error && (
            <Text size="xs" c="red.9">
              {status.error.message}
            </Text>
          )}
        </div>
        <Button
          size="xs"
          variant={complete ? 'default' : 'filled'}
          loading={busy}
          onClick={() => void install()}
          data-testid="builtin-install"
        >
          {complete ? 'Re-install built-in pool' : 'Install built-in pool'}
        </Button>
      </Group>
      {result && (
        <Text size="xs" mt={4} c={result.color === 'red' ? 'red.9' : undefined} data-testid="builtin-result">
          {result.text}
        </Text>
      )}
    </Card>
  );
}

export function ToolPool() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [pool, setPool] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [problems, setProblems] = useState<ToolProblem[]>([]);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useApi(
    'tools.list',
    { search: search || undefined, pool: pool ?? undefined, limit: 500, offset: 0 },
    { refreshOn: ['tools.changed'] },
  );

  const importFile = async (file: File) => {
    setProblems([]);
    setMessage(null);
    try {
      const raw = await readToolsFile(file);
      const checked = await client.call('tools.validate', { tools: raw as never });
      if (!checked.ok) {
        setProblems(checked.problems);
        setMessage({
          color: 'red',
          text: `${file.name}: ${checked.problems.length} tool definition(s) are not valid; nothing was imported.`,
        });
        return;
      }
      const result = await client.call('tools.import', { tools: raw as never, pool: pool ?? 'default', source: file.name });
      setMessage({ color: 'teal', text: `Imported ${result.imported} tool(s) into "${result.pool}".` });
    } catch (error) {
      setMessage({ color: 'red', text: (error as Error).message });
    }
  };

  const exportTools = async () => {
    const { tools } = await client.call('tools.export', { pool: pool ?? undefined });
    const blob = new Blob([JSON.stringify(tools, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `tools-${pool ?? 'all'}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

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
        <Alert color={message.color} withCloseButton onClose={() => setMessage(null)} data-testid="tools-message">
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
            <ScrollArea.Autosize mah="70vh">
              <Table highlightOnHover data-testid="tools-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Parameters</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((t) => (
                    <SelectableRow key={t.id} selected={selected === t.id} onSelect={() => setSelected(t.id)}>
                      <Table.Td>
                        <Text ff="monospace" size="sm" fw={600}>
                          {t.name}
                        </Text>
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {t.description}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {t.params.map((p) => (
                            <Badge key={p.name} size="xs" tt="none" variant={p.required ? 'filled' : 'outline'}>
                              {p.name}: {p.type}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                    </SelectableRow>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
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
