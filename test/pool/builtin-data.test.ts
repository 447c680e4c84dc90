/** A workspace holds the built-in pool and the held-out sets from its first opening, and can update them. */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function open(dir: string) {
  const engine = openEngine(dir);
  engines.push(engine);
  return createClient(engine);
}

const userTool = {
  name: 'my_lookup',
  description: 'Looks a word up in my own notes.',
  parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
};

describe('the built-in data of a workspace', () => {
  it('a new workspace holds the built-in pool and both held-out sets, up to date', async () => {
    const client = open(tempDir());
    const status = await client.call('pool.status');
    const shipped = loadBuiltinPool().length;
    expect(status.upToDate).toBe(true);
    expect(status.tools).toBe(shipped);
    expect(status.shipped.tools).toBe(shipped);
    expect(status.evalSets.map((s) => [s.name, s.present])).toEqual([
      ['toolsmith-indomain', true],
      ['toolsmith-unseen', true],
    ]);
    expect(status.evalSets.every((s) => s.items > 0)).toBe(true);
    const sets = (await client.call('eval.listSets')).items.map((s) => s.name).sort();
    expect(sets).toEqual(['toolsmith-indomain', 'toolsmith-unseen']);
    expect((await client.call('tools.list', { pool: 'builtin', limit: 1 })).total).toBe(shipped);
  });

  it('an existing workspace without them gets them when it opens, its own tools kept', async () => {
    const dir = tempDir();
    // A workspace as an older Toolsmith left it: the schema, the user's tools, no built-in data.
    const ws = openWorkspace(dir);
    ws.close();
    const first = open(dir);
    await first.call('tools.import', { tools: [userTool], pool: 'mine' });
    await engines.pop()!.close();
    const raw = openWorkspace(dir);
    raw.db.exec("DELETE FROM tools WHERE pool = 'builtin'; DELETE FROM eval_sets; DELETE FROM builtin_data;");
    raw.close();

    const client = open(dir);
    const status = await client.call('pool.status');
    expect(status.upToDate).toBe(true);
    expect(status.tools).toBe(loadBuiltinPool().length);
    expect(status.evalSets.every((s) => s.present)).toBe(true);
    expect((await client.call('tools.list', { pool: 'mine' })).items.map((t) => t.name)).toEqual(['my_lookup']);
  });

  it('a newer pool version re-installs the built-in pool without touching the user’s tools or sets', async () => {
    const dir = tempDir();
    const client = open(dir);
    await client.call('tools.import', { tools: [userTool], pool: 'mine' });
    const before = await client.call('tools.list', { pool: 'builtin', limit: 1000 });
    await engines.pop()!.close();

    // As if an older Toolsmith had installed a different pool: one tool changed, one retired since.
    const raw = openWorkspace(dir);
    raw.db.exec(`UPDATE tools SET description = 'old text' WHERE pool = 'builtin' AND name = 'fibonacci';
      INSERT INTO tools (pool, name, schema_json, original_json, source) VALUES ('builtin', 'retired_tool', '{}', '{}', 'builtin');
      UPDATE builtin_data SET version = 'older';`);
    raw.close();

    const reopened = open(dir);
    expect((await reopened.call('pool.status')).upToDate).toBe(true);
    const after = await reopened.call('tools.list', { pool: 'builtin', limit: 1000 });
    expect(after.items.map((t) => [t.id, t.name])).toEqual(before.items.map((t) => [t.id, t.name]));
    expect(after.items.find((t) => t.name === 'fibonacci')!.description).toBe('The n-th Fibonacci number.');
    expect((await reopened.call('tools.list', { pool: 'mine' })).items.map((t) => t.name)).toEqual(['my_lookup']);

    // The API's install (the Tool pool view's button) is idempotent and says what it did.
    const again = await reopened.call('pool.install');
    expect(again.pool).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: before.total });
    expect(again.evalSets).toEqual({ added: [], kept: ['toolsmith-indomain', 'toolsmith-unseen'] });
  });

  it('a deleted held-out set comes back through the install button, not behind the user’s back', async () => {
    const dir = tempDir();
    const client = open(dir);
    await client.call('eval.deleteSet', { set: 'toolsmith-unseen' });
    await engines.pop()!.close();
    const reopened = open(dir);
    const status = await reopened.call('pool.status');
    expect(status.evalSets.find((s) => s.name === 'toolsmith-unseen')!.present).toBe(false);
    expect(status.upToDate).toBe(true);
    expect((await reopened.call('pool.install')).evalSets.added).toEqual(['toolsmith-unseen']);
  });
});
