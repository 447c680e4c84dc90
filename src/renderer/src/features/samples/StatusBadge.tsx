import { Badge } from '@mantine/core';

// Filled, dark shades: white text keeps 4.5:1 contrast on any row background.
const COLORS: Record<string, string> = { candidate: 'gray.7', accepted: 'teal.9', rejected: 'red.9', edited: 'blue.9' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="filled" data-testid="status-badge">
      {status}
    </Badge>
  );
}
