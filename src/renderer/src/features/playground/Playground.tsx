import { Alert, Button, Grid, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApi } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ViewHeader } from '../../components/ViewHeader';
import { ExchangeView } from './ExchangeView';
import { MessageComposer } from './MessageComposer';
import { backendReady, DEFAULT_CHAT_SETTINGS, type ChatSettings } from './playground-request';
import { SaveSampleCard } from './SaveSampleCard';
import { SettingsForm } from './SettingsForm';
import { Turns } from './Turns';
import { usePlaygroundChat } from './usePlaygroundChat';

export function Playground() {
  const models = useApi('models.list', {}, { refreshOn: ['models.changed'] });
  const tools = useApi('tools.list', { limit: 1000 }, { refreshOn: ['tools.changed'] });
  const [settings, setSettings] = useState<ChatSettings>(DEFAULT_CHAT_SETTINGS);
  const set = (patch: Partial<ChatSettings>) => setSettings((s) => ({ ...s, ...patch }));
  const modelItems = (models.data?.items ?? []).map((m) => ({ value: String(m.id), label: m.name }));
  const toolItems = (tools.data?.items ?? []).map((t) => ({ value: String(t.id), label: `${t.name} (${t.pool})` }));
  const model = settings.modelId ?? modelItems[0]?.value ?? null;
  const chat = usePlaygroundChat(settings, model);
  const ready = backendReady(settings, model);

  const header = (
    <ViewHeader
      title="Playground"
      description="Chat with a model and a chosen set of tools: see the exact prompt, the raw answer, the parsed calls, the sandbox's results and the refinement trace."
    />
  );
  if (models.data && models.data.items.length === 0 && settings.backendKind === 'local') {
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
              <Button variant="default" onClick={() => set({ backendKind: 'remote' })}>
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
          <SettingsForm
            value={settings}
            set={set}
            models={modelItems}
            model={model}
            tools={toolItems}
            footer={
              chat.turns.length > 0 &&
              !chat.running && (
                <Button variant="default" onClick={chat.restart}>
                  New conversation
                </Button>
              )
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            {chat.turns.length > 0 && <Turns turns={chat.turns} />}
            <MessageComposer chat={chat} ready={ready} />
            {chat.error && (
              <Alert color="red" withCloseButton closeButtonLabel="Dismiss" onClose={chat.clearError} data-testid="pg-error">
                {chat.error}
              </Alert>
            )}
            {chat.exchange && <ExchangeView exchange={chat.exchange} />}
            {chat.exchange && <SaveSampleCard chat={chat} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
