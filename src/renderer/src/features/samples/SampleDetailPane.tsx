import type { ReactNode } from 'react';
import { Alert, Badge, Group, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useApi } from '../../api/client';
import { CallText } from '../../components/CallText';
import { VerdictList } from '../../components/VerdictList';
import { TextDiff } from '../../components/TextDiff';
import { ToolList } from '../../components/ToolList';
import { LabelledFields } from './LabelledFields';
import { StatusBadge } from './StatusBadge';

/** One part of the pane under its small upper-case title. */
function Section({ title, testId, children }: { title: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {title}
      </Text>
      {children}
    </div>
  );
}

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
        <Section title="Query">
          <Text>{row.query}</Text>
        </Section>
        <Section title={<>Output (version {row.version})</>}>
          <CallText text={row.output} />
        </Section>
        {tools !== undefined && (
          <Section title="Tools">
            <ToolList tools={tools} />
          </Section>
        )}
        <Section title="Verdicts">
          {verdicts.length === 0 ? (
            <Text size="sm" c="dimmed">
              No verifier has judged this sample yet.
            </Text>
          ) : (
            <VerdictList verdicts={verdicts} testId="verdicts" />
          )}
        </Section>
        {votes && votes.length > 0 && (
          <Section
            title={
              <>
                Votes ({votes.reduce((s, v) => s + v.count, 0)} samples, share {row.voteShare?.toFixed(2) ?? '–'})
              </>
            }
          >
            <Stack gap={4}>
              {votes.map((v, i) => (
                <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                  <Badge variant="light">{v.count}×</Badge>
                  <CallText text={v.answer} block={false} />
                </Group>
              ))}
            </Stack>
          </Section>
        )}
        {passHistory.length > 0 && (
          <Section title="pass@k by round">
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
          </Section>
        )}
        <Section title="Provenance">
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
        </Section>
        {versions.length > 1 && (
          <Section title="Versions" testId="versions">
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
          </Section>
        )}
      </Stack>
    </ScrollArea>
  );
}
