import { describe, expect, it } from 'vitest';
import { formatStepMinutes, learningReport, stepMinutes, type RoundResult } from '../../bench/learning-report';

const U = 'toolsmith-unseen';
const I = 'toolsmith-indomain';

function round(seq: number, state: string, unconstrained: [number, number], constrained: [number | null, number]): RoundResult {
  return {
    seq,
    state,
    items: { [U]: 80, [I]: 100 },
    unconstrained: { [U]: unconstrained[0], [I]: unconstrained[1] },
    constrained: { [U]: constrained[0], [I]: constrained[1] },
  };
}

describe('the learning bench report', () => {
  const report = learningReport({
    model: 'SmolLM2-135M-Instruct.Q4_1',
    sets: [U, I],
    runs: [
      {
        name: 'full method',
        rounds: [
          round(0, 'accepted', [20, 30], [35, 40]),
          round(1, 'accepted', [25, 31], [37.5, 41]),
          round(2, 'rolled_back', [NaN, 29], [null, 39]),
        ],
      },
      { name: 'invocation-only', rounds: [round(0, 'accepted', [20, 30], [35, 40]), round(1, 'accepted', [22.5, 30], [35, 40])] },
      { name: 'random selection', rounds: [round(0, 'accepted', [20, 30], [35, 40]), round(1, 'rolled_back', [10, 10], [10, 10])] },
    ],
    refinement: { set: U, adaptive: { accuracy: 26.25, tokens: 900 }, fixed3: { accuracy: 25, tokens: 2400 } },
    pValues: { 'full method round 2 vs round 0: toolsmith-unseen': 0.0412, broken: NaN },
    minutes: 12.345,
  });

  it('is one line of JSON with exactly the keys the issue names', () => {
    const line = JSON.stringify(report);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['model', 'items', 'accuracy', 'unconstrained', 'ablations', 'p_values', 'tokens', 'minutes']);
  });

  it('gives per set the items, the grammar and free-text accuracy round by round; unmeasured is null', () => {
    expect(report.items).toEqual({ [U]: 80, [I]: 100 });
    expect(report.accuracy).toEqual({ [U]: [35, 37.5, null], [I]: [40, 41, 39] });
    expect(report.unconstrained).toEqual({ [U]: [20, 25, null], [I]: [30, 31, 29] });
  });

  it('reads each ablation at its last accepted round, with fixed-3 refinement, tokens and p-values', () => {
    expect(report.ablations).toEqual({
      'invocation-only': { [U]: 22.5, [I]: 30 },
      // Its round 1 was rolled back: the model it ends with is round 0's.
      'random selection': { [U]: 20, [I]: 30 },
      'fixed-3 refinement': { [U]: 25 },
    });
    expect(report.tokens).toEqual({ adaptive: 900, fixed3: 2400 });
    expect(report.p_values).toEqual({ 'full method round 2 vs round 0: toolsmith-unseen': 0.0412, broken: null });
    expect(report.minutes).toBe(12.3);
  });
});

describe('minutes per step', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, s)).toISOString();
  const rows = stepMinutes([
    { name: 'baseline', startedAt: at(0), finishedAt: at(60) },
    { name: 'round-1/queries', startedAt: at(60), finishedAt: at(90) },
    { name: 'round-1/tool-using', startedAt: at(90), finishedAt: at(210) },
    { name: 'round-1/mix', startedAt: at(210), finishedAt: at(216) },
    { name: 'round-1/train', startedAt: at(216), finishedAt: at(336) },
    { name: 'round-1/evaluate', startedAt: null, finishedAt: null },
  ]);

  it('groups the steps of each round under the issue names (round 0 is the baseline evaluation)', () => {
    expect(rows.map((r) => r.round)).toEqual([0, 1]);
    expect(rows[0]!.minutes.evaluation).toBe(1);
    expect(rows[1]!.minutes['query writing']).toBe(0.5);
    expect(rows[1]!.minutes.sampling).toBe(2);
    expect(rows[1]!.minutes.training).toBeCloseTo(2.1);
    // A step that did not run (or has no times) shows as not measured, not as zero.
    expect(rows[1]!.minutes.evaluation).toBeNull();
    expect(rows[1]!.total).toBeCloseTo(4.6);
  });

  it('prints a header and one line per round', () => {
    const lines = formatStepMinutes(rows);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('query writing');
    expect(lines[0]).toContain('pass@k');
    expect(lines[2]).toMatch(/^1\s+0\.50\s+—\s+2\.00/);
  });
});
