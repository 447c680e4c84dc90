import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { sharedDir, tempDir } from '../helpers/tmp';

/** Two real checks of BFCL's simple set (through eval.import and eval.check), compared. */
describe('comparing two evaluation runs', () => {
  it('gives per-category deltas and the items that flipped, both ways', async () => {
    const engine = openEngine(tempDir());
    const client = createClient(engine);
    try {
      const questions = path.join(sharedDir, 'bfcl', 'BFCL_v4_simple_python.json');
      const answers = path.join(sharedDir, 'bfcl', 'possible_answer', 'BFCL_v4_simple_python.json');
      const { set } = await client.call('eval.import', { questions: { path: questions }, answers: { path: answers } });
      const { items } = await client.call('eval.items', { set: set.id, limit: 6 });
      const lines = fs
        .readFileSync(answers, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; ground_truth: Record<string, Record<string, unknown[]>>[] });
      const truth = new Map(lines.map((l) => [l.id, l.ground_truth]));
      const print = (id: string) =>
        `[${truth
          .get(id)!
          .map((call) => {
            const [name, args] = Object.entries(call)[0]!;
            const parts = Object.entries(args)
              .filter(([, allowed]) => allowed[0] !== '')
              .map(([k, allowed]) => `${k}=${JSON.stringify(allowed[0])}`);
            return `${name}(${parts.join(', ')})`;
          })
          .join(', ')}]`;
      // Run A: items 0-2 right, 3-5 wrong. Run B: 0 wrong, 1-4 right, 5 wrong.
      const a = await client.call('eval.check', {
        set: set.id,
        label: 'a',
        outputs: items.map((it, i) => ({ id: it.key, result: i < 3 ? print(it.key) : '[nothing()]' })),
      });
      const b = await client.call('eval.check', {
        set: set.id,
        label: 'b',
        outputs: items.map((it, i) => ({ id: it.key, result: i >= 1 && i <= 4 ? print(it.key) : '[nothing()]' })),
      });
      const compare = await client.call('insight.evalCompare', { a: a.run.id, b: b.run.id });
      const flips = compare.flips.map((f) => [f.itemKey, f.change]);
      expect(flips).toEqual([
        [items[0]!.key, 'broken'],
        [items[3]!.key, 'fixed'],
        [items[4]!.key, 'fixed'],
      ]);
      const simple = compare.categories.find((c) => c.category === items[0]!.category)!;
      expect(simple.a).toMatchObject({ correct: 3 });
      expect(simple.b).toMatchObject({ correct: 4 });
      expect(simple.delta).toBeCloseTo((4 - 3) / simple.a!.total);
      expect(compare.flips.find((f) => f.change === 'broken')!.errorB).not.toBeNull();
      // The paired test on the same items: the flips are its discordant pairs; 2 vs 1 of 3 is no evidence (p = 1).
      expect(compare.paired).toMatchObject({ n: simple.a!.total, fixed: 2, broken: 1, correctBefore: 3, correctAfter: 4, pValue: 1 });
      expect(compare.paired.fixedKeys).toEqual([items[3]!.key, items[4]!.key]);
      expect(compare.paired.brokenKeys).toEqual([items[0]!.key]);
      expect(compare.paired.interval.low).toBeLessThan(compare.paired.difference);
      expect(compare.paired.interval.high).toBeGreaterThan(compare.paired.difference);
      const runs = await client.call('insight.evalRuns');
      expect(runs.runs.map((r) => r.label)).toEqual(['b', 'a']);
    } finally {
      await engine.close();
    }
  });
});
