import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, useSyncExternalStore, type MouseEvent, type MutableRefObject, type ReactNode } from 'react';
import type { SampleRow } from '../../../../shared/contract/curation';
import { PAGE_SIZE, type SamplePages } from './sample-pages';
import './SampleList.css';

export const ROW_HEIGHT = 56;

/**
 * The virtualised sample list. It owns the virtualizer and subscribes to page arrivals itself, so scrolling
 * and fetching re-render this list only (not the filters, header and detail pane around it). Rows are
 * memoised plain elements styled by SampleList.css (no per-row component tree or inline styles): a scroll
 * frame creates just the few rows that come into view, and the rows on screen are moved as one block.
 */
export const SampleList = memo(function SampleList({
  length,
  pages,
  focus,
  selected,
  onRowClick,
  scrollTo,
}: {
  length: number;
  pages: SamplePages;
  focus: number;
  selected: ReadonlySet<number>;
  onRowClick: (index: number, row: SampleRow | undefined, event: MouseEvent) => void;
  /** Filled with a function that scrolls a row into view (keyboard moves). */
  scrollTo: MutableRefObject<((index: number) => void) | null>;
}) {
  useSyncExternalStore(pages.subscribe, pages.version);
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  useEffect(() => {
    scrollTo.current = (index) => virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [scrollTo, virtualizer]);
  // One listener for every row: a row needs no handler of its own.
  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      const option = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!option) return;
      const index = Number(option.dataset.index);
      onRowClick(index, pages.rowAt(index), event);
    },
    [pages, onRowClick],
  );
  const items = virtualizer.getVirtualItems();
  // The rows on screen are asked for first: after a jump, their page is the one fetched first.
  const rows = items.map((item) => pages.rowAt(item.index));
  // Half a page ahead either way is fetched already, so a steady scroll meets rows rather than "Loading…".
  if (items.length > 0) {
    const ahead = items[items.length - 1]!.index + PAGE_SIZE / 2;
    const behind = items[0]!.index - PAGE_SIZE / 2;
    if (ahead < length) pages.rowAt(ahead);
    if (behind >= 0) pages.rowAt(behind);
  }
  return (
    <div ref={listRef} className="sample-list" role="listbox" aria-label="Samples" tabIndex={0} data-testid="sample-list" onClick={onClick}>
      <div className="sample-list-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {/* Rows have one fixed height, so the rows on screen stack in flow inside one moved block. */}
        <div className="sample-list-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item, i) => {
            const row = rows[i];
            return (
              <SampleListRow
                key={item.key}
                index={item.index}
                row={row}
                isFocus={item.index === focus}
                isSelected={row ? selected.has(row.id) : false}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
});

const SampleListRow = memo(function SampleListRow({
  index,
  row,
  isFocus,
  isSelected,
}: {
  index: number;
  row: SampleRow | undefined;
  isFocus: boolean;
  isSelected: boolean;
}) {
  return (
    <div
      className="sample-row"
      role="option"
      aria-selected={isFocus}
      data-index={index}
      data-testid={row ? `sample-row-${row.id}` : undefined}
    >
      {row ? (
        <>
          {isSelected && (
            <span className="sample-row-check" role="img" aria-label="selected">
              ✓
            </span>
          )}
          <span className="sample-status" data-status={row.status} data-testid="status-badge">
            {row.status}
          </span>
          <div className="sample-row-text">
            <div className="sample-row-query">{row.highlight ? marked(row.highlight.query) : row.query}</div>
            <div className="sample-row-output">{row.highlight ? marked(row.highlight.output) : row.output}</div>
          </div>
          <div className="sample-row-meta">
            {row.category ?? row.subtask}
            {row.voteShare !== null ? ` · ${row.voteShare.toFixed(2)}` : ''}
          </div>
        </>
      ) : (
        <div className="sample-row-loading">Loading…</div>
      )}
    </div>
  );
});

// The engine marks search highlights \u0001 … \u0002: control characters on purpose, they cannot occur in sample text.
// eslint-disable-next-line no-control-regex
const HIGHLIGHT = /(\u0001[^\u0002]*\u0002)/;

/** Search highlights as plain <mark> elements. */
function marked(text: string): ReactNode[] {
  return text.split(HIGHLIGHT).map((piece, i) => (piece.startsWith('\u0001') ? <mark key={i}>{piece.slice(1, -1)}</mark> : piece));
}
