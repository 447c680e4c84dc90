import { Center, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** What a view shows before its data exists: what will fill it, and how to get there. */
export function EmptyState({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Center mih={240} data-testid="empty-state">
      <Stack align="center" gap="xs" maw={560}>
        <Title order={3}>{title}</Title>
        <Text c="dimmed" ta="center">
          {children}
        </Text>
        {action}
      </Stack>
    </Center>
  );
}
