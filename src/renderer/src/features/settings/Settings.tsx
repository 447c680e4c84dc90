import { Card, Code, SegmentedControl, Stack, Switch, Text, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useApi, useClient } from '../../api/client';
import { isElectron } from '../../api/transport';
import { ViewHeader } from '../../components/ViewHeader';
import { ThreadsCard } from './ThreadsCard';
import { TrainerCard } from './TrainerCard';
import { useAction } from '../../ui/useAction';
import { AUTO_ADVANCE_SETTING } from '../samples/auto-advance';

export function Settings() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const client = useClient();
  const status = useApi('workspace.status', {});
  const autoAdvance = useApi('settings.get', { key: AUTO_ADVANCE_SETTING });
  const setAutoAdvance = useAction(
    (on: boolean) => client.call('settings.set', { key: AUTO_ADVANCE_SETTING, value: on }).then(() => autoAdvance.reload()),
    {
      errorTitle: 'Could not store the setting',
    },
  );
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
      <TrainerCard />
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
          onChange={(e) => void setAutoAdvance.run(e.currentTarget.checked)}
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
