import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BrowseFilter } from '../../../../shared/contract/curation';
import { useClient } from '../../api/client';
import { PAGE_SIZE, type Page, type SamplePages, type Sort } from './sample-pages';

/**
 * Rows of a filtered, sorted sample list, fetched a page at a time as the virtual list asks for them.
 *
 * A page whose predecessor is loaded is fetched at once, after that page's cursor (keyset: as cheap deep down
 * as at the top). A page reached by a jump (a scrollbar drag, a far key move) is fetched by offset, which
 * costs the engine a walk as deep as the offset: jumps go one at a time, and the next one is whichever page
 * the list asks for after the last arrival. A drag across a filtered million-row list thus fetches where it
 * stopped, not every page it passed (it waited 7 s behind them before).
 *
 * The count is fetched beside the first page and never holds it back: until it arrives, the list is as long
 * as the first page. The cache is dropped when the filter or sort changes. When samples change, the pages in
 * memory turn stale: they stay on screen, and each is fetched again when the list next asks for it.
 */
export function useSamplePages(filter: BrowseFilter, sort: Sort) {
  const client = useClient();
  const [total, setTotal] = useState<number | undefined>();
  const [byStatus, setByStatus] = useState<Record<string, number>>({});
  const [firstLength, setFirstLength] = useState(0);
  const pages = useRef(new Map<number, Page>());
  /** The pages before a refresh, shown until their fresh copies arrive. */
  const stale = useRef(new Map<number, Page>());
  const loading = useRef(new Set<number>());
  /** Pages asked for by a jump since the last page arrived (in the order asked), and whether one is in flight. */
  const jumps = useRef(new Set<number>());
  const jumping = useRef(false);
  const generation = useRef(0);
  const listeners = useRef(new Set<() => void>());
  const version = useRef(0);
  const key = JSON.stringify([filter, sort]);

  const changed = useCallback(() => {
    version.current++;
    for (const listener of listeners.current) listener();
  }, []);

  const load = useCallback(
    async (index: number, gen = generation.current) => {
      if (pages.current.has(index) || loading.current.has(index)) return;
      loading.current.add(index);
      try {
        const after = pages.current.get(index - 1)?.next ?? undefined;
        const page = await client.call('samples.page', { filter, sort, offset: index * PAGE_SIZE, limit: PAGE_SIZE, after });
        if (gen !== generation.current) return;
        pages.current.set(index, { rows: page.rows, next: page.next });
        stale.current.delete(index);
        if (index === 0) setFirstLength(page.rows.length);
        changed();
      } finally {
        if (gen === generation.current) loading.current.delete(index);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, key, changed],
  );

  const jumpNext = useCallback(() => {
    if (jumping.current) return;
    const index = [...jumps.current].find((i) => !pages.current.has(i) && !loading.current.has(i));
    jumps.current.clear();
    if (index === undefined) return;
    jumping.current = true;
    const gen = generation.current;
    load(index, gen)
      .catch(() => undefined) // The page stays unloaded; the list asks for it again when it next renders.
      .finally(() => {
        if (gen !== generation.current) return;
        jumping.current = false;
        // Pages asked for while this one was in flight may be long scrolled past: the list asks again on the
        // re-render this arrival causes, and only what it still shows is fetched.
        jumps.current.clear();
        changed();
      });
  }, [load, changed]);

  /** Fetch a page: at once when it can follow a loaded page's cursor, else as a jump. */
  const request = useCallback(
    (index: number) => {
      if (pages.current.has(index) || loading.current.has(index)) return;
      if (index === 0 || pages.current.get(index - 1)?.next) return void load(index);
      // Its predecessor is on its way: once it arrives, this page can follow its cursor.
      if (loading.current.has(index - 1)) return;
      jumps.current.add(index);
      // After the caller's render has asked for everything it shows, the first page it asked for goes first.
      queueMicrotask(jumpNext);
    },
    [load, jumpNext],
  );

  const refresh = useCallback(() => {
    const gen = ++generation.current;
    loading.current = new Set();
    jumps.current = new Set();
    jumping.current = false;
    // Every page in memory turns stale (with those a refresh before this one had not brought back yet).
    stale.current = new Map([...stale.current, ...pages.current]);
    pages.current = new Map();
    // A new list has nothing on screen to ask for its first page; a refreshed one asks for what it shows.
    if (stale.current.size === 0) void load(0, gen);
    void client.call('samples.count', { filter }).then((count) => {
      if (gen !== generation.current) return;
      setTotal(count.total);
      setByStatus(count.byStatus);
    });
    changed();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key, load, changed]);

  useEffect(() => {
    // A new filter or sort: nothing of the old list is shown.
    pages.current = new Map();
    stale.current = new Map();
    setTotal(undefined);
    setFirstLength(0);
    refresh();
  }, [refresh]);

  useEffect(() => client.on('samples.changed', () => refresh()), [client, refresh]);

  const store = useMemo<SamplePages>(() => {
    const peek = (index: number) => {
      const page = Math.floor(index / PAGE_SIZE);
      return (pages.current.get(page) ?? stale.current.get(page))?.rows[index % PAGE_SIZE];
    };
    return {
      peek,
      rowAt: (index) => {
        request(Math.floor(index / PAGE_SIZE));
        return peek(index);
      },
      subscribe: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      version: () => version.current,
    };
  }, [request]);

  // Until the count arrives, the rows of the first page (so the list paints without waiting for it).
  const length = total ?? firstLength;
  return { total, length, byStatus, pages: store, refresh };
}
