import { Card, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useApi } from '../../api/client';
import { CallText } from '../../components/CallText';
import { TextDiff } from '../../components/TextDiff';
import { readVerdicts, VerdictList } from '../../components/VerdictList';

/** One refinement trace: the first answer, then each refinement as a diff of the one before, with its verdicts. */
export function TraceDetail({ id }: { id: number }) {
  const detail = useApi('insight.trace', { id });
  if (!detail.data) return <Text c="dimmed">Loading…</Text>;
  const { trace, steps } = detail.data;
  return (
    <ScrollArea h={480} scrollbars="y" data-testid="trace-detail" viewportProps={{ tabIndex: 0 }}>
      <Stack gap="sm" pr="sm">
        <Title order={5}>{trace.query}</Title>
        <Text size="sm" c="dimmed">
          {trace.iterations} step{trace.iterations === 1 ? '' : 's'} · stopped: {trace.stopReason} · {trace.totalTokens} tokens ·{' '}
          {Math.round(trace.totalMs)} ms
          {trace.model ? ` · ${trace.model}` : ''}
        </Text>
        {steps.map((step, i) => (
          <Card key={step.seq} withBorder padding="sm" data-testid={`trace-step-${step.seq}`}>
            <Group justify="space-between" mb={4}>
              <Text fw={600} size="sm">
                {i === 0 ? 'First answer' : `Refinement ${i}`}
              </Text>
              <Text size="xs" c="dimmed">
                {step.tokens} tokens · {Math.round(step.ms)} ms
              </Text>
            </Group>
            {i === 0 ? <CallText text={step.output} /> : <TextDiff before={steps[i - 1]!.output} after={step.output} />}
            {readVerdicts(step.verdicts)?.length ? (
              <Stack gap={2} mt={6}>
                <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                  Verdicts
                </Text>
                <VerdictList verdicts={readVerdicts(step.verdicts)!} testId={`trace-step-verdicts-${step.seq}`} />
              </Stack>
            ) : null}
          </Card>
        ))}
      </Stack>
    </ScrollArea>
  );
}
