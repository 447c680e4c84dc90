import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import type { BrowseFilter, CurationAction } from '../../../../shared/contract/curation';
import { useClient } from '../../api/client';

const samples = (n: number) => `${n} sample${n === 1 ? '' : 's'}`;

/** Curating samples and undoing it, each said in a notification; `curate` resolves to whether it worked. */
export function useCuration() {
  const client = useClient();
  const curate = useCallback(
    async (action: CurationAction, target: { ids: number[] } | { filter: BrowseFilter }) => {
      try {
        const result = await client.call('samples.curate', { action, target });
        notifications.show({ message: `${action.kind} · ${samples(result.affected)} (u to undo)`, autoClose: 2500 });
        return true;
      } catch (error) {
        notifications.show({ color: 'red', title: `Could not ${action.kind}`, message: (error as Error).message });
        return false;
      }
    },
    [client],
  );
  const undo = useCallback(async () => {
    const result = await client.call('samples.undo');
    notifications.show({
      message: result.actionId === null ? 'Nothing to undo.' : `Undone (${samples(result.affected)}).`,
      autoClose: 2000,
    });
  }, [client]);
  return { curate, undo };
}
