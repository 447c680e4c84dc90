import { Button, Group, Kbd, Modal, Text } from '@mantine/core';
import type { CurationAction } from '../../../../shared/contract/curation';

/** "Accept (or reject) many samples?": the selection's, or every sample of the filter. */
export function ConfirmBulkDialog({
  action,
  selected,
  count,
  onConfirm,
  onClose,
}: {
  action: CurationAction | null;
  /** How many samples are selected (0: the filter's `count` are meant). */
  selected: number;
  count: number;
  onConfirm: (action: CurationAction) => void;
  onClose: () => void;
}) {
  const verb = action?.kind === 'accept' ? 'Accept' : 'Reject';
  return (
    <Modal opened={action !== null} onClose={onClose} title="Apply to many samples?">
      <Text>
        {verb} {selected ? `${selected} selected samples` : `all ${count.toLocaleString()} samples of this filter`}? You can undo it with{' '}
        <Kbd>u</Kbd>.
      </Text>
      <Group mt="md">
        <Button data-testid="confirm-bulk" color={action?.kind === 'reject' ? 'red' : undefined} onClick={() => onConfirm(action!)}>
          {verb}
        </Button>
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
      </Group>
    </Modal>
  );
}
