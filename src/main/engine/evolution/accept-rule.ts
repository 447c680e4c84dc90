import { formatP } from '../../../shared/format';
import { SIGNIFICANCE_ALPHA, significance, type PairedComparison } from '../eval/paired-test';

/**
 * Accept or roll back (pure), by the run's `acceptRule`:
 * - 'tolerance' (method.md's default): accepted unless the main metric fell more than `tolerance` points
 *   below the last accepted round's;
 * - 'significant': accepted only when the main set's paired McNemar test against the last accepted round's
 *   run on the same items says "better" at 95 % (p < 0.05 and more items fixed than broken); rolled back
 *   when it is significantly worse or not significantly better (noise is not a gain).
 * The reason always carries the paired test, so a reader sees how much of a change is evidence.
 */

export type AcceptRule = 'tolerance' | 'significant';

export interface Verdict {
  accepted: boolean;
  reason: string;
  /** 'better' | 'worse' | 'no-significant-change' by McNemar; null when there was nothing to compare. */
  significance: ReturnType<typeof significance> | null;
}

export function describeTest(t: PairedComparison): string {
  const d = 100 * t.difference;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)} points on ${t.n} items (${t.fixed} fixed, ${t.broken} broken; McNemar p = ${formatP(t.pValue)}; 95 % CI ${(100 * t.interval.low).toFixed(1)} to ${(100 * t.interval.high).toFixed(1)})`;
}

export { formatP };

export function acceptVerdict(v: {
  rule: AcceptRule;
  tolerance: number;
  trained: boolean;
  /** Main metric in points, this round and the last accepted one. */
  main: number | undefined;
  previous: number;
  /** The main set's paired test against the last accepted round (null when either run is missing). */
  test: PairedComparison | null;
}): Verdict {
  if (!v.trained) return { accepted: false, reason: 'rolled back: nothing was trained', significance: null };
  const sig = v.test ? significance(v.test) : null;
  const evidence = v.test ? `; ${describeTest(v.test)}` : '';
  if (v.rule === 'significant') {
    if (!v.test || v.test.n === 0)
      return { accepted: false, reason: 'rolled back: no paired evaluation to test the change on (rule: significant)', significance: sig };
    const level = `${Math.round(100 * (1 - SIGNIFICANCE_ALPHA))} %`;
    if (sig === 'better') return { accepted: true, reason: `accepted: significantly better at ${level}${evidence}`, significance: sig };
    return {
      accepted: false,
      reason: `rolled back: ${sig === 'worse' ? `significantly worse at ${level}` : `not significantly better at ${level}`}${evidence}; the next round starts from the last accepted model`,
      significance: sig,
    };
  }
  const main = v.main ?? 0;
  const accepted = v.main !== undefined && main >= v.previous - v.tolerance;
  return {
    accepted,
    reason: accepted
      ? `accepted: main metric ${main.toFixed(1)} ≥ ${v.previous.toFixed(1)} − ${v.tolerance} tolerance${evidence}`
      : `rolled back: main metric ${main.toFixed(1)} < ${v.previous.toFixed(1)} − ${v.tolerance} tolerance${evidence}; the next round starts from the last accepted model`,
    significance: sig,
  };
}
