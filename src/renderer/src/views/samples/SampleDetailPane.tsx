import { Alert, Badge, Group, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useApi } from '../../api/client';
import { CallText } from '../../components/CallText';
import { LabelledFields } from '../../components/LabelledFields';
import { VerdictList } from '../../components/VerdictList';
import { TextDiff } from '../../components/TextDiff';
import { ToolList } from '../../components/ToolList';
import { StatusBadge } from './StatusBadge';

/** Everything about one sample: what was asked, what was answered, why it was kept or rejected, where it came from. */
export function SampleDetailPane({ id }: { id: number }) {
  const detail = useApi('samples.detail', { id }, { refreshOn: ['samples.changed'] });
  if (detail.error) return <Alert color="red">{detail.error.message}</Alert>;
  if (!detail.data) return <Loader size="sm" />;
  const { row, input, versions, verdicts, passHistory, provenance, votes } = detail.data;
  const tools = (input as { tools?: unknown } | null)?.tools;
  return (
    // Vertical scrolling only: long calls and reasons wrap inside the pane rather than widening it.
    <ScrollArea h="100%" type="auto" scrollbars="y" data-testid="sample-detail" viewportProps={{ tabIndex: 0 }}>
      <Stack gap="sm" pr="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
        <Group justify="space-between">
          <Title order={4}>Sample {row.id}</Title>
          <Group gap={6}>
            <StatusBadge status={row.status} />
            <Badge variant="light">{row.subtask}</Badge>
            {row.category && <Badge variant="outline">{row.category}</Badge>}
            {row.tags.map((t) => (
              <Badge key={t} color="gray" variant="light">
                #{t}
              </Badge>
            ))}
          </Group>
        </Group>
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Query
          </Text>
          <Text>{row.query}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Output (version {row.version})
          </Text>
          <CallText text={row.output} />
        </div>
        {tools !== undefined && (
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Tools
            </Text>
            <ToolList tools={tools} />
          </div>
        )}
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Verdicts
          </Text>
          {verdicts.length === 0 ? (
            <Text size="sm" c="dimmed">
              No verifier has judged this sample yet.
            </Text>
          ) : (
            <VerdictList verdicts={verdicts} testId="verdicts" />
          )}
        </div>
        {votes && votes.length > 0 && (
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Votes ({votes.reduce((s, v) => s + v.count, 0)} samples, share {row.voteShare?.toFixed(2) ?? '–'})
            </Text>
            <Stack gap={4}>
              {votes.map((v, i) => (
                <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                  <Badge variant="light">{v.count}×</Badge>
                  <CallText text={v.answer} block={false} />
                </Group>
              ))}
            </Stack>
          </div>
        )}
        {passHistory.length > 0 && (
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              pass@k by round
            </Text>
            <Table withTableBorder fz="sm">
              <Table.Tbody>
                {passHistory.map((h) => (
                  <Table.Tr key={h.roundId}>
                    <Table.Td>round {h.roundSeq ?? h.roundId}</Table.Td>
                    <Table.Td>
                      {h.matches}/{h.k}
                    </Table.Td>
                    <Table.Td>{h.bucket}</Table.Td>
                    <Table.Td>{h.selected ? 'selected' : 'not selected'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Provenance
          </Text>
          <LabelledFields
            testId="provenance"
            value={{
              round: provenance.roundSeq !== null ? `round ${provenance.roundSeq}` : 'none (imported or seeded)',
              model: provenance.model ?? '–',
              chatTemplate: provenance.templateHash?.slice(0, 12) ?? '–',
              ...(provenance.source
                ? {
                    sourceFile: `${provenance.source.file}${provenance.source.line !== null ? `:${provenance.source.line}` : ''}`,
                    sourceFormat: provenance.source.format ?? '–',
                  }
                : {}),
              created: provenance.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
            }}
          />
          {provenance.sampling !== null && (
            <>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="xs">
                Sampling
              </Text>
              <LabelledFields value={provenance.sampling} testId="provenance-sampling" />
            </>
          )}
        </div>
        {versions.length > 1 && (
          <div data-testid="versions">
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Versions
            </Text>
            <Stack gap="xs">
              {versions.slice(1).map((v, i) => (
                <div key={v.version}>
                  <Text size="sm">
                    v{versions[i]!.version} → v{v.version} by {v.author}
                    {v.note ? ` (${v.note})` : ''}
                  </Text>
                  <TextDiff before={versions[i]!.output} after={v.output} />
                </div>
              ))}
            </Stack>
          </div>
        )}
      </Stack>
    </ScrollArea>
  );
}
