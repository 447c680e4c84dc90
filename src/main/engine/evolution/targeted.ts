/**
 * Targeted synthesis (beyond the papers): a round's budget of new queries is split across tools (and their
 * categories) in proportion to where the last evaluation failed, so the model practises what it gets wrong.
 * Off, or before any evaluation, the split is uniform. Every tool keeps at least a floor share so that
 * nothing is forgotten entirely.
 */

export interface FailureStat {
  /** A pool tool's name (or a category key). */
  key: string;
  failed: number;
  total: number;
}

/**
 * Splits `budget` over `keys`: weights ∝ failure rate + floor (targeted) or equal (uniform), rounded by
 * largest remainder so the parts add up to the budget exactly.
 */
export function splitBudget(
  budget: number,
  keys: readonly string[],
  failures: readonly FailureStat[] | null,
  options: { targeted: boolean; floor?: number } = { targeted: true },
): Map<string, number> {
  const out = new Map<string, number>();
  if (keys.length === 0 || budget <= 0) {
    for (const k of keys) out.set(k, 0);
    return out;
  }
  const floor = options.floor ?? 0.1;
  const byKey = new Map((failures ?? []).map((f) => [f.key, f]));
  const weights = keys.map((k) => {
    if (!options.targeted || !failures) return 1;
    const f = byKey.get(k);
    const rate = f && f.total > 0 ? f.failed / f.total : 0.5; // never evaluated: in between
    return rate + floor;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (budget * w) / sum);
  const parts = exact.map(Math.floor);
  let left = budget - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]!++;
    left--;
  }
  keys.forEach((k, i) => out.set(k, parts[i]!));
  return out;
}
