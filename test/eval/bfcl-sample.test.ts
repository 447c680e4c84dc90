import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stratifiedQuotas } from '../../src/main/engine/eval/bfcl-sample';
import { runCli } from '../helpers/cli';
import { open, tempDir } from '../jobs/helpers';
import { BFCL_DIR } from './bfcl-fixtures';

/** The sampled set as stored: item keys and per-category counts (read back, not the import's own report). */
async function importSample(sample: number, seed: number) {
  const { engine, client } = open(tempDir('toolsmith-bfcl-sample-'));
  try {
    const out = await client.call('eval.importBfclSample', { dir: BFCL_DIR, sample, seed });
    const keys: string[] = [];
    for (let offset = 0; offset < out.set.itemCount; offset += 1000) {
      const page = await client.call('eval.items', { set: 'bfcl-heldout', limit: 1000, offset });
      keys.push(...page.items.map((i) => i.key));
    }
    const answered = engine.ctx.db
      .prepare(`SELECT category, COUNT(answer_json) AS answered, COUNT(*) AS n FROM eval_items GROUP BY category`)
      .all() as { category: string; answered: number; n: number }[];
    return { out, keys, counts: Object.fromEntries(out.set.categories.map((c) => [c.category, c.count])), answered };
  } finally {
    await engine.close();
  }
}

describe('a held-out set sampled from BFCL', () => {
  it('shares the sample equally, filling up from the others where a category runs short', () => {
    expect(stratifiedQuotas([10, 10, 10], 7)).toEqual([3, 2, 2]);
    expect(stratifiedQuotas([50, 400, 100], 300)).toEqual([50, 150, 100]);
    expect(stratifiedQuotas([3, 5], 100)).toEqual([3, 5]);
  });

  it('draws 200 items stratified over the seven non-live categories, the same for the same seed', async () => {
    const a = await importSample(200, 7);
    expect(a.keys).toHaveLength(200);
    expect(new Set(a.keys).size).toBe(200);
    expect(Object.keys(a.counts).sort()).toEqual([
      'irrelevance',
      'multiple',
      'parallel',
      'parallel_multiple',
      'simple_java',
      'simple_javascript',
      'simple_python',
    ]);
    // 200 over 7 categories: 28 or 29 each.
    for (const n of Object.values(a.counts)) expect([28, 29]).toContain(n);
    // Every item but irrelevance's carries its possible answer.
    for (const c of a.answered) expect(c.answered).toBe(c.category === 'irrelevance' ? 0 : c.n);
    expect(a.out.categories.find((c) => c.category === 'simple_python')).toMatchObject({ available: 400 });

    const again = await importSample(200, 7);
    expect(again.keys).toEqual(a.keys);
    const other = await importSample(200, 8);
    expect(other.counts).toEqual(a.counts);
    expect(other.keys).not.toEqual(a.keys);

    // A category smaller than its share gives all it has: 50 JavaScript items, the rest shared by the others.
    const big = await importSample(400, 7);
    expect(big.counts.simple_javascript).toBe(50);
    for (const [c, n] of Object.entries(big.counts)) if (c !== 'simple_javascript') expect([58, 59]).toContain(n);
  }, 120_000);

  it('toolsmith eval import-bfcl prints the counts per category and refuses a taken name', async () => {
    const ws = ['-w', path.join(tempDir('toolsmith-bfcl-cli-'), 'ws')];
    const first = await runCli([...ws, 'eval', 'import-bfcl', BFCL_DIR, '--sample', '14', '--seed', '3'], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/simple_javascript\s+50\s+2/);
    expect(first.stdout).toContain('Imported "bfcl-heldout": 14 item(s), seed 3');
    const again = await runCli([...ws, 'eval', 'import-bfcl', BFCL_DIR, '--sample', '14'], { timeoutMs: 120_000 });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('An evaluation set named "bfcl-heldout" already exists');
  }, 300_000);
});
