import { useCallback, useEffect, useRef, useState } from 'react';
import type { BrowseFilter, PageCursor, SampleRow } from '../../../../shared/contract/curation';
import { useClient } from '../../api/client';

export const PAGE_SIZE = 100;

export type Sort = { key: 'id' | 'updated' | 'voteShare' | 'passAtK' | 'status' | 'category'; dir: 'asc' | 'desc' };

interface Page {
  rows: SampleRow[];
  /** Where the next page starts (keyset), or null on the last page. */
  next: PageCursor | null;
}

/**
 * Rows of a filtered, sorted sample list, fetched a page at a time as the virtual list asks for them.
 * A page whose predecessor is loaded is fetched after that page's cursor (keyset: as cheap deep down as at
 * the top); a page reached by a jump is fetched by offset. The count is fetched beside the first page and
 * never holds it back: until it arrives, the list is as long as the first page.
 * The cache is dropped when the filter or sort changes, and refreshed when samples change.
 */
export function useSamplePages(filter: BrowseFilter, sort: Sort) {
  const client = useClient();
  const [total, setTotal] = useState<number | undefined>();
  const [byStatus, setByStatus] = useState<Record<string, number>>({});
  const [version, setVersion] = useState(0);
  const pages = useRef(new Map<number, Page>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const key = JSON.stringify([filter, sort]);

  const load = useCallback(
    async (index: number, gen = generation.current) => {
      if (pages.current.has(index) || loading.current.has(index)) return;
      loading.current.add(index);
      try {
        const after = pages.current.get(index - 1)?.next ?? undefined;
        const page = await client.call('samples.page', { filter, sort, offset: index * PAGE_SIZE, limit: PAGE_SIZE, after });
        if (gen !== generation.current) return;
        pages.current.set(index, { rows: page.rows, next: page.next });
        setVersion((v) => v + 1);
      } finally {
        if (gen === generation.current) loading.current.delete(index);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, key],
  );

  const refresh = useCallback(() => {
    const gen = ++generation.current;
    loading.current = new Set();
    // Keep showing the old rows until the fresh ones arrive, then refetch the pages that were loaded.
    const loaded = [...pages.current.keys()];
    pages.current = new Map();
    for (const index of loaded.length ? loaded : [0]) void load(index, gen);
    void client.call('samples.count', { filter }).then((count) => {
      if (gen !== generation.current) return;
      setTotal(count.total);
      setByStatus(count.byStatus);
    });
    setVersion((v) => v + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key, load]);

  useEffect(() => {
    pages.current = new Map();
    setTotal(undefined);
    refresh();
  }, [refresh]);

  useEffect(() => client.on('samples.changed', () => refresh()), [client, refresh]);

  const rowAt = useCallback(
    (index: number): SampleRow | undefined => {
      const page = Math.floor(index / PAGE_SIZE);
      const rows = pages.current.get(page)?.rows;
      if (!rows) {
        void load(page);
        return undefined;
      }
      return rows[index % PAGE_SIZE];
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [load, version],
  );

  // Until the count arrives, the rows of the first page (so the list paints without waiting for it).
  const first = pages.current.get(0);
  const length = total ?? (first ? first.rows.length : 0);
  return { total, length, byStatus, rowAt, refresh, version };
}
