import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/main/engine/inference/backend';
import {
  CALL_FORMATS,
  detectCallFormat,
  fromCanonicalText,
  printCallsAs,
  readCalls,
  toCanonicalText,
  type CallFormat,
} from '../../src/main/engine/inference/call-formats';
import { callGrammar } from '../../src/main/engine/inference/call-grammar';
import { printCalls } from '../../src/main/engine/tools/call-print';
import { sameCalls } from '../../src/main/engine/tools/canonical';
import type { Call, CallValue } from '../../src/main/engine/tools/types';
import { gbnfAccepts } from './gbnf-match';
import { QWEN_TOOLS_TEMPLATE } from './llama-vocab';
import fs from 'node:fs';
import path from 'node:path';

const tools: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'Weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        unit: { type: 'string', enum: ['c', 'f'] },
        metric: { type: 'boolean' },
      },
      required: ['city'],
    },
  },
  {
    name: 'math.add',
    description: 'Add',
    parameters: {
      type: 'object',
      properties: {
        xs: { type: 'array', items: { type: 'number' } },
        opts: { type: 'object', properties: { round: { type: 'boolean' } } },
      },
      required: ['xs'],
    },
  },
  { name: 'ping', description: 'Ping', parameters: { type: 'object', properties: {}, required: [] } },
];

// Printable ASCII: what the grammar's string rule and JSON escapes both write the same way.
const text = fc.string({ maxLength: 20, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
const num = fc.oneof(
  fc.integer({ min: -99999, max: 99999 }),
  fc.double({ min: -1000, max: 1000, noNaN: true }).map((x) => Math.round(x * 100) / 100 || 0),
); // JSON has no -0

/** Calls that fit the tools' schemas, arguments in schema order (the order the grammar writes them). */
const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc
    .record(
      { city: text, days: fc.integer({ min: 0, max: 30 }), unit: fc.constantFrom('c', 'f'), metric: fc.boolean() },
      { requiredKeys: ['city'] },
    )
    .map((a) => ({ name: 'get_weather', args: ordered(a, ['city', 'days', 'unit', 'metric']) })),
  fc
    .record(
      { xs: fc.array(num, { maxLength: 5 }), opts: fc.record({ round: fc.boolean() }, { requiredKeys: [] }) },
      { requiredKeys: ['xs'] },
    )
    .map((a) => ({ name: 'math.add', args: ordered(a as Record<string, CallValue>, ['xs', 'opts']) })),
  fc.constant({ name: 'ping', args: {} }),
);

function ordered(a: Record<string, unknown>, keys: string[]): Record<string, CallValue> {
  const out: Record<string, CallValue> = {};
  for (const k of keys) if (k in a) out[k] = a[k] as CallValue;
  return out;
}

const callsArb = fc.array(callArb, { minLength: 1, maxLength: 4 });

describe('call formats', () => {
  it('print and parse round trips in every format', () => {
    for (const format of CALL_FORMATS) {
      fc.assert(
        fc.property(callsArb, (calls) => {
          const printed = printCallsAs(format, calls);
          const read = readCalls(printed);
          expect('calls' in read && read.calls && sameCalls(read.calls, calls)).toBe(true);
          expect(toCanonicalText(format, printed)).toBe(printCalls(calls));
          expect(fromCanonicalText(format, printCalls(calls))).toBe(printed);
        }),
        { seed: 7, numRuns: 150 },
      );
    }
  });

  it("each format's grammar accepts the calls it prints, and not those of another format", () => {
    const grammars = Object.fromEntries(CALL_FORMATS.map((f) => [f, callGrammar(tools, { format: f, maxItems: 8 })])) as Record<
      CallFormat,
      string
    >;
    fc.assert(
      fc.property(callsArb, (calls) => {
        for (const format of CALL_FORMATS) {
          expect(gbnfAccepts(grammars[format], printCallsAs(format, calls))).toBe(true);
          for (const other of CALL_FORMATS)
            if (other !== format) expect(gbnfAccepts(grammars[format], printCallsAs(other, calls))).toBe(false);
        }
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('the grammar refuses unknown tools, unknown or missing arguments, wrong types, values off the enum and cut text', () => {
    const bad: Call[][] = [
      [{ name: 'get_wether', args: { city: 'x' } }],
      [{ name: 'get_weather', args: { city: 'x', country: 'y' } }],
      [{ name: 'get_weather', args: { days: 3 } }],
      [{ name: 'get_weather', args: { city: 3 } }],
      [{ name: 'get_weather', args: { city: 'x', unit: 'k' } }],
      [{ name: 'get_weather', args: { city: 'x', days: 1.5 } }],
    ];
    for (const format of CALL_FORMATS) {
      const g = callGrammar(tools, { format });
      for (const calls of bad) expect(gbnfAccepts(g, printCallsAs(format, calls))).toBe(false);
      const good = printCallsAs(format, [{ name: 'get_weather', args: { city: 'x' } }]);
      expect(gbnfAccepts(g, good)).toBe(true);
      expect(gbnfAccepts(g, good.slice(0, -1))).toBe(false);
      expect(gbnfAccepts(g, 'No tool fits this request.')).toBe(false);
    }
  });

  it('the grammar without tools accepts any well-formed call list of its format', () => {
    for (const format of CALL_FORMATS) {
      const g = callGrammar([], { format });
      expect(
        gbnfAccepts(
          g,
          printCallsAs(format, [
            { name: 'anything', args: { a: 1, b: 'x', c: [true, null] } },
            { name: 'other', args: {} },
          ]),
        ),
      ).toBe(true);
    }
  });

  it('reads the format a template teaches', () => {
    const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
    expect(detectCallFormat(QWEN_TOOLS_TEMPLATE)).toBe('hermes');
    expect(detectCallFormat(fixture('llama-3.2-instruct.jinja'))).toBe('llama3-json');
    expect(detectCallFormat(fixture('smollm2-instruct.jinja'))).toBe('python');
    expect(detectCallFormat(null)).toBe('python');
  });

  it('answers in words and failed calls stay as they are', () => {
    for (const format of CALL_FORMATS) {
      expect(toCanonicalText(format, 'No tool fits.')).toBe('No tool fits.');
      expect(fromCanonicalText(format, 'No tool fits.')).toBe('No tool fits.');
    }
    expect(toCanonicalText('hermes', '<tool_call>\n{"name": "f", "arguments": {</tool_call>')).toBe(
      '<tool_call>\n{"name": "f", "arguments": {</tool_call>',
    );
  });
});
