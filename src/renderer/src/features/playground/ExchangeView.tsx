import { Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { Exchange } from './playground-request';
import { ParsedCalls } from './ParsedCalls';
import { RefinementTrace } from './RefinementTrace';

/** The prompt as the model received it, its special tokens marked. */
function PromptText({ prompt }: { prompt: Exchange['prompt'] }) {
  return (
    <Code
      block
      style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 360, overflow: 'auto' }}
      data-testid="pg-prompt"
      tabIndex={0}
    >
      {prompt.segments.map((s, i) =>
        s.special ? (
          <strong key={i} title="special token" style={{ textDecoration: 'underline dotted' }} data-testid="pg-special">
            {s.text}
          </strong>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </Code>
  );
}

function PromptCard({ exchange }: { exchange: Exchange }) {
  const { prompt } = exchange;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{prompt.exact ? 'Prompt the model received' : 'Request sent to the server'}</Title>
        <Text size="sm" c="dimmed" data-testid="pg-prompt-facts">
          {exchange.model.name}
          {prompt.tokens !== null ? ` · ${prompt.tokens} tokens` : ''}
          {prompt.toolMode ? ` · tools ${prompt.toolMode}` : ''}
          {prompt.callFormat ? ` · calls in ${prompt.callFormat}` : ''}
          {prompt.templateHash ? ` · template ${prompt.templateHash}` : ''}
        </Text>
      </Group>
      {!prompt.exact && (
        <Text size="sm" c="dimmed" mb="xs">
          A remote server renders its own chat template: this is the request it was sent.
        </Text>
      )}
      <PromptText prompt={prompt} />
    </Card>
  );
}

function RawAnswerCard({ exchange }: { exchange: Exchange }) {
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Raw answer
      </Title>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="pg-raw">
        {exchange.raw || '(empty)'}
      </Code>
      <Text size="sm" c="dimmed" mt={4}>
        {exchange.tokens} tokens in {(exchange.ms / 1000).toFixed(1)} s
        {exchange.finishReason === 'length' ? ' · stopped at the token limit' : ''}
      </Text>
    </Card>
  );
}

/** One exchange shown whole: prompt, raw answer, parsed calls with the sandbox's results, refinement trace. */
export function ExchangeView({ exchange }: { exchange: Exchange }) {
  return (
    <Stack gap="md" data-testid="pg-exchange">
      <PromptCard exchange={exchange} />
      <RawAnswerCard exchange={exchange} />
      <ParsedCalls exchange={exchange} />
      <RefinementTrace refinement={exchange.refinement} />
    </Stack>
  );
}
