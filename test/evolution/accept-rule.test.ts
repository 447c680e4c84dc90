import { describe, expect, it } from 'vitest';
import { roundsTable } from '../../src/main/cli/evolution';
import { comparePaired, type PairedOutcome } from '../../src/main/engine/eval/paired-test';
import { acceptVerdict } from '../../src/main/engine/evolution/accept-rule';
import { heldOutQueries, normalizeQuery, refuseHeldOut } from '../../src/main/engine/evolution/heldout-overlap';
import type { RoundSummary } from '../../src/shared/contract/evolution';
import { open, tempDir } from '../jobs/helpers';
import { seedPool } from './fixture';

function outcomes(fixed: number, broken: number, same = 40): PairedOutcome[] {
  return [
    ...Array.from({ length: fixed }, (_, i) => ({ key: `f${i}`, before: false, after: true })),
    ...Array.from({ length: broken }, (_, i) => ({ key: `b${i}`, before: true, after: false })),
    ...Array.from({ length: same }, (_, i) => ({ key: `s${i}`, before: i % 2 === 0, after: i % 2 === 0 })),
  ];
}

const base = { tolerance: 0.5, trained: true, previous: 50 };

describe('the accept rule', () => {
  it("'significant' accepts only a gain McNemar finds significant at 95 %", () => {
    const better = comparePaired(outcomes(9, 1)); // p ≈ 0.021
    const noisy = comparePaired(outcomes(6, 2)); // a gain, p ≈ 0.29
    const worse = comparePaired(outcomes(0, 7)); // p ≈ 0.016
    expect(acceptVerdict({ ...base, rule: 'significant', main: 66, test: better })).toMatchObject({
      accepted: true,
      significance: 'better',
      reason: expect.stringMatching(
        /^accepted: significantly better at 95 %; \+16\.0 points on 50 items \(9 fixed, 1 broken; McNemar p = 0\.021/,
      ),
    });
    const n = acceptVerdict({ ...base, rule: 'significant', main: 58, test: noisy });
    expect(n).toMatchObject({ accepted: false, significance: 'no-significant-change' });
    expect(n.reason).toMatch(/^rolled back: not significantly better at 95 %/);
    expect(acceptVerdict({ ...base, rule: 'significant', main: 36, test: worse }).reason).toMatch(
      /^rolled back: significantly worse at 95 %/,
    );
    expect(acceptVerdict({ ...base, rule: 'significant', main: 58, test: null }).accepted).toBe(false);
    // The same noisy gain passes the tolerance rule, which still reports the test.
    const t = acceptVerdict({ ...base, rule: 'tolerance', main: 58, test: noisy });
    expect(t.accepted).toBe(true);
    expect(t.reason).toMatch(/McNemar p = 0\.289/);
    expect(acceptVerdict({ ...base, rule: 'tolerance', main: 49, test: null }).accepted).toBe(false);
    expect(acceptVerdict({ ...base, rule: 'tolerance', trained: false, main: 80, test: better }).accepted).toBe(false);
  });
});

describe('held-out overlap', () => {
  it('refuses a training sample whose query is a held-out query up to whitespace', () => {
    const { engine } = open(tempDir('toolsmith-overlap-'));
    try {
      seedPool(engine.ctx.db, 0);
      const held = heldOutQueries(engine.ctx.db, ['mini-in-domain']);
      expect(held.has('Weather in Bern?')).toBe(true);
      expect(held.has('Price of ACME stock?')).toBe(false); // mini-unseen is not named
      const { kept, refused } = refuseHeldOut(
        ['Weather in\tBern?\n', 'weather in bern?', 'Weather in Bern today?', ' Add 3  and 4. '],
        (q) => q,
        held,
      );
      expect(refused).toEqual(['Weather in\tBern?\n', ' Add 3  and 4. ']);
      expect(kept).toEqual(['weather in bern?', 'Weather in Bern today?']);
      expect(normalizeQuery('  a \n b ')).toBe('a b');
    } finally {
      void engine.close();
    }
  });
});

describe('the per-round table', () => {
  it('prints every accuracy with its counts and the paired change with its p-value', () => {
    const round = (id: number, seq: number, correct: number): RoundSummary => ({
      id,
      runId: 'r',
      seq,
      jobId: 1,
      state: 'accepted',
      stage: 'done',
      baseModelId: 1,
      resultModelId: 1,
      templateHash: null,
      startedAt: '',
      finishedAt: null,
      curatedAt: null,
      metrics: [
        { name: 'accuracy', category: 'unseen', value: (100 * correct) / 80 },
        { name: 'correct', category: 'unseen', value: correct },
        { name: 'items', category: 'unseen', value: 80 },
      ],
      counts: {
        generated: 0,
        verified: 0,
        toolsGenerated: 0,
        candidates: 0,
        selected: 0,
        trained: { invocation: 0, tool_generation: 0, doc_adaption: 0, refinement: 0 },
      },
    });
    const test = comparePaired(outcomes(8, 2, 70));
    const comparisons = new Map([
      [2, { comparisons: [{ set: 'unseen', against: 'round0' as const, referenceSeq: 0, referenceRunId: 1, runId: 2, test }] }],
    ]);
    const text = roundsTable([round(1, 0, 30), round(2, 1, 36)], ['unseen'], comparisons);
    expect(text).toContain('37.5 (30/80)');
    expect(text).toContain('45.0 (36/80)');
    expect(text).toMatch(/\+7\.5 p=0\.109 \(8↑ 2↓\)/);
    // Two sets with every category, counts and changes: still no line over 100 columns, every round in each part.
    const sets = ['toolsmith-unseen', 'toolsmith-indomain'];
    const everywhere = (r: RoundSummary): RoundSummary => ({
      ...r,
      metrics: sets.flatMap((set) =>
        ['', '/simple', '/multiple', '/parallel', '/parallel_multiple', '/irrelevance'].flatMap((cat) =>
          ['', '_constrained'].flatMap((suffix) => [
            { name: `accuracy${suffix}`, category: `${set}${cat}`, value: 100 / 3 },
            { name: `correct${suffix}`, category: `${set}${cat}`, value: 100 },
            { name: `items${suffix}`, category: `${set}${cat}`, value: 300 },
          ]),
        ),
      ),
    });
    const wideComparisons = new Map([[2, { comparisons: comparisons.get(2)!.comparisons.map((c) => ({ ...c, set: sets[0]! })) }]]);
    const wide = roundsTable([everywhere(round(1, 0, 30)), everywhere(round(2, 1, 36))], sets, wideComparisons);
    expect(wide).toContain('33.3 (100/300)');
    expect(wide).toMatch(/\+7\.5 p=0\.109/);
    expect(Math.max(...wide.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(wide).toContain('indomain grammar %');
    expect(wide).toContain('wall');
    for (const part of wide.split('\n\n')) expect(part.split('\n')[0]).toMatch(/^round /);
  });
});
