import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useApi, useClient } from '../../api/client';
import { ToolList } from '../../components/ToolList';
import { EditReadingNote } from './EditReadingNote';

/** The sample being edited, and what the person typed (undefined until they type). */
export interface Editing {
  id: number;
  output?: string;
  error?: string;
}

function EditForm({ editing, setEditing }: { editing: Editing; setEditing: (e: Editing | null) => void }) {
  const client = useClient();
  const detail = useApi('samples.detail', { id: editing.id });
  const tools = (detail.data?.input as { tools?: unknown } | undefined)?.tools;
  // Until the person types, the calls are the sample's current output, whole (a list row holds its start only).
  const output = editing.output ?? detail.data?.row.output;
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          if (output === undefined) return;
          await client.call('samples.curate', { action: { kind: 'edit', output }, target: { ids: [editing.id] } });
          notifications.show({ message: `Sample ${editing.id} edited (u to undo)`, autoClose: 2000 });
          setEditing(null);
        } catch (error) {
          setEditing({ ...editing, output, error: (error as Error).message });
        }
      }}
    >
      <Stack>
        <Textarea
          label="Calls"
          description='The canonical call syntax, e.g. [get_weather(city="Paris")]; checked against the sample&apos;s tools when saved.'
          autosize
          minRows={3}
          data-autofocus
          ff="monospace"
          value={output ?? ''}
          disabled={output === undefined}
          onChange={(e) => setEditing({ ...editing, output: e.currentTarget.value, error: undefined })}
          data-testid="edit-output"
        />
        <EditReadingNote id={editing.id} output={output} />
        {editing.error && (
          <Alert color="red" data-testid="edit-error">
            {editing.error}
          </Alert>
        )}
        {tools !== undefined && <ToolList tools={tools} />}
        <Group>
          <Button type="submit" data-testid="save-edit" disabled={output === undefined}>
            Save as a new version
          </Button>
          <Button variant="default" onClick={() => setEditing(null)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Editing one sample's calls: saved as a new version, checked by the engine as it is typed. */
export function EditDialog({ editing, setEditing }: { editing: Editing | null; setEditing: (e: Editing | null) => void }) {
  return (
    <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit sample ${editing?.id ?? ''}`} size="lg">
      {editing && <EditForm editing={editing} setEditing={setEditing} />}
    </Modal>
  );
}
