import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { BUILTIN_POOL, installBuiltinPool } from '../../src/main/engine/pool/install';
import { getToolByName, listTools } from '../../src/main/engine/tools/tools-repo';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';

const open: Workspace[] = [];
afterEach(() => {
  for (const ws of open.splice(0)) ws.close();
});

describe('installing the built-in pool into a workspace', () => {
  it('adds every tool once, with domain and implementation, and is idempotent', () => {
    const ws = openWorkspace(tempDir());
    open.push(ws);
    const pool = loadBuiltinPool();
    const first = installBuiltinPool(ws.db);
    expect(first).toMatchObject({ pool: BUILTIN_POOL, added: pool.length, updated: 0, unchanged: 0, removed: 0 });
    const ids = ws.db.prepare('SELECT id, name FROM tools WHERE pool = ? ORDER BY id').all(BUILTIN_POOL);
    const again = installBuiltinPool(ws.db);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: pool.length, removed: 0 });
    expect(ws.db.prepare('SELECT id, name FROM tools WHERE pool = ? ORDER BY id').all(BUILTIN_POOL)).toEqual(ids);

    // The tools engineer's repository reads the rows back as the same definitions.
    const listed = listTools(ws.db, { pool: BUILTIN_POOL, limit: 1000 });
    expect(listed.total).toBe(pool.length);
    const factorial = listed.items.find((t) => t.name === 'math.factorial')!;
    expect(factorial.domain).toBe('math');
    expect(factorial.source).toBe('builtin');
    expect(factorial.implementation).toContain('function main(args)');
    expect(factorial.def.parameters).toEqual(pool.find((t) => t.name === 'math.factorial')!.def.parameters);
    expect(listed.items.find((t) => t.name === 'get_current_weather')!.implementation).toBeNull();
    expect(listed.items.filter((t) => t.implementation).length).toBe(pool.filter((t) => t.implementation).length);
  });

  it('updates a changed tool, removes one no longer shipped, and leaves other pools alone', () => {
    const ws = openWorkspace(tempDir());
    open.push(ws);
    installBuiltinPool(ws.db);
    ws.db.prepare("UPDATE tools SET description = 'edited' WHERE pool = ? AND name = 'fibonacci'").run(BUILTIN_POOL);
    ws.db.prepare("INSERT INTO tools (pool, name, schema_json, original_json) VALUES (?, 'retired_tool', '{}', '{}')").run(BUILTIN_POOL);
    ws.db.prepare("INSERT INTO tools (pool, name, schema_json, original_json) VALUES ('default', 'fibonacci', '{}', '{}')").run();
    const result = installBuiltinPool(ws.db);
    expect(result).toMatchObject({ added: 0, updated: 1, removed: 1 });
    expect(getToolByName(ws.db, 'fibonacci', BUILTIN_POOL)?.description).toBe('The n-th Fibonacci number.');
    expect(getToolByName(ws.db, 'retired_tool', BUILTIN_POOL)).toBeUndefined();
    expect(ws.db.prepare("SELECT COUNT(*) AS n FROM tools WHERE pool = 'default'").get()).toEqual({ n: 1 });
  });
});

describe('installing the seed samples and evaluation sets', () => {
  it('stores every seed sample once as an accepted invocation sample the samples repository reads back', async () => {
    const { installSeedSamples, installBuiltinEvalSets } = await import('../../src/main/engine/pool/install-data');
    const { loadSeedSamples } = await import('../../src/main/engine/pool/seed');
    const { listSamples } = await import('../../src/main/engine/samples/samples-repo');
    const ws = openWorkspace(tempDir());
    open.push(ws);
    const seeds = loadSeedSamples();
    expect(installSeedSamples(ws.db)).toEqual({ added: seeds.length, skipped: 0 });
    expect(installSeedSamples(ws.db)).toEqual({ added: 0, skipped: seeds.length });
    const stored = listSamples(ws.db, { subtask: 'invocation' }, { limit: 10_000 });
    expect(stored.length).toBe(seeds.length);
    const first = stored.find((s) => s.queryText === seeds[0]!.query)!;
    expect(first).toMatchObject({ status: 'accepted', category: seeds[0]!.category, outputText: seeds[0]!.target, sourceFormat: 'seed' });
    expect((first.input as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(seeds[0]!.tools);

    expect(await installBuiltinEvalSets(ws.db)).toEqual(['toolsmith-indomain', 'toolsmith-unseen']);
    expect(await installBuiltinEvalSets(ws.db)).toEqual([]);
    const { builtinEvalSetFiles } = await import('../../src/main/engine/pool/eval-sets');
    const lines = (file: string) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length;
    expect(ws.db.prepare('SELECT name, item_count FROM eval_sets ORDER BY name').all()).toEqual(
      builtinEvalSetFiles().map((f) => ({ name: f.name, item_count: lines(f.questionsFile) })),
    );
  });
});
