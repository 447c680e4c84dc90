import { Badge, Group, Kbd, Text } from '@mantine/core';

/** How many samples the filter shows, by status, and the curation keys. */
export function SampleCounts({ total, byStatus }: { total: number | undefined; byStatus: Record<string, number> }) {
  const count = total ?? 0;
  return (
    <Group gap="xs" data-testid="sample-counts">
      <Text size="sm" fw={600}>
        {total === undefined ? '…' : `${count.toLocaleString()} sample${count === 1 ? '' : 's'}`}
      </Text>
      {Object.entries(byStatus).map(([s, n]) => (
        <Badge key={s} variant="outline" color="gray" data-testid={`status-count-${s}`}>
          {s} {n.toLocaleString()}
        </Badge>
      ))}
      <Text size="xs" c="dimmed" ml="auto">
        <Kbd>j</Kbd>/<Kbd>k</Kbd> move · <Kbd>a</Kbd> accept · <Kbd>r</Kbd> reject · <Kbd>e</Kbd> edit · <Kbd>t</Kbd> tag · <Kbd>x</Kbd> or
        shift-click select · <Kbd>u</Kbd> undo
      </Text>
    </Group>
  );
}
