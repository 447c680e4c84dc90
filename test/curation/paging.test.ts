import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { BrowseFilter, PageCursor } from '../../src/shared/contract/curation';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { pageSamples, type Plan } from '../../src/main/engine/curation/browse';
import { datasetStats } from '../../src/main/engine/curation/stats';
import { insertSample, tagSamples } from '../../src/main/engine/samples/samples-repo';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { tempDir } from '../helpers/tmp';

// Keyset paging and the maintained counts, checked against an ordering and filtering done here in
// JavaScript over every row (read straight from the tables).

const VERBS = ['weather', 'book', 'convert', 'translate', 'schedule'];
const PLACES = ['Paris', 'Rome', 'Oslo', 'Lima'];
const STATUSES = ['candidate', 'accepted', 'rejected', 'edited'] as const;
const CATEGORIES = ['simple', 'multiple', 'parallel', null];
const N = 420;

interface Truth {
  id: number;
  status: string;
  category: string | null;
  vote_share: number | null;
  pass_at_k: number | null;
  updated_at: string;
  query_text: string;
  output_text: string;
  tags: string | null;
}

let engine: Engine;
let client: ToolsmithClient;

beforeAll(() => {
  engine = openEngine(tempDir());
  client = createClient(engine);
  const db = engine.ctx.db;
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const query = `${VERBS[i % VERBS.length]} something in ${PLACES[(i * 7) % PLACES.length]} number ${i}`;
      ids.push(
        insertSample(db, {
          subtask: i % 11 === 0 ? 'refinement' : 'invocation',
          status: STATUSES[(i * 5) % 4],
          category: CATEGORIES[Math.floor(i / 3) % 4],
          queryText: query,
          input: { query, tools: [] },
          outputText: `[call_${i % 3}(x=${i})]`,
        })!,
      );
    }
  })();
  // Vote shares with ties and NULLs (every seventh), pass@k NULL on most, a few distinct updated_at values.
  db.prepare('UPDATE samples SET vote_share = CASE WHEN id % 7 = 0 THEN NULL ELSE (id % 5) / 4.0 END').run();
  db.prepare('UPDATE samples SET pass_at_k = CASE WHEN id % 3 = 0 THEN (id % 4) / 3.0 ELSE NULL END').run();
  db.prepare("UPDATE samples SET updated_at = '2025-01-0' || (1 + id % 4) || 'T00:00:00.000Z'").run();
  tagSamples(
    db,
    ids.filter((_, i) => i % 4 === 1),
    'picked',
  );
});
afterAll(() => engine.close());

function truth(): Truth[] {
  return engine.ctx.db
    .prepare(
      `SELECT s.id, s.status, s.category, s.vote_share, s.pass_at_k, s.updated_at, v.query_text, v.output_text,
              (SELECT group_concat(t.name) FROM sample_tags st JOIN tags t ON t.id = st.tag_id WHERE st.sample_id = s.id) AS tags
       FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version`,
    )
    .all() as Truth[];
}

const SORT_FIELD = {
  id: 'id',
  updated: 'updated_at',
  voteShare: 'vote_share',
  passAtK: 'pass_at_k',
  status: 'status',
  category: 'category',
} as const;
type SortKey = keyof typeof SORT_FIELD;

function matches(row: Truth, filter: BrowseFilter): boolean {
  if (filter.status && !filter.status.includes(row.status as never)) return false;
  if (filter.category && !filter.category.includes(row.category ?? '')) return false;
  if (filter.voteShare && (row.vote_share === null || row.vote_share < filter.voteShare.min || row.vote_share > filter.voteShare.max))
    return false;
  if (filter.tag && !(row.tags ?? '').split(',').includes(filter.tag)) return false;
  if (filter.search) {
    const words = `${row.query_text} ${row.output_text}`.toLowerCase().split(/[^\p{L}\p{N}_]+/u);
    if (!filter.search.split(/\s+/).every((w) => words.some((x) => x.startsWith(w.toLowerCase())))) return false;
  }
  return true;
}

/** SQLite's order: NULL below everything, ties broken by id in the same direction. */
function expected(filter: BrowseFilter, key: SortKey, dir: 'asc' | 'desc'): number[] {
  const field = SORT_FIELD[key];
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: Truth, b: Truth): number => {
    const x = a[field];
    const y = b[field];
    if (x !== y) {
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return (a.id - b.id) * sign;
  };
  return truth()
    .filter((r) => matches(r, filter))
    .sort(cmp)
    .map((r) => r.id);
}

function walkPages(filter: BrowseFilter, key: SortKey, dir: 'asc' | 'desc', plan?: Plan): number[] {
  const seen: number[] = [];
  let after: PageCursor | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = pageSamples(engine.ctx.db, { filter, sort: { key, dir }, offset: 0, limit: 37, after, plan });
    seen.push(...page.rows.map((r) => r.id));
    if (!page.hasMore) {
      expect(page.next).toBeNull();
      return seen;
    }
    after = page.next!;
  }
  throw new Error('paging did not end');
}

const FILTERS: BrowseFilter[] = [
  {},
  { status: ['candidate'] },
  { status: ['accepted', 'edited'], category: ['simple', 'parallel'] },
  { voteShare: { min: 0.25, max: 0.75 } },
  { tag: 'picked', status: ['rejected', 'candidate'] },
  // A term on a sort column beside another term: the 'filter' plan serves it from that column's index.
  { status: ['candidate', 'edited'], voteShare: { min: 0.25, max: 1 } },
  { category: ['multiple'], status: ['accepted'] },
  { search: 'weather' },
  { search: 'rome', category: ['multiple'] },
];

describe('keyset paging', () => {
  it('covers every matching row once, in order, for every sort, filter and plan', () => {
    for (const filter of FILTERS) {
      for (const key of Object.keys(SORT_FIELD) as SortKey[]) {
        for (const dir of ['asc', 'desc'] as const) {
          const want = expected(filter, key, dir);
          const plans: (Plan | undefined)[] = [undefined, 'walk', 'filter', ...(filter.search && key === 'id' ? (['fts'] as const) : [])];
          for (const plan of plans) {
            expect(walkPages(filter, key, dir, plan), `${JSON.stringify(filter)} ${key} ${dir} ${plan ?? 'chosen'}`).toEqual(want);
          }
        }
      }
    }
  });

  it('gives by offset the same rows as the full order, for every plan', () => {
    for (const filter of FILTERS.filter((f) => !f.search)) {
      for (const key of ['id', 'voteShare', 'status', 'updated'] as const) {
        const want = expected(filter, key, 'desc');
        for (const plan of [undefined, 'walk', 'filter'] as const) {
          for (const offset of [0, 40, want.length - 10]) {
            const page = pageSamples(engine.ctx.db, { filter, sort: { key, dir: 'desc' }, offset: Math.max(0, offset), limit: 25, plan });
            expect(
              page.rows.map((r) => r.id),
              `${JSON.stringify(filter)} ${key} ${plan ?? 'chosen'} @${offset}`,
            ).toEqual(want.slice(Math.max(0, offset), Math.max(0, offset) + 25));
          }
        }
      }
    }
  });

  it('gives the same rows by offset as by cursor, through the API', async () => {
    const filter: BrowseFilter = { status: ['candidate', 'rejected'] };
    const sort = { key: 'voteShare', dir: 'desc' } as const;
    const first = await client.call('samples.page', { filter, sort, limit: 50 });
    const byCursor = await client.call('samples.page', { filter, sort, limit: 50, offset: 50, after: first.next! });
    const byOffset = await client.call('samples.page', { filter, sort, limit: 50, offset: 50 });
    expect(byCursor.rows.map((r) => r.id)).toEqual(byOffset.rows.map((r) => r.id));
    expect([...first.rows, ...byCursor.rows].map((r) => r.id)).toEqual(expected(filter, 'voteShare', 'desc').slice(0, 100));
  });
});

describe('maintained counts', () => {
  const countOf = (filter: BrowseFilter) => {
    const rows = truth().filter((r) => matches(r, filter));
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return { total: rows.length, byStatus };
  };

  it('match the samples through inserts, curation, undo and deletes', async () => {
    for (const filter of FILTERS) expect(await client.call('samples.count', { filter }), JSON.stringify(filter)).toEqual(countOf(filter));
    const some = truth()
      .filter((r) => r.status === 'candidate')
      .slice(0, 30)
      .map((r) => r.id);
    const rejected = await client.call('samples.curate', { action: { kind: 'reject' }, target: { ids: some } });
    await client.call('samples.curate', {
      action: { kind: 'accept' },
      target: { filter: { category: ['parallel'], status: ['candidate'] } },
    });
    await client.call('samples.undo', { actionId: rejected.actionId });
    engine.ctx.db.prepare('UPDATE samples SET vote_share = 0.5 WHERE id % 13 = 0').run();
    engine.ctx.db.prepare('DELETE FROM samples WHERE id % 17 = 0').run();
    for (const filter of [...FILTERS, { voteShare: { min: 0.5, max: 0.5 } }])
      expect(await client.call('samples.count', { filter }), JSON.stringify(filter)).toEqual(countOf(filter));
    const stats = datasetStats(engine.ctx.db);
    const all = truth();
    expect(stats.subtasks.reduce((sum, s) => sum + s.total, 0)).toBe(all.length);
    const invocation = stats.subtasks.find((s) => s.subtask === 'invocation')!;
    const rows = engine.ctx.db.prepare("SELECT category FROM samples WHERE subtask = 'invocation'").pluck().all() as (string | null)[];
    expect(invocation.byCategory.none).toBe(rows.filter((c) => c === null).length);
    expect(invocation.byCategory.simple).toBe(rows.filter((c) => c === 'simple').length);
  });
});
