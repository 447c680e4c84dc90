import { Card, Code, SegmentedControl, Stack, Text, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useApi } from '../api/client';
import { isElectron } from '../api/transport';
import { ViewHeader } from '../components/ViewHeader';

export function Settings() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const status = useApi('workspace.status', {});
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
