import { Button, Card, Code, Group, Stack, Text, Textarea } from '@mantine/core';
import { PLAYGROUND_LIMITS } from '../../../../shared/contract/playground';
import type { PlaygroundChat } from './usePlaygroundChat';

const STAGES: Record<string, string> = {
  loading: 'Loading the model…',
  generating: 'Generating…',
  executing: 'Running the calls in the sandbox…',
  refining: 'Refining…',
  done: 'Done',
};

/** The message field with Send and Cancel, and the running request's stage and streamed text. */
export function MessageComposer({ chat, ready }: { chat: PlaygroundChat; ready: boolean }) {
  const { message, running } = chat;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Textarea
          label="Message"
          autosize
          minRows={2}
          maxLength={PLAYGROUND_LIMITS.messageChars}
          value={message}
          onChange={(e) => chat.setMessage(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void chat.send();
          }}
          data-testid="pg-message"
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Ctrl+Enter sends
          </Text>
          <Group>
            {running && (
              <Button color="red" variant="light" onClick={() => void chat.cancel()} data-testid="pg-cancel">
                Cancel
              </Button>
            )}
            <Button onClick={() => void chat.send()} loading={running !== null} disabled={!message.trim() || !ready} data-testid="pg-send">
              Send
            </Button>
          </Group>
        </Group>
        {running && (
          <Stack gap={4} aria-live="polite" data-testid="pg-progress">
            <Text size="sm">{STAGES[chat.stage ?? 'loading']}</Text>
            {chat.streamed && (
              <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="pg-streamed">
                {chat.streamed}
              </Code>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
