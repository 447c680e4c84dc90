import { useCallback, useRef, useState, type MouseEvent } from 'react';
import type { SampleRow } from '../../../../shared/contract/curation';
import type { SamplePages } from './sample-pages';
import { useSampleRow } from './useSampleRow';

/** The set with `id` added, or taken out when it was there. */
function toggled(set: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * Where the person is in the sample list: the focused row (moved by keys, scrolled into view), the rows
 * selected for bulk actions (shift-, ctrl-click or x), and what an action applies to.
 */
export function useSampleCursor(pages: SamplePages, length: number) {
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const scrollTo = useRef<((index: number) => void) | null>(null);
  // Re-renders the view when the focused row changes, not on every page the list fetches.
  const focused = useSampleRow(pages, length > 0 ? Math.min(focus, length - 1) : undefined);

  const onRowClick = useCallback((index: number, row: SampleRow | undefined, event: MouseEvent) => {
    setFocus(index);
    if (row && (event.shiftKey || event.ctrlKey || event.metaKey)) setSelected((s) => toggled(s, row.id));
  }, []);
  const move = useCallback(
    (delta: number) =>
      setFocus((f) => {
        const next = Math.max(0, Math.min(length - 1, f + delta));
        scrollTo.current?.(next);
        return next;
      }),
    [length],
  );
  const toggleFocused = () => focused && setSelected((s) => toggled(s, focused.id));
  /** The selection, else the focused sample. */
  const targetIds = (): number[] => (selected.size > 0 ? [...selected] : focused ? [focused.id] : []);
  const reset = useCallback(() => {
    setFocus(0);
    setSelected(new Set());
  }, []);
  const clearSelection = () => setSelected(new Set());
  return { focus, selected, focused, scrollTo, onRowClick, move, toggleFocused, targetIds, reset, clearSelection };
}
