import { Alert, Badge, Button, Group, Kbd, Modal, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { BrowseFilter, CurationAction, SampleRow } from '../../../shared/contract/curation';
import { useApi, useClient } from '../api/client';
import { EmptyState } from '../components/EmptyState';
import { CurationBanner } from '../components/CurationBanner';
import { EditReadingNote } from '../components/EditReading';
import { DataTransferButtons } from '../components/ExportDialog';
import { ToolList } from '../components/ToolList';
import { ViewHeader } from '../components/ViewHeader';
import { SampleDetailPane } from './samples/SampleDetailPane';
import { AUTO_ADVANCE_SETTING } from './samples/auto-advance';
import { browseFilterOf, queryFromState, stateFromQuery, type FilterState } from './samples/filter-url';
import { SampleFilters } from './samples/SampleFilters';
import { SampleList } from './samples/SampleList';
import { useSamplePages, useSampleRow } from './samples/useSamplePages';

/** Whether a key press is typing (in a text field) or a dropdown's own navigation, not a curation command. */
function isTyping(target: HTMLElement, key: string): boolean {
  if (target.closest('textarea, [contenteditable]')) return true;
  const input = target.closest('input');
  // A Select that cannot be typed in is read-only: its keys are commands, but not while its list is open.
  if (input && !input.readOnly) return true;
  const combobox = target.closest('[aria-haspopup="listbox"], [role="combobox"]');
  if (combobox && (combobox.getAttribute('aria-expanded') === 'true' || key.startsWith('Arrow') || key === 'Enter' || key === ' '))
    return true;
  return false;
}

export function Samples() {
  const client = useClient();
  // The filters live in the URL: a reload, a link (the curation banner's) or back/forward restores the list.
  const [params, setParams] = useSearchParams();
  const query = params.toString();
  const state = useMemo(() => stateFromQuery(new URLSearchParams(query)), [query]);
  const filter = useMemo<BrowseFilter>(() => browseFilterOf(state), [state]);
  const sort = state.sort;
  const { total, length, byStatus, pages } = useSamplePages(filter, sort);
  const autoAdvanceSetting = useApi('settings.get', { key: AUTO_ADVANCE_SETTING }, { refreshOn: ['workspace.changed'] });
  const autoAdvance = autoAdvanceSetting.data?.value !== false;
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [editing, setEditing] = useState<Editing | null>(null);
  const [tagging, setTagging] = useState<{ ids: number[] | null; tag: string } | null>(null);
  const [confirmBulk, setConfirmBulk] = useState<CurationAction | null>(null);
  const scrollTo = useRef<((index: number) => void) | null>(null);
  const onFilter = useCallback(
    (next: FilterState) => {
      setParams(queryFromState(next), { replace: true });
      setFocus(0);
      setSelected(new Set());
    },
    [setParams],
  );
  const toList = useCallback(() => {
    document.querySelector<HTMLElement>('[data-testid="sample-list"]')?.focus();
  }, []);
  const count = total ?? 0;
  // Re-renders this view when the focused row changes, not on every page the list fetches.
  const focused = useSampleRow(pages, length > 0 ? Math.min(focus, length - 1) : undefined);
  const onRowClick = useCallback((index: number, row: SampleRow | undefined, event: MouseEvent) => {
    setFocus(index);
    // Shift- or Ctrl-click adds to (or removes from) the selection for bulk actions.
    if (row && (event.shiftKey || event.ctrlKey || event.metaKey))
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(row.id)) next.delete(row.id);
        else next.add(row.id);
        return next;
      });
  }, []);

  const curate = useCallback(
    async (action: CurationAction, target: { ids: number[] } | { filter: BrowseFilter }) => {
      try {
        const result = await client.call('samples.curate', { action, target });
        notifications.show({
          message: `${action.kind} · ${result.affected} sample${result.affected === 1 ? '' : 's'} (u to undo)`,
          autoClose: 2500,
        });
        return true;
      } catch (error) {
        notifications.show({ color: 'red', title: `Could not ${action.kind}`, message: (error as Error).message });
        return false;
      }
    },
    [client],
  );
  const targetIds = useCallback((): number[] => (selected.size > 0 ? [...selected] : focused ? [focused.id] : []), [selected, focused]);

  const undo = useCallback(async () => {
    const result = await client.call('samples.undo');
    notifications.show({
      message: result.actionId === null ? 'Nothing to undo.' : `Undone (${result.affected} sample${result.affected === 1 ? '' : 's'}).`,
      autoClose: 2000,
    });
  }, [client]);

  const move = useCallback(
    (delta: number) => {
      setFocus((f) => {
        const next = Math.max(0, Math.min(length - 1, f + delta));
        scrollTo.current?.(next);
        return next;
      });
    },
    [length],
  );

  // After accept or reject, on to the next sample: a sample the filter no longer shows leaves the list and the
  // next one takes its place; one it still shows is stepped over.
  const advance = useCallback(
    (status: string) => {
      if (filter.status && !filter.status.includes(status as never)) return;
      move(1);
    },
    [filter.status, move],
  );

  // Keyboard curation: j/k move, a accept, r reject, e edit, t tag, u undo, x select.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      // Typing in a field or a dropdown is not a command; the sample list, a filter that was chosen or the page are.
      const inDropdown = target.closest('[role="listbox"]') && !target.closest('[data-testid="sample-list"]');
      if (editing || tagging || confirmBulk || inDropdown || isTyping(target, event.key)) return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const ids = targetIds();
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          move(-1);
          break;
        case 'a':
        case 'r': {
          if (!ids.length) break;
          const action: CurationAction = event.key === 'a' ? { kind: 'accept' } : { kind: 'reject' };
          const single = selected.size === 0;
          void curate(action, { ids }).then((ok) => {
            if (ok && single && autoAdvance) advance(action.kind === 'accept' ? 'accepted' : 'rejected');
          });
          break;
        }
        case 'e':
          if (focused) setEditing({ id: focused.id });
          break;
        case 't':
          if (ids.length) setTagging({ ids, tag: '' });
          break;
        case 'u':
          void undo();
          break;
        case 'x':
          if (focused)
            setSelected((s) => {
              const next = new Set(s);
              if (next.has(focused.id)) next.delete(focused.id);
              else next.add(focused.id);
              return next;
            });
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editing, tagging, confirmBulk, targetIds, move, curate, undo, focused, selected, autoAdvance, advance]);

  const status = useApi('workspace.status', {}, { refreshOn: ['samples.changed'] });
  if (status.data && status.data.counts.samples === 0) {
    return (
      <Stack>
        <ViewHeader
          title="Samples"
          description="Browse, search and curate every generated or imported sample."
          actions={
            // Same Group and key as in the list's header: the open Import dialog survives the first import.
            <Group gap="xs">
              <DataTransferButtons key="transfer" size="xs" />
            </Group>
          }
        />
        <EmptyState title="No samples yet">
          Samples appear once an evolution round has generated them or a dataset has been imported. You can then search them, see each
          verifier verdict and accept, reject or edit them with the keyboard.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack h="calc(100vh - 88px)" gap="sm">
      <ViewHeader
        title="Samples"
        description="Browse, search and curate every generated or imported sample."
        actions={
          <Group gap="xs">
            <Button variant="light" size="xs" disabled={!count} onClick={() => setConfirmBulk({ kind: 'accept' })}>
              Accept all {selected.size ? `${selected.size} selected` : count.toLocaleString()}
            </Button>
            <Button
              variant="light"
              color="red"
              size="xs"
              disabled={!count}
              onClick={() => setConfirmBulk({ kind: 'reject' })}
              data-testid="bulk-reject"
            >
              Reject all {selected.size ? `${selected.size} selected` : count.toLocaleString()}
            </Button>
            <Button
              variant="light"
              color="gray"
              size="xs"
              disabled={!count}
              onClick={() => setTagging({ ids: selected.size ? [...selected] : null, tag: '' })}
            >
              Tag…
            </Button>
            <DataTransferButtons key="transfer" size="xs" />
          </Group>
        }
      />
      <CurationBanner />
      <SampleFilters value={state} onChange={onFilter} onDone={toList} />
      <Group gap="xs" data-testid="sample-counts">
        <Text size="sm" fw={600}>
          {total === undefined ? '…' : `${count.toLocaleString()} sample${count === 1 ? '' : 's'}`}
        </Text>
        {Object.entries(byStatus).map(([s, n]) => (
          <Badge key={s} variant="outline" color="gray" data-testid={`status-count-${s}`}>
            {s} {n.toLocaleString()}
          </Badge>
        ))}
        <Text size="xs" c="dimmed" ml="auto">
          <Kbd>j</Kbd>/<Kbd>k</Kbd> move · <Kbd>a</Kbd> accept · <Kbd>r</Kbd> reject · <Kbd>e</Kbd> edit · <Kbd>t</Kbd> tag · <Kbd>x</Kbd>{' '}
          or shift-click select · <Kbd>u</Kbd> undo
        </Text>
      </Group>
      <Group align="stretch" gap="sm" style={{ flex: 1, minHeight: 0 }} wrap="nowrap">
        <Paper withBorder style={{ flex: 3, minWidth: 0 }}>
          <SampleList length={length} pages={pages} focus={focus} selected={selected} onRowClick={onRowClick} scrollTo={scrollTo} />
        </Paper>
        <Paper withBorder p="sm" style={{ flex: 2, minWidth: 0 }}>
          {focused ? (
            <SampleDetailPane id={focused.id} />
          ) : (
            <Text c="dimmed">{total === 0 ? 'No sample matches these filters.' : 'Select a sample.'}</Text>
          )}
        </Paper>
      </Group>

      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit sample ${editing?.id ?? ''}`} size="lg">
        {editing && <EditForm editing={editing} setEditing={setEditing} />}
      </Modal>
      <Modal opened={tagging !== null} onClose={() => setTagging(null)} title="Tag samples">
        {tagging && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!tagging.tag.trim()) return;
              void curate({ kind: 'tag', tag: tagging.tag.trim() }, tagging.ids ? { ids: tagging.ids } : { filter }).then(
                (ok) => ok && setTagging(null),
              );
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
      <Modal opened={confirmBulk !== null} onClose={() => setConfirmBulk(null)} title="Apply to many samples?">
        <Text>
          {confirmBulk?.kind === 'accept' ? 'Accept' : 'Reject'}{' '}
          {selected.size ? `${selected.size} selected samples` : `all ${count.toLocaleString()} samples of this filter`}? You can undo it
          with <Kbd>u</Kbd>.
        </Text>
        <Group mt="md">
          <Button
            data-testid="confirm-bulk"
            color={confirmBulk?.kind === 'reject' ? 'red' : undefined}
            onClick={() => {
              const action = confirmBulk!;
              setConfirmBulk(null);
              void curate(action, selected.size ? { ids: [...selected] } : { filter });
              setSelected(new Set());
            }}
          >
            {confirmBulk?.kind === 'accept' ? 'Accept' : 'Reject'}
          </Button>
          <Button variant="default" onClick={() => setConfirmBulk(null)}>
            Cancel
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** The sample being edited, and what the person typed (undefined until they type). */
interface Editing {
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
