import { describe, expect, it } from 'vitest';
import {
  comparePaired,
  mcnemarExact,
  pairedBootstrapInterval,
  significance,
  type PairedOutcome,
} from '../../src/main/engine/eval/paired-test';

/** The exact McNemar p-value by enumeration with BigInt: 2·Σ_{i≤min} C(n, i) / 2^n, as a float. */
function exactByEnumeration(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let binom = 1n;
  let tail = 0n;
  for (let i = 0; i <= Math.min(b, c); i++) {
    tail += binom;
    binom = (binom * BigInt(n - i)) / BigInt(i + 1);
  }
  const scale = 10n ** 30n;
  const p = Number((2n * tail * scale) / 2n ** BigInt(n)) / 1e30;
  return Math.min(1, p);
}

/** A table of outcomes: `both` right in both runs, `neither` wrong in both, `broken` right→wrong, `fixed` wrong→right. */
function table(t: { both?: number; neither?: number; broken?: number; fixed?: number }): PairedOutcome[] {
  const out: PairedOutcome[] = [];
  const add = (count: number | undefined, before: boolean, after: boolean, tag: string) => {
    for (let i = 0; i < (count ?? 0); i++) out.push({ key: `${tag}_${i}`, before, after });
  };
  add(t.both, true, true, 'both');
  add(t.neither, false, false, 'neither');
  add(t.broken, true, false, 'broken');
  add(t.fixed, false, true, 'fixed');
  return out;
}

describe('exact McNemar', () => {
  it('gives the textbook values on small tables', () => {
    expect(mcnemarExact(0, 6)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(6, 0)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(2, 8)).toBeCloseTo(0.109375, 12);
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 12);
    expect(mcnemarExact(0, 0)).toBe(1);
    for (const n of [1, 3, 10, 250]) expect(mcnemarExact(n, n)).toBe(1);
  });

  it('agrees with exact enumeration, also for thousands of discordant pairs', () => {
    for (const [b, c] of [
      [1, 9],
      [3, 12],
      [7, 20],
      [15, 16],
      [40, 70],
      [180, 240],
      [1000, 1100],
      [2500, 2600],
    ] as const) {
      const expected = exactByEnumeration(b, c);
      const got = mcnemarExact(b, c);
      expect(Math.abs(got - expected), `b=${b} c=${c}: ${got} vs ${expected}`).toBeLessThan(1e-9 + 1e-9 * expected);
    }
    // Far in the tail the value is tiny but not a wrong 0 or NaN.
    const tiny = mcnemarExact(0, 2000);
    expect(tiny).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(tiny)).toBe(true);
    expect(mcnemarExact(10, 1990)).toBeLessThan(1e-100);
  });

  it('rejects impossible counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});

describe('paired comparison', () => {
  it('counts the flipped items by key and computes the p-value from them alone', () => {
    const outcomes = table({ both: 30, neither: 40, broken: 2, fixed: 8 });
    const c = comparePaired(outcomes, { seed: 3 });
    expect(c).toMatchObject({ n: 80, correctBefore: 32, correctAfter: 38, fixed: 8, broken: 2 });
    expect(c.difference).toBeCloseTo(6 / 80, 12);
    expect(c.pValue).toBeCloseTo(0.109375, 12);
    expect(c.fixedKeys).toEqual(Array.from({ length: 8 }, (_, i) => `fixed_${i}`));
    expect(c.brokenKeys).toEqual(['broken_0', 'broken_1']);
    // Concordant items do not move the p-value.
    expect(comparePaired(table({ both: 3000, broken: 2, fixed: 8 })).pValue).toBeCloseTo(0.109375, 12);
    expect(significance(c)).toBe('no-significant-change');
    expect(significance(comparePaired(table({ both: 10, fixed: 6 })))).toBe('better');
    expect(significance(comparePaired(table({ both: 10, broken: 6 })))).toBe('worse');
  });

  it('gives a seeded bootstrap interval around the observed difference', () => {
    const outcomes = table({ both: 50, neither: 30, broken: 5, fixed: 15 });
    const a = pairedBootstrapInterval(outcomes, { seed: 7 });
    expect(pairedBootstrapInterval(outcomes, { seed: 7 })).toEqual(a);
    expect(pairedBootstrapInterval(outcomes, { seed: 8 })).not.toEqual(a);
    const observed = 10 / 100;
    expect(a.low).toBeLessThan(observed);
    expect(a.high).toBeGreaterThan(observed);
    expect(a.level).toBe(0.95);
    // More items with the same proportions: a narrower interval.
    const big = pairedBootstrapInterval(table({ both: 500, neither: 300, broken: 50, fixed: 150 }), { seed: 7 });
    expect(big.high - big.low).toBeLessThan(a.high - a.low);
    // No discordant item: no uncertainty about the difference; every item fixed: the difference is 1.
    expect(pairedBootstrapInterval(table({ both: 20, neither: 5 }))).toMatchObject({ low: 0, high: 0 });
    expect(pairedBootstrapInterval(table({ fixed: 12 }))).toMatchObject({ low: 1, high: 1 });
    expect(pairedBootstrapInterval([])).toMatchObject({ low: 0, high: 0 });
  });
});
