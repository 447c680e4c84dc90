import { useCallback, useEffect, useRef, useState } from 'react';
import type { BrowseFilter, SampleRow } from '../../../../shared/contract/curation';
import { useClient } from '../../api/client';

export const PAGE_SIZE = 100;

export type Sort = { key: 'id' | 'updated' | 'voteShare' | 'passAtK' | 'status' | 'category'; dir: 'asc' | 'desc' };

/**
 * Rows of a filtered, sorted sample list, fetched a page at a time as the virtual list asks for them.
 * The cache is dropped when the filter or sort changes, and refreshed when samples change.
 */
export function useSamplePages(filter: BrowseFilter, sort: Sort) {
  const client = useClient();
  const [total, setTotal] = useState<number | undefined>();
  const [byStatus, setByStatus] = useState<Record<string, number>>({});
  const [version, setVersion] = useState(0);
  const pages = useRef(new Map<number, SampleRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const key = JSON.stringify([filter, sort]);

  const refresh = useCallback(() => {
    const gen = ++generation.current;
    loading.current.clear();
    void client.call('samples.count', { filter }).then((count) => {
      if (gen !== generation.current) return;
      setTotal(count.total);
      setByStatus(count.byStatus);
    });
    // Keep showing the old rows until the fresh ones arrive, then refetch the pages that were loaded.
    const loaded = [...pages.current.keys()];
    pages.current = new Map();
    for (const index of loaded.length ? loaded : [0]) void load(index, gen);
    setVersion((v) => v + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);

  const load = useCallback(
    async (index: number, gen = generation.current) => {
      if (pages.current.has(index) || loading.current.has(index)) return;
      loading.current.add(index);
      try {
        const page = await client.call('samples.page', { filter, sort, offset: index * PAGE_SIZE, limit: PAGE_SIZE });
        if (gen !== generation.current) return;
        pages.current.set(index, page.rows);
        setVersion((v) => v + 1);
      } finally {
        loading.current.delete(index);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, key],
  );

  useEffect(() => {
    pages.current = new Map();
    refresh();
  }, [refresh]);

  useEffect(() => client.on('samples.changed', () => refresh()), [client, refresh]);

  const rowAt = useCallback(
    (index: number): SampleRow | undefined => {
      const page = Math.floor(index / PAGE_SIZE);
      const rows = pages.current.get(page);
      if (!rows) {
        void load(page);
        return undefined;
      }
      return rows[index % PAGE_SIZE];
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [load, version],
  );

  return { total, byStatus, rowAt, refresh, version };
}
