import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  useMantineColorScheme,
  type MantineColorScheme,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi, useClient } from '../../api/client';
import { isElectron } from '../../api/transport';
import { ViewHeader } from '../../components/ViewHeader';
import { AUTO_ADVANCE_SETTING } from '../../views/samples/auto-advance';

/**
 * The workspace's thread setting: empty fields let the engine choose from the cores free when a job starts
 * (one per free core, never more than the physical cores, 1 on two free cores or fewer).
 */
function ThreadsCard() {
  const client = useClient();
  const choice = useApi('workspace.threads', {}, { refreshOn: ['workspace.changed'] });
  const [draft, setDraft] = useState<{ generation: number | ''; training: number | '' } | null>(null);
  const setting = choice.data?.setting;
  const shown = draft ?? { generation: setting?.generation ?? '', training: setting?.training ?? '' };
  const save = async () => {
    try {
      await client.call('workspace.setThreads', {
        generation: shown.generation === '' ? null : shown.generation,
        training: shown.training === '' ? null : shown.training,
      });
      setDraft(null);
      notifications.show({ message: 'Thread setting saved: new jobs use it.' });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not save the thread setting', message: (error as Error).message });
    }
  };
  return (
    <Card withBorder data-testid="threads-card">
      <Text fw={600} mb="xs">
        CPU threads
      </Text>
      <Group align="flex-end">
        <NumberInput
          label="Generation threads"
          min={1}
          max={256}
          placeholder={choice.data ? `auto (${choice.data.generation})` : 'auto'}
          value={shown.generation}
          onChange={(v) => setDraft({ ...shown, generation: v === '' ? '' : Number(v) })}
          w={180}
          data-testid="threads-generation"
        />
        <NumberInput
          label="Training threads"
          min={1}
          max={256}
          placeholder={choice.data ? `auto (${choice.data.training})` : 'auto'}
          value={shown.training}
          onChange={(v) => setDraft({ ...shown, training: v === '' ? '' : Number(v) })}
          w={180}
          data-testid="threads-training"
        />
        <Button onClick={() => void save()} disabled={draft === null} data-testid="threads-save">
          Save
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mt="xs" data-testid="threads-reason">
        {choice.data ? `Now: ${choice.data.reason}.` : '…'} Empty: chosen when each job starts from the cores free then. The Evolve form,
        the evaluation card and <Code>--threads</Code> on the command line override it for one job.
      </Text>
    </Card>
  );
}

export function Settings() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const status = useApi('workspace.status', {});
  const trainer = useApi('trainer.status', {}, { refreshOn: ['jobs.changed'] });
  const client = useClient();
  const navigate = useNavigate();
  const autoAdvance = useApi('settings.get', { key: AUTO_ADVANCE_SETTING });
  const setAutoAdvance = async (on: boolean) => {
    try {
      await client.call('settings.set', { key: AUTO_ADVANCE_SETTING, value: on });
      autoAdvance.reload();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not store the setting', message: (error as Error).message });
    }
  };
  const setUp = async () => {
    try {
      await client.call('jobs.start', { kind: 'trainer.setup', settings: {} });
      notifications.show({ message: 'Setting up the python trainer: follow it in Jobs.' });
      navigate('/jobs');
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not start the set-up', message: (error as Error).message });
    }
  };
  return (
    <Stack>
      <ViewHeader title="Settings" description="Appearance, workspace and backends." />
      <Card withBorder>
        <Text fw={600} mb="xs">
          Theme
        </Text>
        <SegmentedControl
          aria-label="Theme"
          value={colorScheme}
          onChange={(value) => setColorScheme(value as MantineColorScheme)}
          data={[
            { label: 'Follow the system', value: 'auto' },
            { label: 'Light', value: 'light' },
            { label: 'Dark', value: 'dark' },
          ]}
        />
      </Card>
      <Card withBorder data-testid="trainer-card">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Python trainer (LoRA)</Text>
          {trainer.data && (
            <Badge color={trainer.data.ready ? 'teal.9' : 'gray.7'} variant="filled">
              {trainer.data.ready ? `ready · ${trainer.data.device ?? 'device unknown'}` : 'not set up'}
            </Badge>
          )}
        </Group>
        <Text size="sm">
          Environment: <Code>{trainer.data?.venv ?? '…'}</Code>
        </Text>
        <Text size="sm">
          Python: <Code>{trainer.data?.python ?? 'not found'}</Code>
        </Text>
        {trainer.data?.problem && (
          <Text size="sm" c="red.9">
            {trainer.data.problem}
          </Text>
        )}
        <Text size="sm" c="dimmed" mt="xs">
          The python trainer is the one that teaches real models (LoRA with loss on the assistant's tokens). Set-up creates a virtual
          environment with pinned torch, transformers and peft (several GB the first time) and checks for CUDA, Apple MPS or CPU. The same
          as <Code>toolsmith trainer setup</Code>.
        </Text>
        <Button mt="sm" onClick={() => void setUp()} variant={trainer.data?.ready ? 'default' : 'filled'}>
          {trainer.data?.ready ? 'Check again' : 'Set up the trainer'}
        </Button>
      </Card>
      <ThreadsCard />
      <Card withBorder>
        <Text fw={600} mb="xs">
          Curation
        </Text>
        <Switch
          label="Move to the next sample after accept or reject"
          description="In Samples, a and r then go on to the next sample of the list (kept in this workspace)."
          checked={autoAdvance.data ? autoAdvance.data.value !== false : true}
          disabled={!autoAdvance.data}
          onChange={(e) => void setAutoAdvance(e.currentTarget.checked)}
          data-testid="setting-auto-advance"
        />
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          Workspace
        </Text>
        <Text size="sm">
          Folder: <Code>{status.data?.path ?? '…'}</Code>
        </Text>
        <Text size="sm">
          Database: <Code>{status.data?.dbFile ?? '…'}</Code> (schema {status.data?.schemaVersion ?? '…'})
        </Text>
        <Text size="sm" c="dimmed" mt="xs">
          {isElectron()
            ? 'Start Toolsmith with --workspace DIR to open another folder.'
            : 'This is browser mode: restart "toolsmith serve --workspace DIR" to open another folder.'}
        </Text>
      </Card>
    </Stack>
  );
}
