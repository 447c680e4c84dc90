import { beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { tempDir } from '../helpers/tmp';

const weather = normalizeTools([
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
    },
  },
]);
const CITIES = ['Paris', 'Rome', 'Oslo', 'Lima', 'Quito', 'Hanoi'];

let engine: Engine;
let client: ToolsmithClient;
let ids: number[];

beforeEach(() => {
  engine = openEngine(tempDir());
  client = createClient(engine);
  ids = CITIES.map((city, i) =>
    insertSample(engine.ctx.db, {
      subtask: 'invocation',
      category: i === 5 ? 'irrelevance' : 'simple',
      queryText: `What is the weather in ${city}?`,
      input: { query: `What is the weather in ${city}?`, tools: weather },
      outputText: `[get_weather(city="${city}")]`,
    })!,
  );
  engine.ctx.db
    .prepare('UPDATE samples SET vote_share = 0.25 * (id % 4) WHERE id IN (SELECT value FROM json_each(?))')
    .run(JSON.stringify(ids));
  return () => engine.close();
});

describe('samples browsing', () => {
  it('pages, sorts and counts on the server', async () => {
    const first = await client.call('samples.page', { limit: 4, sort: { key: 'id', dir: 'asc' } });
    expect(first.rows.map((r) => r.id)).toEqual(ids.slice(0, 4));
    expect(first.hasMore).toBe(true);
    const second = await client.call('samples.page', { limit: 4, offset: 4, sort: { key: 'id', dir: 'asc' } });
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(4));
    expect(second.hasMore).toBe(false);
    const byVote = await client.call('samples.page', { sort: { key: 'voteShare', dir: 'desc' } });
    const shares = byVote.rows.map((r) => r.voteShare ?? -1);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(await client.call('samples.count', { filter: { category: ['simple'] } })).toEqual({ total: 5, byStatus: { candidate: 5 } });
    const voted = await client.call('samples.page', { filter: { voteShare: { min: 0.5, max: 1 } } });
    expect(voted.rows.every((r) => (r.voteShare ?? 0) >= 0.5)).toBe(true);
  });

  it('lists the start of a long sample and gives all of it in its detail (where an edit starts)', async () => {
    const cities = Array.from({ length: 60 }, (_, i) => `city${i}`);
    const output = `[${cities.map((c) => `get_weather(city="${c}")`).join(', ')}]`;
    const query = `Weather in ${cities.join(', ')} and in faraway Zanzibar?`;
    const id = insertSample(engine.ctx.db, {
      subtask: 'invocation',
      queryText: query,
      input: { query, tools: weather },
      outputText: output,
    })!;
    const listed = (await client.call('samples.page', { filter: { ids: [id] } })).rows[0]!;
    expect(listed.output).toBe(output.slice(0, 300));
    expect(listed.query).toBe(query.slice(0, 300));
    const detail = await client.call('samples.detail', { id });
    expect(detail.row.output).toBe(output);
    expect(detail.row.query).toBe(query);
    // A highlight past the cut is dropped; one cut in two is closed, so marks always pair.
    const late = (await client.call('samples.page', { filter: { search: 'zanzibar' } })).rows[0]!.highlight!;
    expect(late.query.replaceAll('\u0001', '').replaceAll('\u0002', '')).toBe(query.slice(0, 300));
    expect(late.query).not.toContain('\u0001');
    const early = (await client.call('samples.page', { filter: { search: 'city1' } })).rows[0]!.highlight!;
    expect(early.query.split('\u0001').length).toBe(early.query.split('\u0002').length);
    expect(early.query).toContain('\u0001city1\u0002');
  });

  it('finds a sample by any word of its query or output, with highlights', async () => {
    const found = await client.call('samples.page', { filter: { search: 'oslo' } });
    expect(found.rows).toHaveLength(1);
    expect(found.rows[0]!.query).toBe('What is the weather in Oslo?');
    expect(found.rows[0]!.highlight?.query).toBe('What is the weather in \u0001Oslo\u0002?');
    const prefix = await client.call('samples.page', { filter: { search: 'han' } });
    expect(prefix.rows.map((r) => r.query)).toEqual(['What is the weather in Hanoi?']);
    // Operators and stray quotes are words, never a syntax error.
    const odd = await client.call('samples.page', { filter: { search: 'weather "in' } });
    expect(odd.rows.length).toBe(6);
    expect((await client.call('samples.page', { filter: { search: 'NOT ( weather' } })).rows).toHaveLength(0);
  });
});

describe('curation', () => {
  it('accepts, rejects, tags and undoes, each stored as an action', async () => {
    await client.call('samples.curate', { action: { kind: 'accept' }, target: { ids: [ids[0]!] } });
    const rejected = await client.call('samples.curate', { action: { kind: 'reject', reason: 'wrong city' }, target: { ids: [ids[1]!] } });
    await client.call('samples.curate', { action: { kind: 'tag', tag: 'europe' }, target: { ids: [ids[0]!, ids[1]!, ids[2]!] } });
    const europe = await client.call('samples.page', { filter: { tag: 'europe' }, sort: { key: 'id', dir: 'asc' } });
    expect(europe.rows.map((r) => r.id)).toEqual(ids.slice(0, 3));
    const detail = await client.call('samples.detail', { id: ids[1]! });
    expect(detail.row.status).toBe('rejected');
    expect(detail.verdicts).toContainEqual(expect.objectContaining({ verifier: 'human', passed: false, reason: 'wrong city' }));
    // Undo the tag (latest), then the rejection by its id.
    expect(await client.call('samples.undo')).toMatchObject({ affected: 3 });
    expect((await client.call('samples.page', { filter: { tag: 'europe' } })).rows).toHaveLength(0);
    await client.call('samples.undo', { actionId: rejected.actionId });
    const restored = await client.call('samples.detail', { id: ids[1]! });
    expect(restored.row.status).toBe('candidate');
    expect(restored.verdicts.filter((v) => v.verifier === 'human')).toHaveLength(0);
    await expect(client.call('samples.undo', { actionId: rejected.actionId })).rejects.toThrow(/already undone/);
  });

  it('edits a sample as a new version checked against its tools, and undo restores the old version', async () => {
    await expect(
      client.call('samples.curate', { action: { kind: 'edit', output: '[get_weather(town="Paris")]' }, target: { ids: [ids[0]!] } }),
    ).rejects.toThrow(/do not fit the sample's tools/);
    await expect(
      client.call('samples.curate', { action: { kind: 'edit', output: '[get_weather(city="Paris"' }, target: { ids: [ids[0]!] } }),
    ).rejects.toThrow(/do not parse/);
    await client.call('samples.curate', {
      action: { kind: 'edit', output: "[get_weather(unit='c', city='Paris')]", note: 'celsius' },
      target: { ids: [ids[0]!] },
    });
    const edited = await client.call('samples.detail', { id: ids[0]! });
    expect(edited.row.status).toBe('edited');
    expect(edited.row.output).toBe('[get_weather(unit="c", city="Paris")]');
    expect(edited.versions.map((v) => [v.version, v.author])).toEqual([
      [1, 'engine'],
      [2, 'user'],
    ]);
    // The search index follows the current version.
    expect((await client.call('samples.page', { filter: { search: 'unit' } })).rows.map((r) => r.id)).toEqual([ids[0]]);
    await client.call('samples.undo');
    const back = await client.call('samples.detail', { id: ids[0]! });
    expect(back.row.output).toBe('[get_weather(city="Paris")]');
    expect(back.versions).toHaveLength(2);
    expect((await client.call('samples.page', { filter: { search: 'unit' } })).rows).toHaveLength(0);
  });

  it('bulk-rejects a whole filter result and the counts follow', async () => {
    const result = await client.call('samples.curate', {
      action: { kind: 'reject' },
      target: { filter: { category: ['simple'], voteShare: { min: 0, max: 0.5 } } },
    });
    const expected = (await client.call('samples.page', { filter: { category: ['simple'], voteShare: { min: 0, max: 0.5 } } })).rows.length;
    expect(result.affected).toBe(expected);
    const stats = await client.call('datasets.stats');
    const invocation = stats.subtasks.find((s) => s.subtask === 'invocation')!;
    expect(invocation.byStatus).toEqual({ rejected: expected, candidate: 6 - expected });
    expect(invocation.byCategory).toEqual({ simple: 5, irrelevance: 1 });
    expect(invocation.byRound).toEqual([{ roundId: null, seq: null, count: 6, cumulative: 6 }]);
  });

  it('refuses unknown samples and leaves the others untouched', async () => {
    await expect(client.call('samples.curate', { action: { kind: 'accept' }, target: { ids: [ids[0]!, 99999] } })).rejects.toThrow(
      /99999 was not found/,
    );
    expect((await client.call('samples.detail', { id: ids[0]! })).row.status).toBe('candidate');
  });
});
