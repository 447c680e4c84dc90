import { Text } from '@mantine/core';

/** Where paths are read and written: in a browser, on the machine running Toolsmith's server. */
export function PathNote({ what }: { what: string }) {
  return (
    <Text size="xs" c="dimmed" data-testid="path-note">
      {window.toolsmith
        ? `Type the full path of the ${what} on this computer.`
        : `Type a path on the machine running Toolsmith: its server writes the ${what} there, not into this browser's downloads.`}
    </Text>
  );
}
