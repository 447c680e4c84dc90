import { Alert, Badge, Button, Card, Code, Group, Table, Tabs, Text, Title } from '@mantine/core';
import { useApi, useClient } from '../../api/client';
import { ToolList } from '../../components/ToolList';

/** One tool: its schema read plainly, its normalised and original JSON, and Delete. */
export function ToolDetailCard({ id, onDeleted }: { id: number; onDeleted: () => void }) {
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
