import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinPool, implementedNames } from '../../src/main/engine/pool/builtin-pool';
import { loadUnseenTools } from '../../src/main/engine/pool/eval-sets';
import { resourcesDir } from '../../src/main/engine/lib/resources-dir';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { repoRoot } from '../helpers/tmp';

const toolsDir = path.join(repoRoot, 'resources', 'tools');

describe('built-in tool pool', () => {
  it('is found in the source tree', () => {
    expect(resourcesDir()).toBe(path.join(repoRoot, 'resources'));
  });

  it('every domain file normalises with normalizeTools, without error', () => {
    const files = fs.readdirSync(toolsDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const raw = JSON.parse(fs.readFileSync(path.join(toolsDir, file), 'utf8')) as { domain: string; tools: unknown[] };
      const tools = normalizeTools(raw.tools, file);
      expect(tools.length, file).toBeGreaterThan(0);
      expect(`${raw.domain}.json`).toBe(file);
    }
    // The pool as one list normalises too (names unique across domains).
    expect(normalizeTools(loadBuiltinPool().map((t) => t.definition)).length).toBe(loadBuiltinPool().length);
  });

  it('meets the minimums: ≥ 60 tools, ≥ 10 domains, ≥ 20 executable', () => {
    const pool = loadBuiltinPool();
    const domains = new Set(pool.map((t) => t.domain));
    const executable = pool.filter((t) => t.implementation);
    console.log(`pool: ${pool.length} tools, ${domains.size} domains, ${executable.length} executable`);
    expect(pool.length).toBeGreaterThanOrEqual(60);
    expect(domains.size).toBeGreaterThanOrEqual(10);
    expect(executable.length).toBeGreaterThanOrEqual(20);
    for (const d of ['weather', 'calendar', 'maps', 'finance', 'math', 'files', 'messaging', 'shopping', 'travel', 'devices'])
      expect(domains).toContain(d);
  });

  it('keeps tool names snake_case (dotted namespaces allowed) and descriptions short', () => {
    for (const t of loadBuiltinPool()) {
      expect(t.name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/);
      expect(t.description.length, t.name).toBeLessThanOrEqual(90);
      for (const [p, schema] of Object.entries(t.def.parameters.properties)) {
        expect(p).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(typeof schema.description, `${t.name}.${p}`).toBe('string');
      }
    }
  });

  it('every implementation file implements only tools its domain defines', () => {
    const pool = loadBuiltinPool();
    for (const file of fs.readdirSync(path.join(toolsDir, 'impl'))) {
      const domain = file.replace(/\.js$/, '');
      const names = implementedNames(fs.readFileSync(path.join(toolsDir, 'impl', file), 'utf8'));
      expect(names.length, file).toBeGreaterThan(0);
      for (const name of names) expect(pool.find((t) => t.name === name)?.domain, `${file}: ${name}`).toBe(domain);
    }
  });

  it('reports a broken domain file with its path and field', () => {
    const dir = fs.mkdtempSync(path.join(repoRoot, '..', 'pool-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'tools'));
      fs.writeFileSync(
        path.join(dir, 'tools', 'broken.json'),
        JSON.stringify({
          domain: 'broken',
          description: 'x',
          tools: [{ name: 'f', parameters: { type: 'dict', properties: { a: { type: 'strin' } } } }],
        }),
      );
      expect(() => loadBuiltinPool(dir)).toThrow(/broken\.json: tools\[0\]\.parameters\.properties\.a\.type: unknown type "strin"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the unseen-tool set shares no tool name with the pool', () => {
    const poolNames = new Set(loadBuiltinPool().map((t) => t.name));
    const unseen = loadUnseenTools();
    expect(unseen.length).toBeGreaterThanOrEqual(20);
    expect(unseen.filter((t) => poolNames.has(t.name)).map((t) => t.name)).toEqual([]);
    expect(normalizeTools(unseen.map((t) => t.definition)).length).toBe(unseen.length);
  });
});
