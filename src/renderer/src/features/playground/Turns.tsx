import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { PlaygroundTurn } from '../../../../shared/contract/playground';

export function Turns({ turns }: { turns: PlaygroundTurn[] }) {
  return (
    <Stack gap="xs" data-testid="pg-conversation">
      {turns.map((t, i) => (
        <Paper key={i} withBorder p="xs" data-testid={`pg-turn-${t.role}`}>
          <Group gap="xs" mb={4}>
            <Badge
              variant="light"
              color={t.role === 'user' ? 'blue' : t.role === 'tool' ? 'grape' : 'teal'}
              style={{ textTransform: 'none' }}
            >
              {t.role}
              {t.name ? ` · ${t.name}` : ''}
            </Badge>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {t.content}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}
