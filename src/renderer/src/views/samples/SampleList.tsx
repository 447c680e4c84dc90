import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type MouseEvent, type MutableRefObject } from 'react';
import type { SampleRow } from '../../../../shared/contract/curation';
import { Highlighted } from '../../components/Highlighted';
import { StatusBadge } from './StatusBadge';

export const ROW_HEIGHT = 56;

/**
 * The virtualised sample list. It owns the virtualizer, so scrolling re-renders this list only (not the
 * filters, header and detail pane around it), and rows are memoised: a scroll frame renders just the rows
 * that come into view.
 */
export const SampleList = memo(function SampleList({
  length,
  rowAt,
  focus,
  selected,
  onRowClick,
  scrollTo,
}: {
  length: number;
  rowAt: (index: number) => SampleRow | undefined;
  focus: number;
  selected: ReadonlySet<number>;
  onRowClick: (index: number, row: SampleRow | undefined, event: MouseEvent) => void;
  /** Filled with a function that scrolls a row into view (keyboard moves). */
  scrollTo: MutableRefObject<((index: number) => void) | null>;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  useEffect(() => {
    scrollTo.current = (index) => virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [scrollTo, virtualizer]);
  return (
    <div
      ref={listRef}
      style={{ height: '100%', overflow: 'auto' }}
      role="listbox"
      aria-label="Samples"
      tabIndex={0}
      data-testid="sample-list"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rowAt(item.index);
          return (
            <SampleListRow
              key={item.key}
              index={item.index}
              start={item.start}
              row={row}
              isFocus={item.index === focus}
              isSelected={row ? selected.has(row.id) : false}
              onClick={onRowClick}
            />
          );
        })}
      </div>
    </div>
  );
});

const SampleListRow = memo(function SampleListRow({
  index,
  start,
  row,
  isFocus,
  isSelected,
  onClick,
}: {
  index: number;
  start: number;
  row: SampleRow | undefined;
  isFocus: boolean;
  isSelected: boolean;
  onClick: (index: number, row: SampleRow | undefined, event: MouseEvent) => void;
}) {
  return (
    <Box
      role="option"
      aria-selected={isFocus}
      data-testid={row ? `sample-row-${row.id}` : undefined}
      onClick={(event) => onClick(index, row, event)}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        transform: `translateY(${start}px)`,
        padding: '6px 10px',
        cursor: 'pointer',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: isFocus ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      {row ? (
        <Group gap="xs" wrap="nowrap" h="100%">
          {isSelected && (
            <Badge size="xs" color="dark" variant="filled" aria-label="selected">
              ✓
            </Badge>
          )}
          <StatusBadge status={row.status} />
          <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
            <Text size="sm" truncate>
              {row.highlight ? <Highlighted text={row.highlight.query} /> : row.query}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace" truncate>
              {row.highlight ? <Highlighted text={row.highlight.output} /> : row.output}
            </Text>
          </Stack>
          <Text size="xs" c="dimmed" w={90} ta="right">
            {row.category ?? row.subtask}
            {row.voteShare !== null ? ` · ${row.voteShare.toFixed(2)}` : ''}
          </Text>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      )}
    </Box>
  );
});
