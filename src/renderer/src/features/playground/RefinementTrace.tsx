import { Card, Table, Text, Title } from '@mantine/core';
import { CallText } from '../../components/CallText';
import type { Exchange } from './playground-request';
import { Verdicts } from './Verdicts';

export function RefinementTrace({ refinement }: { refinement: Exchange['refinement'] }) {
  const n = refinement.steps.length;
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Refinement trace
      </Title>
      <Text size="sm" c="dimmed" mb="xs" data-testid="pg-refine-summary">
        {n} step{n === 1 ? '' : 's'}, stopped: {refinement.stopReason.replace('_', ' ')}
        {refinement.changed ? ' · the answer changed' : ' · the answer stayed'}
      </Text>
      <Table data-testid="pg-refine-steps">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Step</Table.Th>
            <Table.Th>Output</Table.Th>
            <Table.Th>Verdicts</Table.Th>
            <Table.Th>Tokens</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {refinement.steps.map((s) => (
            <Table.Tr key={s.seq}>
              <Table.Td>{s.seq === 0 ? 'answer' : `refinement ${s.seq}`}</Table.Td>
              <Table.Td>
                <CallText text={s.output} />
              </Table.Td>
              <Table.Td>
                <Verdicts verdicts={s.verdicts} testId={`pg-step-verdicts-${s.seq}`} />
              </Table.Td>
              <Table.Td>{s.tokens}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
