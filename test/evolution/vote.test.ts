import { describe, expect, it } from 'vitest';
import { categoryOf, voteOnSamples } from '../../src/main/engine/evolution/vote';
import { normalizeTools } from '../../src/main/engine/tools/normalize';

const tools = normalizeTools([
  {
    name: 'add',
    description: 'Add.',
    parameters: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] },
  },
  {
    name: 'get_weather',
    description: 'Weather.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
]);
const verifiers = (d: ReturnType<typeof voteOnSamples>) => d.verdicts.map((v) => `${v.verifier}:${v.passed}`);

describe('self-consistency vote over k answers', () => {
  it('keeps the majority canonical answer (argument order and spacing do not split the vote), its first occurrence as the sample, with its share', () => {
    const d = voteOnSamples(['[add(b=2, a=1)]', '[add(a=1,b=2)]', '[add(a=3, b=4)]', 'nonsense ]]'], tools, 0.5);
    expect(d.outputText).toBe('[add(b=2, a=1)]');
    expect(d.calls).toEqual([{ name: 'add', args: { a: 1, b: 2 } }]);
    expect(d.share).toBe(0.5);
    expect(verifiers(d)).toEqual(['format:true', 'schema:true', 'consistency:true']);
    expect(d.category).toBe('multiple');
  });

  it('fails consistency below the threshold and schema for an undeclared argument, each with its reason', () => {
    const split = voteOnSamples(['[add(a=1, b=2)]', '[add(a=2, b=2)]', '[add(a=3, b=2)]'], tools, 0.5);
    expect(split.share).toBeCloseTo(1 / 3);
    expect(verifiers(split)).toEqual(['format:true', 'schema:true', 'consistency:false']);
    expect(split.verdicts[2]!.reason).toMatch(/1 of 3 samples .* < threshold 50 %/);
    const bad = voteOnSamples(['[add(a=1, c=2)]', '[add(a=1, c=2)]'], tools, 0.5);
    expect(verifiers(bad)).toEqual(['format:true', 'schema:false', 'consistency:true']);
  });

  it('an answer in words is a refusal (irrelevance); nothing parseable keeps the first answer and fails format', () => {
    const words = voteOnSamples(['No tool fits this request.', 'No tool fits this request.'], tools, 0.5);
    expect(words).toMatchObject({ calls: null, outputText: 'No tool fits this request.', category: 'irrelevance', share: 1 });
    const junk = voteOnSamples(['[add(a=', '[[['], tools, 0.5);
    expect(junk.outputText).toBe('[add(a=');
    expect(junk.verdicts.map((v) => v.verifier)).toEqual(['format', 'consistency']);
    expect(junk.verdicts.every((v) => !v.passed)).toBe(true);
    expect(() => voteOnSamples([], tools, 0.5)).toThrow(/at least one answer/);
  });

  it('names BFCL categories by calls and tools offered', () => {
    const call = (name: string) => ({ name, args: {} });
    expect(categoryOf([call('a')], 1)).toBe('simple');
    expect(categoryOf([call('a')], 3)).toBe('multiple');
    expect(categoryOf([call('a'), call('a')], 1)).toBe('parallel');
    expect(categoryOf([call('a'), call('b')], 2)).toBe('parallel_multiple');
    expect(categoryOf(null, 2)).toBe('irrelevance');
  });

  it('per-call voting keeps every call a threshold share of the samples made, so parallel answers survive disagreement on the rest', () => {
    const outputs = [
      '[get_weather(city="Paris"), get_weather(city="Rome")]',
      '[get_weather(city="Rome"), get_weather(city="Paris"), add(a=1, b=2)]',
      '[get_weather(city="Paris")]',
      '[get_weather(city="Rome"), get_weather(city="Oslo")]',
    ];
    // No whole answer is shared: the answer vote fails consistency.
    expect(verifiers(voteOnSamples(outputs, tools, 0.5))).toContain('consistency:false');
    const d = voteOnSamples(outputs, tools, 0.5, 'per-call');
    expect(d.calls).toEqual([
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_weather', args: { city: 'Rome' } },
    ]);
    expect(d.share).toBe(0.75); // Rome 3 of 4, Paris 3 of 4
    expect(verifiers(d)).toEqual(['format:true', 'schema:true', 'consistency:true']);
    expect(d.category).toBe('parallel_multiple');
    // A call repeated within one sample counts once; nothing reaching the threshold falls back to the answer vote.
    const none = voteOnSamples(['[add(a=1, b=1), add(a=1, b=1)]', '[add(a=2, b=2)]', '[add(a=3, b=3)]'], tools, 0.5, 'per-call');
    expect(none.verdicts.find((v) => v.verifier === 'consistency')?.passed).toBe(false);
  });
});
