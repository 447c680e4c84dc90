import { Button, Card, Code, Group, NumberInput, Text } from '@mantine/core';
import { useState } from 'react';
import { useApi, useClient } from '../../api/client';
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
