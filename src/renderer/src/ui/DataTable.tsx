import { Table, type TableProps, type TableTdProps, type TableThProps, type TableTrProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { SelectableRow } from '../components/SelectableRow';

type DataAttributes = { [attribute: `data-${string}`]: string | number | boolean | undefined };

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Props of the header cell (width, aria-sort). */
  th?: TableThProps;
  /** Props of each body cell, fixed or by row. */
  td?: TableTdProps | ((row: T) => TableTdProps);
}

export interface DataTableProps<T> extends Omit<TableProps, 'children'> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string | number;
  /** Opens a row's detail: the rows become selectable by click, Tab and Enter/Space. */
  onRowClick?: (row: T) => void;
  isSelected?: (row: T) => boolean;
  /** Shown instead of the table when there are no rows (and nothing is loading). */
  empty?: ReactNode;
  loading?: boolean;
  rowProps?: (row: T) => Omit<TableTrProps, 'onClick' | 'onSelect'> & DataAttributes;
  /** No header row (a key/value table). */
  noHeader?: boolean;
}

/** A Mantine table from rows and columns: the header, an empty state and optional row selection in one place. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  onRowClick,
  isSelected,
  empty,
  loading = false,
  rowProps,
  noHeader = false,
  ...table
}: DataTableProps<T>) {
  if (rows.length === 0 && !loading && empty !== undefined) return <>{empty}</>;
  const cells = (row: T) =>
    columns.map((c) => (
      <Table.Td key={c.key} {...(typeof c.td === 'function' ? c.td(row) : c.td)}>
        {c.cell(row)}
      </Table.Td>
    ));
  return (
    <Table {...table}>
      {!noHeader && (
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} {...c.th}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
      )}
      <Table.Tbody>
        {rows.map((row) =>
          onRowClick ? (
            <SelectableRow key={rowKey(row)} selected={isSelected?.(row) ?? false} onSelect={() => onRowClick(row)} {...rowProps?.(row)}>
              {cells(row)}
            </SelectableRow>
          ) : (
            <Table.Tr key={rowKey(row)} {...rowProps?.(row)}>
              {cells(row)}
            </Table.Tr>
          ),
        )}
      </Table.Tbody>
    </Table>
  );
}
