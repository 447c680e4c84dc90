import { Accordion, Alert, Badge, Code, Group, Stack, Text } from '@mantine/core';
import { useApi } from '../../api/client';
import { CallText } from '../../components/CallText';
import { questionText } from './bfcl-files';

/** The first failing items of one category of a run: the question, the model's output, why it failed. */
export function FailingItems({ runId, category }: { runId: number; category: string }) {
  const failing = useApi('eval.run', { runId, onlyFailing: true, category, limit: 30, offset: 0 }, { deps: [runId, category] });
  if (failing.error) return <Alert color="red">{failing.error.message}</Alert>;
  const results = failing.data?.results ?? [];
  if (!failing.loading && results.length === 0) return <Text c="dimmed">No failing items in {category}.</Text>;
  return (
    <Stack gap="xs" data-testid="failing-items">
      <Text size="sm">
        {failing.data?.total ?? 0} failing item(s) in <b>{category}</b>
        {(failing.data?.total ?? 0) > results.length ? ` (first ${results.length} shown)` : ''}
      </Text>
      <Accordion variant="separated" chevronPosition="left">
        {results.map((r) => (
          <Accordion.Item key={r.itemId} value={r.itemKey} data-testid={`failing-${r.itemKey}`}>
            <Accordion.Control>
              <Group gap="xs">
                <Text ff="monospace" size="sm">
                  {r.itemKey}
                </Text>
                <Badge color="red" variant="light" tt="none">
                  {r.errorType}
                </Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="xs">
                <Text size="sm">
                  <b>Question:</b> {questionText(r.question)}
                </Text>
                <Text size="sm" fw={600}>
                  Model output
                </Text>
                {r.output ? <CallText text={r.output} /> : <Text c="dimmed">(none)</Text>}
                <Text size="sm" fw={600}>
                  Why it failed
                </Text>
                <Code block data-testid="failing-error">
                  {r.error.join('\n')}
                </Code>
                {r.answer !== null && (
                  <>
                    <Text size="sm" fw={600}>
                      Possible answer
                    </Text>
                    <Code block>{JSON.stringify(r.answer, null, 1)}</Code>
                  </>
                )}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}
