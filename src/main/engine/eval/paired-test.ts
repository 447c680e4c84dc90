import { seededRandom } from '../lib/random';

/**
 * Paired statistics for two evaluations of the same items (pure): the exact McNemar test on the discordant
 * pairs and a seeded paired-bootstrap interval for the accuracy difference. Two runs on the same items are
 * strongly correlated, so comparing their accuracies as if independent would overstate the noise; only the
 * items that flipped carry evidence of a change.
 */

/** One item's verdict before and after. */
export interface PairedOutcome {
  key: string;
  before: boolean;
  after: boolean;
}

export interface PairedComparison {
  /** Items evaluated in both runs. */
  n: number;
  correctBefore: number;
  correctAfter: number;
  /** Accuracies as fractions (0–1) and their difference after − before. */
  accuracyBefore: number;
  accuracyAfter: number;
  difference: number;
  /** Discordant pairs: c = wrong→right (fixed), b = right→wrong (broken). */
  fixed: number;
  broken: number;
  /** Two-sided exact McNemar p-value. */
  pValue: number;
  /** Paired-bootstrap percentile interval of the difference (fractions). */
  interval: { low: number; high: number; level: number; iterations: number; seed: number };
  fixedKeys: string[];
  brokenKeys: string[];
}

/** log(e^a + e^b) without overflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * Exact two-sided McNemar test: under "no change" each discordant pair is a fair coin, so
 * p = min(1, 2·Σ_{i≤min(b,c)} C(b+c, i) / 2^(b+c)). Summed in log space (C(n, i) built up term by term),
 * so n in the thousands neither overflows nor underflows to a wrong 0.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)
    throw new RangeError(`discordant counts must be whole and ≥ 0 (b=${b}, c=${c})`);
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const log2n = n * Math.LN2;
  let logC = 0; // log C(n, 0)
  let logTail = -Infinity;
  for (let i = 0; i <= k; i++) {
    logTail = logAdd(logTail, logC - log2n);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * Math.exp(logTail));
}

/**
 * Paired bootstrap: resample items with replacement (the pair stays together), take the difference of
 * accuracies each time, report the percentile interval. Seeded, so a report reads the same every time.
 */
export function pairedBootstrapInterval(
  outcomes: readonly PairedOutcome[],
  options: { seed?: number; iterations?: number; level?: number } = {},
): PairedComparison['interval'] {
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.95;
  const n = outcomes.length;
  if (n === 0) return { low: 0, high: 0, level, iterations, seed };
  // Each item contributes +1 (fixed), −1 (broken) or 0 to the difference's numerator.
  const delta = Int8Array.from(outcomes, (o) => (o.after === o.before ? 0 : o.after ? 1 : -1));
  const random = seededRandom(seed);
  const diffs = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += delta[Math.floor(random() * n)]!;
    diffs[it] = sum / n;
  }
  diffs.sort();
  const tail = (1 - level) / 2;
  const at = (q: number) => diffs[Math.min(iterations - 1, Math.max(0, Math.round(q * (iterations - 1))))]!;
  return { low: at(tail), high: at(1 - tail), level, iterations, seed };
}

/** Both statistics and the flipped items, for outcomes already matched item by item. */
export function comparePaired(
  outcomes: readonly PairedOutcome[],
  options: { seed?: number; iterations?: number; level?: number } = {},
): PairedComparison {
  const n = outcomes.length;
  const fixedKeys = outcomes.filter((o) => !o.before && o.after).map((o) => o.key);
  const brokenKeys = outcomes.filter((o) => o.before && !o.after).map((o) => o.key);
  const correctBefore = outcomes.filter((o) => o.before).length;
  const correctAfter = outcomes.filter((o) => o.after).length;
  const accuracyBefore = n ? correctBefore / n : 0;
  const accuracyAfter = n ? correctAfter / n : 0;
  return {
    n,
    correctBefore,
    correctAfter,
    accuracyBefore,
    accuracyAfter,
    difference: accuracyAfter - accuracyBefore,
    fixed: fixedKeys.length,
    broken: brokenKeys.length,
    pValue: mcnemarExact(brokenKeys.length, fixedKeys.length),
    interval: pairedBootstrapInterval(outcomes, options),
    fixedKeys,
    brokenKeys,
  };
}

/** The significance level every "significant" in this app means (a 95 % test). */
export const SIGNIFICANCE_ALPHA = 0.05;

/** 'better' / 'worse' when McNemar rejects "no change" at 95 %, else 'no-significant-change'. */
export function significance(c: Pick<PairedComparison, 'pValue' | 'fixed' | 'broken'>, alpha = SIGNIFICANCE_ALPHA) {
  if (c.pValue >= alpha || c.fixed === c.broken) return 'no-significant-change' as const;
  return c.fixed > c.broken ? ('better' as const) : ('worse' as const);
}
