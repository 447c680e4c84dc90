import { Button, Group } from '@mantine/core';
import type { CurationAction } from '../../../../shared/contract/curation';
import { DataTransferButtons } from '../../components/ExportDialog';

/** The Samples header's actions: accept, reject or tag the selection (or the whole filter), import and export. */
export function BulkActions({
  count,
  selected,
  onBulk,
  onTag,
  empty,
}: {
  count: number;
  selected: number;
  onBulk?: (action: CurationAction) => void;
  onTag?: () => void;
  /** No samples yet: import and export only. */
  empty?: boolean;
}) {
  const many = selected ? `${selected} selected` : count.toLocaleString();
  return (
    // One Group with the transfer buttons under one key, with samples or without: the open Import dialog
    // survives the first import.
    <Group gap="xs">
      {!empty && (
        <>
          <Button variant="light" size="xs" disabled={!count} onClick={() => onBulk?.({ kind: 'accept' })}>
            Accept all {many}
          </Button>
          <Button
            variant="light"
            color="red"
            size="xs"
            disabled={!count}
            onClick={() => onBulk?.({ kind: 'reject' })}
            data-testid="bulk-reject"
          >
            Reject all {many}
          </Button>
          <Button variant="light" color="gray" size="xs" disabled={!count} onClick={onTag}>
            Tag…
          </Button>
        </>
      )}
      <DataTransferButtons key="transfer" size="xs" />
    </Group>
  );
}
