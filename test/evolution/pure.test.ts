import { describe, expect, it } from 'vitest';
import { bucketOf, selectModelAware, selectRandom, type PassRecord } from '../../src/main/engine/evolution/select';
import { buildTrainingMix, DEFAULT_MIX } from '../../src/main/engine/evolution/mix';
import { splitBudget } from '../../src/main/engine/evolution/targeted';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import type { ToolUse } from '../../src/main/engine/subtasks';

describe('model-aware selection', () => {
  // 10 mastered, 6 learnable, 8 unreachable (with partial credit for the ordering), k = 4.
  const table: PassRecord[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ id: 100 + i, k: 4, matches: 4 })),
    ...[1, 2, 3, 1, 2, 3].map((m, i) => ({ id: 200 + i, k: 4, matches: m })),
    ...[0.9, 0.1, 0.5, 0, 0.7, 0.3, 0.8, 0.2].map((partial, i) => ({ id: 300 + i, k: 4, matches: 0, partial })),
  ];
  it('buckets by pass@k', () => {
    expect([bucketOf(4, 4), bucketOf(1, 4), bucketOf(0, 4)]).toEqual(['mastered', 'learnable', 'unreachable']);
  });
  it('drops mastered except 10 % replay, keeps learnable, caps unreachable at 30 % of the set, hardest last', () => {
    const r = selectModelAware(table, { replayShare: 0.1, unreachableCap: 0.3, seed: 7 });
    expect(r.counts).toMatchObject({ mastered: 10, learnable: 6, unreachable: 8, replay: 1 });
    // base = 6 learnable + 1 replay = 7; u ≤ 0.3/0.7 · 7 = 3
    expect(r.counts.unreachableSelected).toBe(3);
    expect(r.counts.selected).toBe(10);
    const selectedUnreachable = r.decisions.filter((d) => d.bucket === 'unreachable' && d.selected).map((d) => d.id);
    expect(selectedUnreachable.sort()).toEqual([300, 304, 306]); // partial 0.9, 0.7, 0.8: the easiest
    expect(r.decisions.filter((d) => d.bucket === 'learnable').every((d) => d.selected)).toBe(true);
    expect(r.decisions.filter((d) => d.bucket === 'mastered' && d.selected)).toHaveLength(1);
    const u = r.counts.unreachableSelected;
    expect(u / r.counts.selected).toBeLessThanOrEqual(0.3);
    // the same seed replays the same choice; another seed may not
    expect(selectModelAware(table, { replayShare: 0.1, unreachableCap: 0.3, seed: 7 }).selectedIds).toEqual(r.selectedIds);
  });
  it('stores a reason and difficulty for every decision', () => {
    const r = selectModelAware(table);
    expect(r.decisions).toHaveLength(table.length);
    expect(r.decisions.every((d) => d.why.length > 0)).toBe(true);
    const d = Object.fromEntries(r.decisions.map((x) => [x.id, x.difficulty]));
    expect(d[200]!).toBeGreaterThan(d[202]!); // 1/4 right is harder than 3/4
    expect(d[303]!).toBeGreaterThan(d[300]!); // unreachable with no partial credit is the hardest
  });
  it('cold start: with nothing learnable, the cap is taken over all candidates', () => {
    const cold = [0.1, 0.9, 0.5, 0.3, 0.7, 0, 0.2, 0.4, 0.6, 0.8].map((partial, i) => ({ id: i, k: 4, matches: 0, partial }));
    const r = selectModelAware(cold, { replayShare: 0.1, unreachableCap: 0.3, seed: 1 });
    expect(r.selectedIds.sort()).toEqual([1, 4, 9]); // partial 0.9, 0.7, 0.8
  });
  it('cold start also where the learnable set is too small for the cap to allow one unreachable sample (a weak real model)', () => {
    // SmolLM2-135M's first round: 1 learnable, 16 unreachable; 30 % of a set of 1 allows none.
    const rows = [
      { id: 100, k: 2, matches: 1, partial: 1 },
      ...Array.from({ length: 16 }, (_, i) => ({ id: i, k: 2, matches: 0, partial: i / 16 })),
    ];
    const r = selectModelAware(rows, { replayShare: 0.1, unreachableCap: 0.3, seed: 1 });
    expect(r.selectedIds).toContain(100);
    expect(r.selectedIds).toHaveLength(1 + 5); // floor(0.3 × 17) unreachable, the easiest
    expect(r.selectedIds).toEqual(expect.arrayContaining([15, 14, 13, 12, 11]));
  });
  it('minimum training set: a weak round is topped up with the easiest unreachable candidates, refusals at their share, then mastered', () => {
    // Run 2 of the learning bench in small: 2 mastered, 2 learnable, 12 unreachable (4 of them answers in words).
    const rows: PassRecord[] = [
      { id: 1, k: 2, matches: 2 },
      { id: 2, k: 2, matches: 2 },
      { id: 10, k: 2, matches: 1 },
      { id: 11, k: 2, matches: 1 },
      ...Array.from({ length: 8 }, (_, i) => ({ id: 20 + i, k: 2, matches: 0, partial: i / 8 })),
      ...Array.from({ length: 4 }, (_, i) => ({ id: 40 + i, k: 2, matches: 0, partial: 0, refusal: true })),
    ];
    const plain = selectModelAware(rows, { replayShare: 0.1, unreachableCap: 0.3, seed: 1 });
    // 2 learnable; the cap of that set allows no unreachable one, so the cold-start rule takes 30 % of 16: 4
    expect(plain.counts).toMatchObject({ selected: 6, toppedUp: 0, unreachableSelected: 4 });
    const r = selectModelAware(rows, { replayShare: 0.1, unreachableCap: 0.3, minSelected: 10, seed: 1 });
    expect(r.counts).toMatchObject({ selected: 10, toppedUp: 4, unreachableSelected: 8 });
    const added = r.decisions.filter((d) => d.selected && !plain.selectedIds.includes(d.id)).map((d) => d.id);
    // of the 8 left (4 calls, 4 refusals): 2 refusals (their half), and the 2 calls with the most partial credit
    expect(added.filter((id) => id >= 40)).toHaveLength(2);
    expect(added.filter((id) => id < 40).sort()).toEqual([22, 23]);
    expect(r.decisions.find((d) => d.id === 23)!.why).toMatch(/topped up to the minimum training set of 10/);
    expect(r.decisions.find((d) => d.id === 20)!.selected).toBe(false); // the hardest is still left out
    // more than every unreachable one: the mastered ones come next
    const all = selectModelAware(rows, { replayShare: 0, unreachableCap: 0.3, minSelected: 15, seed: 1 });
    expect(all.counts).toMatchObject({ selected: 15, toppedUp: 9, unreachableSelected: 12 });
    expect(all.decisions.filter((d) => d.bucket === 'mastered' && d.selected)).toHaveLength(1);
    // a minimum already met changes nothing
    expect(selectModelAware(rows, { replayShare: 0.1, unreachableCap: 0.3, minSelected: 6, seed: 1 }).selectedIds).toEqual(
      plain.selectedIds,
    );
  });
  it('random selection draws the same size', () => {
    expect(selectRandom(table, 10, 3)).toHaveLength(10);
    expect(new Set(selectRandom(table, 10, 3)).size).toBe(10);
  });
});

describe('training mix', () => {
  const tools = normalizeTools([
    { name: 'a', description: 'A.', parameters: { type: 'object', properties: { x: { type: 'integer' } }, required: ['x'] } },
    { name: 'b', description: 'B.', parameters: { type: 'object', properties: {}, required: [] } },
    { name: 'c', description: 'C.', parameters: { type: 'object', properties: {}, required: [] } },
  ]);
  const samples: ToolUse[] = Array.from({ length: 30 }, (_, i) => ({
    query: `q${i}`,
    tools: [tools[i % 3]!, tools[(i + 1) % 3]!],
    calls: [{ name: tools[i % 3]!.name, args: (i % 3 === 0 ? { x: i } : {}) as Record<string, number> }],
  }));
  it('keeps the 60/20/20 shares and appends refinement examples', () => {
    const refinement = [{ subtask: 'refinement' as const, messages: [], tools: [], target: '[a(x=1)]' }];
    const m = buildTrainingMix(samples, DEFAULT_MIX, refinement, 1);
    expect(m.counts.invocation).toBe(30);
    expect(m.counts.tool_generation).toBe(10);
    // only 3 distinct tool docs exist: the share is a ceiling
    expect(m.counts.doc_adaption).toBe(3);
    expect(m.counts.refinement).toBe(1);
    expect(m.examples).toHaveLength(44);
  });
  it('follows other shares (invocation only)', () => {
    const m = buildTrainingMix(samples, { invocation: 1, toolGeneration: 0, docAdaption: 0 }, [], 1);
    expect(m.counts).toEqual({ invocation: 30, tool_generation: 0, doc_adaption: 0, refinement: 0 });
  });
});

describe('targeted synthesis budget', () => {
  it('splits uniformly when off and by failure rate when on, always summing to the budget', () => {
    const keys = ['w', 'x', 'y', 'z'];
    const uniform = splitBudget(20, keys, null, { targeted: false });
    expect([...uniform.values()]).toEqual([5, 5, 5, 5]);
    const failures = [
      { key: 'w', failed: 9, total: 10 },
      { key: 'x', failed: 1, total: 10 },
      { key: 'y', failed: 0, total: 10 },
      { key: 'z', failed: 5, total: 10 },
    ];
    const t = splitBudget(20, keys, failures, { targeted: true, floor: 0.1 });
    expect([...t.values()].reduce((a, b) => a + b, 0)).toBe(20);
    expect(t.get('w')!).toBeGreaterThan(t.get('z')!);
    expect(t.get('z')!).toBeGreaterThan(t.get('x')!);
    expect(t.get('y')!).toBeGreaterThanOrEqual(1); // the floor keeps a mastered tool in practice
    expect([...splitBudget(20, keys, failures, { targeted: false }).values()]).toEqual([5, 5, 5, 5]);
  });
});
