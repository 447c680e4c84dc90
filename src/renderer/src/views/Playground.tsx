import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Grid,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Input, Output } from '../../../shared/contract';
import { PLAYGROUND_LIMITS, type PlaygroundTurn, type PlaygroundVerdict } from '../../../shared/contract/playground';
import { useApi, useClient, useEvent } from '../api/client';
import { CallText } from '../components/CallText';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';

type Exchange = Output<'playground.send'>;
type SendInput = Input<'playground.send'>;

const STAGES: Record<string, string> = {
  loading: 'Loading the model…',
  generating: 'Generating…',
  executing: 'Running the calls in the sandbox…',
  refining: 'Refining…',
  done: 'Done',
};

function newRequestId(): string {
  return `pg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function Verdicts({ verdicts, testId }: { verdicts: PlaygroundVerdict[]; testId: string }) {
  return (
    <Group gap="xs" data-testid={testId}>
      {verdicts.map((v, i) => (
        <Badge key={i} color={v.passed ? 'teal' : 'red'} variant="light" title={v.reason} style={{ textTransform: 'none' }}>
          {v.verifier}: {v.passed ? 'pass' : 'fail'}
        </Badge>
      ))}
    </Group>
  );
}

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

function Turns({ turns }: { turns: PlaygroundTurn[] }) {
  return (
    <Stack gap="xs" data-testid="pg-conversation">
      {turns.map((t, i) => (
        <Paper key={i} withBorder p="xs" data-testid={`pg-turn-${t.role}`}>
          <Group gap="xs" mb={4}>
            <Badge
              variant="light"
              color={t.role === 'user' ? 'blue' : t.role === 'tool' ? 'grape' : 'teal'}
              style={{ textTransform: 'none' }}
            >
              {t.role}
              {t.name ? ` · ${t.name}` : ''}
            </Badge>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {t.content}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}

function ExchangeView({ exchange }: { exchange: Exchange }) {
  return (
    <Stack gap="md" data-testid="pg-exchange">
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={4}>{exchange.prompt.exact ? 'Prompt the model received' : 'Request sent to the server'}</Title>
          <Text size="sm" c="dimmed" data-testid="pg-prompt-facts">
            {exchange.model.name}
            {exchange.prompt.tokens !== null ? ` · ${exchange.prompt.tokens} tokens` : ''}
            {exchange.prompt.toolMode ? ` · tools ${exchange.prompt.toolMode}` : ''}
            {exchange.prompt.callFormat ? ` · calls in ${exchange.prompt.callFormat}` : ''}
            {exchange.prompt.templateHash ? ` · template ${exchange.prompt.templateHash}` : ''}
          </Text>
        </Group>
        {!exchange.prompt.exact && (
          <Text size="sm" c="dimmed" mb="xs">
            A remote server renders its own chat template: this is the request it was sent.
          </Text>
        )}
        <PromptText prompt={exchange.prompt} />
      </Card>
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
      <Card withBorder>
        <Title order={4} mb="xs">
          Parsed calls
        </Title>
        {exchange.parsed.kind === 'calls' ? (
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
              {exchange.parsed.calls.map((c, i) => {
                const result = exchange.toolResults.find((r) => r.index === i);
                return (
                  <Table.Tr key={i} data-testid="pg-call">
                    <Table.Td>{i + 1}</Table.Td>
                    <Table.Td>
                      <Code>{c.name}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Code style={{ wordBreak: 'break-word' }}>{JSON.stringify(c.args)}</Code>
                    </Table.Td>
                    <Table.Td data-testid="pg-tool-result">
                      {!result ? (
                        <Text size="sm" c="dimmed">
                          no implementation
                        </Text>
                      ) : result.ok ? (
                        <Code style={{ wordBreak: 'break-word' }}>{JSON.stringify(result.result ?? null)}</Code>
                      ) : (
                        <Text size="sm" c="red.9">
                          {result.error}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" data-testid="pg-no-calls">
            {exchange.parsed.kind === 'words' ? 'An answer in words: no call.' : `Not a call list: ${exchange.parsed.reason ?? ''}`}
          </Text>
        )}
        <Group mt="sm">
          <Verdicts verdicts={exchange.verdicts} testId="pg-verdicts" />
        </Group>
      </Card>
      <Card withBorder>
        <Title order={4} mb="xs">
          Refinement trace
        </Title>
        <Text size="sm" c="dimmed" mb="xs" data-testid="pg-refine-summary">
          {exchange.refinement.steps.length} step{exchange.refinement.steps.length === 1 ? '' : 's'}, stopped:{' '}
          {exchange.refinement.stopReason.replace('_', ' ')}
          {exchange.refinement.changed ? ' · the answer changed' : ' · the answer stayed'}
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
            {exchange.refinement.steps.map((s) => (
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
    </Stack>
  );
}

export function Playground() {
  const client = useClient();
  const models = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const tools = useApi('tools.list', { limit: 1000 }, { refreshOn: ['tools.changed'] });
  const [backendKind, setBackendKind] = useState<'local' | 'remote'>('local');
  const [modelId, setModelId] = useState<string | null>(null);
  const [remote, setRemote] = useState({ baseUrl: '', model: '', apiKey: '' });
  const [toolIds, setToolIds] = useState<string[]>([]);
  const [system, setSystem] = useState('');
  const [constrain, setConstrain] = useState(false);
  const [maxTokens, setMaxTokens] = useState<number>(256);
  const [temperature, setTemperature] = useState<number>(0);
  const [maxRefinements, setMaxRefinements] = useState<number>(1);
  const [threads, setThreads] = useState<number | ''>(1);
  const [turns, setTurns] = useState<PlaygroundTurn[]>([]);
  const [message, setMessage] = useState('');
  const [running, setRunning] = useState<string | null>(null);
  const [stage, setStage] = useState<string | null>(null);
  const [streamed, setStreamed] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [exchange, setExchange] = useState<Exchange | null>(null);
  const [asked, setAsked] = useState<PlaygroundTurn[]>([]);
  const [toSave, setToSave] = useState('');
  const [saved, setSaved] = useState<Output<'playground.save'> | null>(null);
  const [saving, setSaving] = useState(false);
  const runningRef = useRef<string | null>(null);

  useEvent('playground.progress', (p) => {
    if (p.requestId !== runningRef.current) return;
    setStage(p.stage);
    if (p.text) setStreamed((s) => s + p.text);
  });

  const modelItems = (models.data?.items ?? []).map((m) => ({ value: String(m.id), label: m.name }));
  const toolItems = (tools.data?.items ?? []).map((t) => ({ value: String(t.id), label: `${t.name} (${t.pool})` }));
  const chosenModel = modelId ?? modelItems[0]?.value ?? null;
  const backendReady = backendKind === 'local' ? chosenModel !== null : remote.baseUrl.trim() !== '' && remote.model.trim() !== '';

  async function send() {
    const text = message.trim();
    if (!text || !backendReady) return;
    const conversation: PlaygroundTurn[] = [...turns, { role: 'user', content: text }];
    const requestId = newRequestId();
    runningRef.current = requestId;
    setRunning(requestId);
    setStage('loading');
    setStreamed('');
    setError(null);
    setSaved(null);
    setTurns(conversation);
    setMessage('');
    const input: SendInput = {
      requestId,
      backend:
        backendKind === 'local'
          ? { kind: 'local', model: Number(chosenModel) }
          : {
              kind: 'remote',
              baseUrl: remote.baseUrl.trim(),
              model: remote.model.trim(),
              ...(remote.apiKey ? { apiKey: remote.apiKey } : {}),
            },
      ...(threads !== '' ? { threads } : {}),
      toolIds: toolIds.map(Number),
      ...(system.trim() ? { system } : {}),
      messages: conversation,
      constrain: constrain ? 'calls' : 'none',
      sampling: { temperature, maxTokens },
      maxRefinements,
    };
    try {
      const result = await client.call('playground.send', input);
      setExchange(result);
      setAsked(conversation);
      setToSave(result.answer);
      // The chat goes on from the answer and what the tools returned.
      const toolTurns: PlaygroundTurn[] = result.toolResults
        .filter((r) => r.ok)
        .map((r) => ({ role: 'tool', name: r.name, content: JSON.stringify(r.result ?? null) }));
      setTurns([...conversation, ...(result.answer.trim() ? [{ role: 'assistant' as const, content: result.answer }] : []), ...toolTurns]);
    } catch (e) {
      setError((e as Error).message);
      // A cancelled or failed request leaves the conversation as it was before it.
      setTurns(turns);
      setMessage(text);
    } finally {
      runningRef.current = null;
      setRunning(null);
      setStage(null);
    }
  }

  async function cancel() {
    if (running) await client.call('playground.cancel', { requestId: running });
  }

  async function save() {
    if (!exchange) return;
    setSaving(true);
    setError(null);
    try {
      setSaved(
        await client.call('playground.save', {
          toolIds: toolIds.map(Number),
          ...(system.trim() ? { system } : {}),
          messages: asked,
          output: toSave,
          modelId: exchange.model.id,
          templateHash: exchange.prompt.templateHash,
          sampling: exchange.sampling,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  const header = (
    <ViewHeader
      title="Playground"
      description="Chat with a model and a chosen set of tools: see the exact prompt, the raw answer, the parsed calls, the sandbox's results and the refinement trace."
    />
  );
  if (models.data && models.data.items.length === 0 && backendKind === 'local') {
    return (
      <Stack>
        {header}
        <EmptyState
          title="No models yet"
          action={
            <Group>
              <Button component={Link} to="/models">
                Add a model
              </Button>
              <Button variant="default" onClick={() => setBackendKind('remote')}>
                Use a remote server
              </Button>
            </Group>
          }
        >
          The playground talks to a registered model (import a GGUF, pull one from the catalog or create the starter in Models) or to an
          OpenAI-compatible server.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack>
      {header}
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder>
            <Stack gap="sm">
              <SegmentedControl
                aria-label="Backend"
                value={backendKind}
                onChange={(v) => setBackendKind(v as 'local' | 'remote')}
                data={[
                  { value: 'local', label: 'Local model' },
                  { value: 'remote', label: 'Remote server' },
                ]}
              />
              {backendKind === 'local' ? (
                <Select
                  label="Model"
                  data={modelItems}
                  value={chosenModel}
                  onChange={setModelId}
                  allowDeselect={false}
                  data-testid="pg-model"
                />
              ) : (
                <>
                  <TextInput
                    label="Server URL"
                    placeholder="http://127.0.0.1:8080/v1"
                    value={remote.baseUrl}
                    onChange={(e) => setRemote({ ...remote, baseUrl: e.currentTarget.value })}
                  />
                  <TextInput
                    label="Model name"
                    value={remote.model}
                    onChange={(e) => setRemote({ ...remote, model: e.currentTarget.value })}
                  />
                  <PasswordInput
                    label="API key"
                    value={remote.apiKey}
                    onChange={(e) => setRemote({ ...remote, apiKey: e.currentTarget.value })}
                  />
                </>
              )}
              <MultiSelect
                label="Tools"
                description={`From the workspace's pools, at most ${PLAYGROUND_LIMITS.tools}`}
                placeholder={toolItems.length ? 'Search tools' : 'No tools in the workspace'}
                data={toolItems}
                value={toolIds}
                onChange={setToolIds}
                searchable
                clearable
                maxValues={PLAYGROUND_LIMITS.tools}
                limit={50}
                data-testid="pg-tools"
              />
              <Textarea
                label="System prompt"
                placeholder="Default: the invocation instruction the rounds use"
                autosize
                minRows={2}
                maxLength={PLAYGROUND_LIMITS.systemChars}
                value={system}
                onChange={(e) => setSystem(e.currentTarget.value)}
              />
              <Checkbox
                label="Constrain to call grammar"
                checked={constrain}
                onChange={(e) => setConstrain(e.currentTarget.checked)}
                data-testid="pg-constrain"
              />
              <Group grow>
                <NumberInput
                  label="Max tokens"
                  min={1}
                  max={PLAYGROUND_LIMITS.maxTokens}
                  value={maxTokens}
                  onChange={(v) => setMaxTokens(typeof v === 'number' ? v : 256)}
                />
                <NumberInput
                  label="Temperature"
                  min={0}
                  max={2}
                  step={0.1}
                  decimalScale={2}
                  value={temperature}
                  onChange={(v) => setTemperature(typeof v === 'number' ? v : 0)}
                />
              </Group>
              <Group grow>
                <NumberInput
                  label="Refinements"
                  min={0}
                  max={PLAYGROUND_LIMITS.maxRefinements}
                  value={maxRefinements}
                  onChange={(v) => setMaxRefinements(typeof v === 'number' ? v : 0)}
                />
                {backendKind === 'local' && (
                  <NumberInput
                    label="Threads"
                    description="when loading"
                    min={1}
                    max={256}
                    value={threads}
                    onChange={(v) => setThreads(typeof v === 'number' ? v : '')}
                  />
                )}
              </Group>
              {turns.length > 0 && !running && (
                <Button variant="default" onClick={() => (setTurns([]), setExchange(null), setSaved(null))}>
                  New conversation
                </Button>
              )}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            {turns.length > 0 && <Turns turns={turns} />}
            <Card withBorder>
              <Stack gap="xs">
                <Textarea
                  label="Message"
                  autosize
                  minRows={2}
                  maxLength={PLAYGROUND_LIMITS.messageChars}
                  value={message}
                  onChange={(e) => setMessage(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send();
                  }}
                  data-testid="pg-message"
                />
                <Group justify="space-between">
                  <Text size="xs" c="dimmed">
                    Ctrl+Enter sends
                  </Text>
                  <Group>
                    {running && (
                      <Button color="red" variant="light" onClick={() => void cancel()} data-testid="pg-cancel">
                        Cancel
                      </Button>
                    )}
                    <Button
                      onClick={() => void send()}
                      loading={running !== null}
                      disabled={!message.trim() || !backendReady}
                      data-testid="pg-send"
                    >
                      Send
                    </Button>
                  </Group>
                </Group>
                {running && (
                  <Stack gap={4} aria-live="polite" data-testid="pg-progress">
                    <Text size="sm">{STAGES[stage ?? 'loading']}</Text>
                    {streamed && (
                      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="pg-streamed">
                        {streamed}
                      </Code>
                    )}
                  </Stack>
                )}
              </Stack>
            </Card>
            {error && (
              <Alert color="red" withCloseButton closeButtonLabel="Dismiss" onClose={() => setError(null)} data-testid="pg-error">
                {error}
              </Alert>
            )}
            {exchange && <ExchangeView exchange={exchange} />}
            {exchange && (
              <Card withBorder>
                <Title order={4} mb="xs">
                  Save as a sample
                </Title>
                <Stack gap="xs">
                  <Textarea
                    label="Answer to save"
                    description="A call list, or words when no tool fits; checked and verified like an edit"
                    autosize
                    minRows={1}
                    value={toSave}
                    onChange={(e) => setToSave(e.currentTarget.value)}
                    data-testid="pg-save-output"
                  />
                  <Group>
                    <Button onClick={() => void save()} loading={saving} disabled={!toSave.trim()} data-testid="pg-save">
                      Save as sample
                    </Button>
                    {saved && (
                      <Group gap="xs" data-testid="pg-saved">
                        <Text size="sm">
                          {saved.created ? 'Saved as' : 'Already saved as'} sample #{saved.sampleId} ({saved.category})
                        </Text>
                        <Verdicts verdicts={saved.verdicts} testId="pg-saved-verdicts" />
                        <Anchor component={Link} to="/samples" size="sm">
                          Open Samples
                        </Anchor>
                      </Group>
                    )}
                  </Group>
                </Stack>
              </Card>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
