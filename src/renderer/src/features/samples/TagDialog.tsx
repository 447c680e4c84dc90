import { Button, Modal, Text, TextInput } from '@mantine/core';

/** The samples to tag (null: all of the filter) and the tag typed so far. */
export interface Tagging {
  ids: number[] | null;
  tag: string;
}

export function TagDialog({
  tagging,
  setTagging,
  count,
  onTag,
}: {
  tagging: Tagging | null;
  setTagging: (t: Tagging | null) => void;
  /** How many samples the filter shows. */
  count: number;
  onTag: (tag: string, ids: number[] | null) => void;
}) {
  return (
    <Modal opened={tagging !== null} onClose={() => setTagging(null)} title="Tag samples">
      {tagging && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (tagging.tag.trim()) onTag(tagging.tag.trim(), tagging.ids);
          }}
        >
          <TextInput
            label="Tag"
            data-autofocus
            value={tagging.tag}
            onChange={(e) => setTagging({ ...tagging, tag: e.currentTarget.value })}
            data-testid="tag-input"
          />
          <Text size="sm" c="dimmed" mt="xs">
            {tagging.ids ? `${tagging.ids.length} sample(s)` : `All ${count.toLocaleString()} samples of this filter`}
          </Text>
          <Button type="submit" mt="sm">
            Tag
          </Button>
        </form>
      )}
    </Modal>
  );
}
