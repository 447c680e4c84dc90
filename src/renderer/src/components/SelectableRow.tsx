import { Table, type TableTrProps } from '@mantine/core';
import type { KeyboardEvent, ReactNode } from 'react';

interface SelectableRowProps extends Omit<TableTrProps, 'onSelect'> {
  selected: boolean;
  onSelect: () => void;
  children: ReactNode;
}

/**
 * A table row that opens its item's detail: clickable, reachable with Tab and chosen with Enter or Space
 * (so the master–detail views work from the keyboard), and marked as selected for assistive technology.
 */
export function SelectableRow({ selected, onSelect, children, ...rest }: SelectableRowProps) {
  const onKeyDown = (e: KeyboardEvent) => {
    // Keys on a button inside the row are that button's own.
    if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    onSelect();
  };
  return (
    <Table.Tr
      {...rest}
      tabIndex={0}
      aria-selected={selected}
      onClick={onSelect}
      onKeyDown={onKeyDown}
      style={{ cursor: 'pointer' }}
      bg={selected ? 'var(--mantine-color-blue-light)' : undefined}
    >
      {children}
    </Table.Tr>
  );
}
