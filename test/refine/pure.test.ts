import { describe, expect, it } from 'vitest';
import { stepKey, stopAfter } from '../../src/main/engine/refine/adaptive';
import { buildRefinementCorpus, type Attempt } from '../../src/main/engine/refine/corpus';
import { normalizeTools } from '../../src/main/engine/tools/normalize';

describe('refinement stop rule', () => {
  const k = (texts: string[]) => texts.map((t, i) => stepKey(t, i));
  it('stops when two consecutive canonical answers are equal', () => {
    expect(stopAfter(k(['[f(a=1)]']), 3)).toBeNull();
    expect(stopAfter(k(['[f(a=1)]', '[f( a=1 )]']), 3)).toEqual({ steps: 2, reason: 'converged' });
    expect(stopAfter(k(['[f(a=1)]', '[f(a=2)]']), 3)).toBeNull();
    expect(stopAfter(k(['[f(a=1)]', '[f(a=2)]', '[f(a=2)]']), 3)).toEqual({ steps: 3, reason: 'converged' });
  });
  it('stops at the cap of refinements', () => {
    expect(stopAfter(k(['[f(a=1)]', '[f(a=2)]', '[f(a=3)]']), 3)).toBeNull();
    expect(stopAfter(k(['[f(a=1)]', '[f(a=2)]', '[f(a=3)]', '[f(a=4)]']), 3)).toEqual({ steps: 4, reason: 'max_refinements' });
    expect(stopAfter(k(['[f(a=1)]', '[f(a=2)]']), 1)).toEqual({ steps: 2, reason: 'max_refinements' });
    expect(stopAfter(k(['[f(a=1)]']), 0)).toEqual({ steps: 1, reason: 'no_refinement' });
  });
  it('never counts two unparseable outputs as the same answer', () => {
    expect(stopAfter(k(['[f((', '[f((']), 3)).toBeNull();
  });
  it('fixed mode always refines to the cap', () => {
    expect(stopAfter(k(['[f(a=1)]', '[f(a=1)]', '[f(a=1)]']), 3, 'fixed')).toBeNull();
    expect(stopAfter(k(['[f(a=1)]', '[f(a=1)]', '[f(a=1)]', '[f(a=1)]']), 3, 'fixed')).toEqual({ steps: 4, reason: 'max_refinements' });
  });
});

describe('refinement corpus', () => {
  const tools = normalizeTools([
    { name: 'f', description: 'F.', parameters: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] } },
  ]);
  const key = stepKey('[f(a=1)]', 0);
  const attempt = (q: string, output: string): Attempt => ({ query: q, tools, output, target: '[f(a=1)]', targetKey: key });
  it('pairs wrong→corrected and right→unchanged 1:1', () => {
    const attempts = [
      attempt('q1', '[f(a=2)]'),
      attempt('q2', '[f(a=3)]'),
      attempt('q3', '[f(('),
      attempt('q4', '[f(a=1)]'),
      attempt('q5', '[f( a=1 )]'),
      attempt('q5', '[f( a=1 )]'), // duplicate: counted once
    ];
    const c = buildRefinementCorpus(attempts, { seed: 3 });
    expect(c.wrong).toBe(2);
    expect(c.right).toBe(2);
    expect(c.examples).toHaveLength(4);
    for (const e of c.examples) {
      expect(e.subtask).toBe('refinement');
      expect(e.messages[1]!.content).toMatch(/Previous answer: /);
      const prev = /Previous answer: (.*)\n/.exec(e.messages[1]!.content)![1]!;
      if (stepKey(prev, 0) === key)
        expect(e.target).toBe(prev); // right → unchanged
      else expect(e.target).toBe('[f(a=1)]'); // wrong → corrected
    }
  });
  it('never counts noise as a right refusal', () => {
    const refusal = stepKey('No tool fits this request.', 0);
    const noise: Attempt = { query: 'q', tools, output: '":":":":":":', target: 'No tool fits this request.', targetKey: refusal };
    const words: Attempt = { ...noise, query: 'r', output: 'No tool fits this request.' };
    const c = buildRefinementCorpus([noise, words]);
    expect([c.wrong, c.right]).toEqual([1, 1]);
    expect(c.examples.find((e) => e.messages[1]!.content.startsWith('q\n'))!.target).toBe('No tool fits this request.');
  });
  it('honours another ratio', () => {
    const attempts = [attempt('a', '[f(a=2)]'), attempt('b', '[f(a=3)]'), attempt('c', '[f(a=4)]'), attempt('d', '[f(a=1)]')];
    const c = buildRefinementCorpus(attempts, { ratio: 2 });
    expect([c.wrong, c.right]).toEqual([2, 1]);
  });
});
