import { Card, Code, Group, Table, Text, Title } from '@mantine/core';
import type { Exchange } from './playground-request';
import { Verdicts } from './Verdicts';

function SandboxResult({ result }: { result: Exchange['toolResults'][number] | undefined }) {
  if (!result)
    return (
      <Text size="sm" c="dimmed">
        no implementation
      </Text>
    );
  if (result.ok) return <Code style={{ wordBreak: 'break-word' }}>{JSON.stringify(result.result ?? null)}</Code>;
  return (
    <Text size="sm" c="red.9">
      {result.error}
    </Text>
  );
}

/** The calls parsed from the answer, each with what its implementation returned in the sandbox, and the verdicts. */
export function ParsedCalls({ exchange }: { exchange: Exchange }) {
  const { parsed } = exchange;
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Parsed calls
      </Title>
      {parsed.kind === 'calls' ? (
        <Table data-testid="pg-calls">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Function</Table.Th>
              <Table.Th>Arguments</Table.Th>
              <Table.Th>Sandbox result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {parsed.calls.map((c, i) => (
              <Table.Tr key={i} data-testid="pg-call">
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  <Code>{c.name}</Code>
                </Table.Td>
                <Table.Td>
                  <Code style={{ wordBreak: 'break-word' }}>{JSON.stringify(c.args)}</Code>
                </Table.Td>
                <Table.Td data-testid="pg-tool-result">
                  <SandboxResult result={exchange.toolResults.find((r) => r.index === i)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" data-testid="pg-no-calls">
          {parsed.kind === 'words' ? 'An answer in words: no call.' : `Not a call list: ${parsed.reason ?? ''}`}
        </Text>
      )}
      <Group mt="sm">
        <Verdicts verdicts={exchange.verdicts} testId="pg-verdicts" />
      </Group>
    </Card>
  );
}
