import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/main/engine/inference/backend';
import { callGrammar, startsLikeCalls } from '../../src/main/engine/inference/call-grammar';
import { CALL_FORMATS, printCallsAs, readBareCalls } from '../../src/main/engine/inference/call-formats';
import { firstStop, heldForStop } from '../../src/main/engine/inference/local-backend';
import { CallScan } from '../../src/main/engine/serving/serve-stream';
import type { Call } from '../../src/main/engine/tools/types';
import { gbnfAccepts } from './gbnf-match';

/** `tool_choice: "auto"`'s grammar (calls or words), its stop-sequence helpers and its streaming scan. */

const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
    },
  },
  { name: 'get_time', description: 'Time', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
];

const city = fc.string({ unit: fc.constantFrom(...'abcdefgh XYZ-é'), minLength: 1, maxLength: 10 });
const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ city, unit: fc.option(fc.constantFrom('c', 'f'), { nil: undefined }) }).map(({ city, unit }) => ({
    name: 'get_weather',
    args: unit ? { city, unit } : { city },
  })) as fc.Arbitrary<Call>,
  city.map((c) => ({ name: 'get_time', args: { city: c } })),
);
/** Printable text, new lines and tabs included, that does not start like a call list or with white space. */
const words = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'AHTSwy0?"\'(.,é😀'), minLength: 1, maxLength: 1 }),
    fc.string({ unit: fc.constantFrom(...'abc xyz[]{}<>()=,."\'\n\t!?é😀'), maxLength: 60 }),
  )
  .map(([a, b]) => a + b);

describe('callGrammar with allowWords (tool_choice "auto")', () => {
  for (const format of CALL_FORMATS) {
    const grammar = callGrammar(TOOLS, { format, allowWords: true, maxWordsLength: 200 });
    const forced = callGrammar(TOOLS, { format });

    it(`${format}: accepts every call list the forced grammar accepts, and every plain answer`, () => {
      fc.assert(
        fc.property(fc.array(call, { minLength: 1, maxLength: 3 }), (calls) => {
          const text = printCallsAs(format, calls);
          expect(gbnfAccepts(forced, text)).toBe(true);
          expect(gbnfAccepts(grammar, text)).toBe(true);
          expect(startsLikeCalls(text)).toBe(true);
        }),
        { numRuns: 60 },
      );
      fc.assert(
        fc.property(words, (text) => {
          expect(gbnfAccepts(grammar, text)).toBe(true);
          expect(gbnfAccepts(forced, text)).toBe(false);
          expect(startsLikeCalls(text)).toBe(false);
        }),
        { numRuns: 60 },
      );
    });

    it(`${format}: refuses what is neither (a broken call list, a leading space, a control character, too long)`, () => {
      for (const text of ['[get_weather(city=1)]', '<tool_call>oops', '{"name": 1}', ' Hello', 'Hi\u0001', 'a'.repeat(201), ''])
        expect(gbnfAccepts(grammar, text), JSON.stringify(text)).toBe(false);
      expect(gbnfAccepts(grammar, 'a'.repeat(200))).toBe(true);
    });
  }
});

describe('a call written without the brackets, under "auto"', () => {
  const names = new Set(['get_weather', 'get_time']);
  it('is read as calls when it is only calls of offered tools', () => {
    expect(readBareCalls('get_weather(city="Paris")', names)).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(readBareCalls(' get_weather(city="Paris"), get_time(city="Rome")\n', names)).toHaveLength(2);
  });
  it('stays words otherwise', () => {
    expect(readBareCalls('get_weather(city="Paris") is what I would call', names)).toBeNull();
    expect(readBareCalls('print(city="Paris")', names)).toBeNull();
    expect(readBareCalls('Hello (there)', names)).toBeNull();
  });
});

describe('stop sequences', () => {
  it('finds the earliest stop and holds back an end that may still become one', () => {
    expect(firstStop('one, two, three', ['three', ', t'])).toBe(3);
    expect(firstStop('one', ['x'])).toBe(-1);
    expect(heldForStop('one, tw', ['two!'])).toBe(2);
    expect(heldForStop('one, t', ['xyz', ', tw'])).toBe(3);
    expect(heldForStop('one', ['two'])).toBe(0);
    // The whole stop is found by firstStop, never held: only proper prefixes are.
    expect(heldForStop('two', ['two'])).toBe(0);
  });
});

describe('streaming scan in each call format', () => {
  it('closes Hermes calls at </tool_call> and Llama 3 calls at their closing brace', () => {
    const hermes = new CallScan('hermes');
    const h = printCallsAs('hermes', [
      { name: 'f', args: { a: '}' } },
      { name: 'g', args: {} },
    ]);
    const firstEnd = h.indexOf('</tool_call>') + '</tool_call>'.length;
    hermes.feed(h.slice(0, firstEnd - 1));
    expect(hermes.lastClosedEnd).toBe(0);
    hermes.feed(h.slice(0, firstEnd + 3));
    expect(hermes.lastClosedEnd).toBe(firstEnd);
    hermes.feed(h);
    expect(hermes.lastClosedEnd).toBe(h.length);

    const json = new CallScan('json');
    const j = printCallsAs('llama3-json', [
      { name: 'f', args: { a: '}' } },
      { name: 'g', args: { b: { c: 1 } } },
    ]);
    json.feed(j.slice(0, 20));
    expect(json.lastClosedEnd).toBe(0);
    json.feed(j);
    expect(j.slice(0, json.lastClosedEnd)).toBe(j);
  });
});
