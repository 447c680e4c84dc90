import { Group, Paper, Stack, Text } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { BrowseFilter, CurationAction } from '../../../../shared/contract/curation';
import { useApi } from '../../api/client';
import { CurationBanner } from '../../components/CurationBanner';
import { EmptyState } from '../../components/EmptyState';
import { ViewHeader } from '../../components/ViewHeader';
import { AUTO_ADVANCE_SETTING } from './auto-advance';
import { BulkActions } from './BulkActions';
import { ConfirmBulkDialog } from './ConfirmBulkDialog';
import { EditDialog, type Editing } from './EditDialog';
import { browseFilterOf, queryFromState, stateFromQuery, type FilterState } from './filter-url';
import { SampleCounts } from './SampleCounts';
import { SampleDetailPane } from './SampleDetailPane';
import { SampleFilters } from './SampleFilters';
import { SampleList } from './SampleList';
import { TagDialog, type Tagging } from './TagDialog';
import { useCuration } from './useCuration';
import { useCurationKeys, type CurationCommand } from './useCurationKeys';
import { useSampleCursor } from './useSampleCursor';
import { useSamplePages } from './useSamplePages';

const DESCRIPTION = 'Browse, search and curate every generated or imported sample.';

export function Samples() {
  // The filters live in the URL: a reload, a link (the curation banner's) or back/forward restores the list.
  const [params, setParams] = useSearchParams();
  const query = params.toString();
  const state = useMemo(() => stateFromQuery(new URLSearchParams(query)), [query]);
  const filter = useMemo<BrowseFilter>(() => browseFilterOf(state), [state]);
  const { total, length, byStatus, pages } = useSamplePages(filter, state.sort);
  const autoAdvanceSetting = useApi('settings.get', { key: AUTO_ADVANCE_SETTING }, { refreshOn: ['workspace.changed'] });
  const autoAdvance = autoAdvanceSetting.data?.value !== false;
  const cursor = useSampleCursor(pages, length);
  const { curate, undo } = useCuration();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [tagging, setTagging] = useState<Tagging | null>(null);
  const [confirmBulk, setConfirmBulk] = useState<CurationAction | null>(null);
  const { reset } = cursor;
  const onFilter = useCallback(
    (next: FilterState) => {
      setParams(queryFromState(next), { replace: true });
      reset();
    },
    [setParams, reset],
  );
  const toList = useCallback(() => document.querySelector<HTMLElement>('[data-testid="sample-list"]')?.focus(), []);
  const count = total ?? 0;

  useCurationKeys(Boolean(editing || tagging || confirmBulk), (command: CurationCommand) => {
    const ids = cursor.targetIds();
    if (command === 'down' || command === 'up') cursor.move(command === 'down' ? 1 : -1);
    else if (command === 'accept' || command === 'reject') {
      if (!ids.length) return;
      const single = cursor.selected.size === 0;
      const after = command === 'accept' ? 'accepted' : 'rejected';
      void curate({ kind: command }, { ids }).then((ok) => {
        // On to the next sample: one the filter no longer shows leaves the list and the next takes its place;
        // one it still shows is stepped over.
        if (ok && single && autoAdvance && (!filter.status || filter.status.includes(after))) cursor.move(1);
      });
    } else if (command === 'edit') {
      if (cursor.focused) setEditing({ id: cursor.focused.id });
    } else if (command === 'tag') {
      if (ids.length) setTagging({ ids, tag: '' });
    } else if (command === 'undo') void undo();
    else cursor.toggleFocused();
  });

  const status = useApi('workspace.status', {}, { refreshOn: ['samples.changed'] });
  if (status.data && status.data.counts.samples === 0) {
    return (
      <Stack>
        <ViewHeader title="Samples" description={DESCRIPTION} actions={<BulkActions count={0} selected={0} empty />} />
        <EmptyState title="No samples yet">
          Samples appear once an evolution round has generated them or a dataset has been imported. You can then search them, see each
          verifier verdict and accept, reject or edit them with the keyboard.
        </EmptyState>
      </Stack>
    );
  }

  const { selected } = cursor;
  return (
    <Stack h="calc(100vh - 88px)" gap="sm">
      <ViewHeader
        title="Samples"
        description={DESCRIPTION}
        actions={
          <BulkActions
            count={count}
            selected={selected.size}
            onBulk={setConfirmBulk}
            onTag={() => setTagging({ ids: selected.size ? [...selected] : null, tag: '' })}
          />
        }
      />
      <CurationBanner />
      <SampleFilters value={state} onChange={onFilter} onDone={toList} />
      <SampleCounts total={total} byStatus={byStatus} />
      <Group align="stretch" gap="sm" style={{ flex: 1, minHeight: 0 }} wrap="nowrap">
        <Paper withBorder style={{ flex: 3, minWidth: 0 }}>
          <SampleList
            length={length}
            pages={pages}
            focus={cursor.focus}
            selected={selected}
            onRowClick={cursor.onRowClick}
            scrollTo={cursor.scrollTo}
          />
        </Paper>
        <Paper withBorder p="sm" style={{ flex: 2, minWidth: 0 }}>
          {cursor.focused ? (
            <SampleDetailPane id={cursor.focused.id} />
          ) : (
            <Text c="dimmed">{total === 0 ? 'No sample matches these filters.' : 'Select a sample.'}</Text>
          )}
        </Paper>
      </Group>
      <EditDialog editing={editing} setEditing={setEditing} />
      <TagDialog
        tagging={tagging}
        setTagging={setTagging}
        count={count}
        onTag={(tag, ids) => void curate({ kind: 'tag', tag }, ids ? { ids } : { filter }).then((ok) => ok && setTagging(null))}
      />
      <ConfirmBulkDialog
        action={confirmBulk}
        selected={selected.size}
        count={count}
        onClose={() => setConfirmBulk(null)}
        onConfirm={(action) => {
          setConfirmBulk(null);
          void curate(action, selected.size ? { ids: [...selected] } : { filter });
          cursor.clearSelection();
        }}
      />
    </Stack>
  );
}
