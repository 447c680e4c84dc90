import { useEffect, useSyncExternalStore } from 'react';
import type { SampleRow } from '../../../../shared/contract/curation';
import type { SamplePages } from './sample-pages';

/** The row at an index, re-rendering the caller only when that row (not any page) changes. */
export function useSampleRow(pages: SamplePages, index: number | undefined): SampleRow | undefined {
  const row = useSyncExternalStore(pages.subscribe, () => (index === undefined ? undefined : pages.peek(index)));
  useEffect(() => {
    if (index !== undefined) pages.rowAt(index);
  }, [pages, index]);
  return row;
}
