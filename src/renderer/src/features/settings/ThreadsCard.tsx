import { Button, Card, Code, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useApi, useClient } from '../../api/client';
import { ThreadsInput } from '../../ui/ThreadsInput';
import { useAction } from '../../ui/useAction';

type Draft = { generation: number | ''; training: number | '' };

/**
 * The workspace's thread setting: empty fields let the engine choose from the cores free when a job starts
 * (one per free core, never more than the physical cores, 1 on two free cores or fewer).
 */
export function ThreadsCard() {
  const client = useClient();
  const choice = useApi('workspace.threads', {}, { refreshOn: ['workspace.changed'] });
  const [draft, setDraft] = useState<Draft | null>(null);
  const setting = choice.data?.setting;
  const shown = draft ?? { generation: setting?.generation ?? '', training: setting?.training ?? '' };
  const save = useAction(
    async (value: Draft) => {
      await client.call('workspace.setThreads', {
        generation: value.generation === '' ? null : value.generation,
        training: value.training === '' ? null : value.training,
      });
      setDraft(null);
    },
    { success: 'Thread setting saved: new jobs use it.', errorTitle: 'Could not save the thread setting' },
  );
  return (
    <Card withBorder data-testid="threads-card">
      <Text fw={600} mb="xs">
        CPU threads
      </Text>
      <Group align="flex-end">
        <ThreadsInput
          label="Generation threads"
          auto={choice.data?.generation}
          value={shown.generation}
          onChange={(generation) => setDraft({ ...shown, generation })}
          w={180}
          testId="threads-generation"
        />
        <ThreadsInput
          label="Training threads"
          auto={choice.data?.training}
          value={shown.training}
          onChange={(training) => setDraft({ ...shown, training })}
          w={180}
          testId="threads-training"
        />
        <Button onClick={() => void save.run(shown)} loading={save.busy} disabled={draft === null} data-testid="threads-save">
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
