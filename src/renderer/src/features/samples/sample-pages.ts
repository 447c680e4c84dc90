import type { PageCursor, SampleRow } from '../../../../shared/contract/curation';

export const PAGE_SIZE = 100;

export type Sort = { key: 'id' | 'updated' | 'voteShare' | 'passAtK' | 'status' | 'category'; dir: 'asc' | 'desc' };

export interface Page {
  rows: SampleRow[];
  /** Where the next page starts (keyset), or null on the last page. */
  next: PageCursor | null;
}

/**
 * The loaded pages of one filter and sort, as an external store: a page's arrival re-renders only what
 * subscribed (the list, and the view when its focused row changed), not the whole Samples view.
 */
export interface SamplePages {
  /** The row at an index, fetching its page when it is not loaded (undefined until it arrives). */
  rowAt(index: number): SampleRow | undefined;
  /** The row at an index if its page is loaded (fetches nothing). */
  peek(index: number): SampleRow | undefined;
  subscribe(listener: () => void): () => void;
  /** Changes whenever a page arrives or the pages are dropped. */
  version(): number;
}
