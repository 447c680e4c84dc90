import { Anchor, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { PlaygroundChat } from './usePlaygroundChat';
import { Verdicts } from './Verdicts';

/** The last exchange's answer, editable, saved as a sample (checked and verified like an edit). */
export function SaveSampleCard({ chat }: { chat: PlaygroundChat }) {
  const { saved } = chat;
  return (
    <Card withBorder>
      <Title order={4} mb="xs">
        Save as a sample
      </Title>
      <Stack gap="xs">
        <Textarea
          label="Answer to save"
          description="A call list, or words when no tool fits; checked and verified like an edit"
          autosize
          minRows={1}
          value={chat.toSave}
          onChange={(e) => chat.setToSave(e.currentTarget.value)}
          data-testid="pg-save-output"
        />
        <Group>
          <Button onClick={() => void chat.save()} loading={chat.saving} disabled={!chat.toSave.trim()} data-testid="pg-save">
            Save as sample
          </Button>
          {saved && (
            <Group gap="xs" data-testid="pg-saved">
              <Text size="sm">
                {saved.created ? 'Saved as' : 'Already saved as'} sample #{saved.sampleId} ({saved.category})
              </Text>
              <Verdicts verdicts={saved.verdicts} testId="pg-saved-verdicts" />
              <Anchor component={Link} to="/samples" size="sm">
                Open Samples
              </Anchor>
            </Group>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
