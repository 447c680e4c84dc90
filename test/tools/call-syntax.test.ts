/** The call syntax: parser, printer, canonical form. Property tests with fast-check plus the cases models produce. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { printCalls } from '../../src/main/engine/tools/call-print';
import { canonicalKey, sameCalls } from '../../src/main/engine/tools/canonical';
import type { Call, CallValue } from '../../src/main/engine/tools/types';

const RESERVED = new Set(['lambda', 'True', 'False', 'None', 'true', 'false', 'null']);
const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter((s) => !RESERVED.has(s));
const name = fc.oneof(
  ident,
  fc.array(ident, { minLength: 2, maxLength: 3 }).map((parts) => parts.join('.')),
  // ToolACE-style names with spaces
  fc.array(fc.stringMatching(/^[A-Z][a-z]{1,6}$/), { minLength: 2, maxLength: 3 }).map((parts) => parts.join(' ')),
);
const value: fc.Arbitrary<CallValue> = fc.letrec<{ v: CallValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const call: fc.Arbitrary<Call> = fc.record({ name, args: fc.dictionary(ident, value, { maxKeys: 5 }) });
const calls = fc.array(call, { minLength: 1, maxLength: 4 });

describe('call syntax properties', () => {
  it('parse(print(calls)) equals calls', () => {
    fc.assert(
      fc.property(calls, (cs) => {
        const parsed = parseCalls(printCalls(cs));
        expect(parsed).toEqual({ ok: true, calls: cs, format: 'python' });
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary strings, nor on damaged call text', () => {
    const damaged = fc.tuple(calls, fc.nat(), fc.string({ maxLength: 4 })).map(([cs, cut, junk]) => {
      const text = printCalls(cs);
      const at = cut % (text.length + 1);
      return text.slice(0, at) + junk + text.slice(at + (cut % 3));
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), damaged), (text) => {
        const result = parseCalls(text);
        if (result.ok) expect(Array.isArray(result.calls)).toBe(true);
        else {
          expect(typeof result.error.kind).toBe('string');
          expect(result.error.position).toBeGreaterThanOrEqual(0);
          expect(result.error.position).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('canonical form ignores argument order and call order but not values', () => {
    fc.assert(
      fc.property(calls, (cs) => {
        const shuffled = [...cs].reverse().map((c) => ({ name: c.name, args: Object.fromEntries(Object.entries(c.args).reverse()) }));
        expect(canonicalKey(shuffled)).toBe(canonicalKey(cs));
        expect(sameCalls(cs, shuffled)).toBe(true);
        const changed = [{ ...cs[0]!, args: { ...cs[0]!.args, zz_extra: 1 } }, ...cs.slice(1)];
        expect(sameCalls(cs, changed)).toBe(false);
      }),
    );
  });
});

describe('parseCalls', () => {
  const ok = (text: string) => {
    const r = parseCalls(text);
    if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
    return r;
  };

  it('reads the canonical form with every kind of value', () => {
    const r = ok(
      `[f(a=1, b="x"), pkg.mod.g(c=[1, 2], d=(3, 4), e={'k': -2.5e-3}, t=True, u=false, n=None, m=null, s='it\\'s', q="a\\"b\\n\\u00e9", h=0x1F, big=1_000)]`,
    );
    expect(r.format).toBe('python');
    expect(r.calls).toEqual([
      { name: 'f', args: { a: 1, b: 'x' } },
      {
        name: 'pkg.mod.g',
        args: { c: [1, 2], d: [3, 4], e: { k: -0.0025 }, t: true, u: false, n: null, m: null, s: "it's", q: 'a"b\né', h: 31, big: 1000 },
      },
    ]);
  });

  it('reads nested calls as BFCL does', () => {
    expect(ok('[f(x=g(y=1), z=h(2))]').calls).toEqual([{ name: 'f', args: { x: { g: { y: 1 } }, z: 'h(2)' } }]);
  });

  it('tolerates a missing bracket, code fences and text around a bracketed list', () => {
    expect(ok('f(a=1)').calls).toEqual([{ name: 'f', args: { a: 1 } }]);
    expect(ok('[f(a=1)').calls).toEqual([{ name: 'f', args: { a: 1 } }]);
    expect(ok('```python\n[f(a=1)]\n```').calls).toEqual([{ name: 'f', args: { a: 1 } }]);
    expect(ok('Sure, here it is: [get_weather(city="Paris")] Anything else?').calls).toEqual([
      { name: 'get_weather', args: { city: 'Paris' } },
    ]);
    expect(ok('Get Weather(city="Oslo")').calls).toEqual([{ name: 'Get Weather', args: { city: 'Oslo' } }]);
  });

  it('reads the JSON forms models emit', () => {
    expect(
      ok('<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>\n<tool_call>{"name": "g", "arguments": {}}</tool_call>'),
    ).toEqual({
      ok: true,
      format: 'hermes',
      calls: [
        { name: 'f', args: { x: 1 } },
        { name: 'g', args: {} },
      ],
    });
    expect(ok('{"tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\\"x\\": 2}"}}]}')).toEqual({
      ok: true,
      format: 'openai',
      calls: [{ name: 'f', args: { x: 2 } }],
    });
    expect(ok('[{"name": "f", "arguments": {"a": [1]}}, {"name": "g", "parameters": {"b": "c"}}]')).toEqual({
      ok: true,
      format: 'json',
      calls: [
        { name: 'f', args: { a: [1] } },
        { name: 'g', args: { b: 'c' } },
      ],
    });
    expect(ok('{"name": "f", "arguments": {}}').format).toBe('json');
  });

  it('calls plain words "empty" only when there is clearly no call attempt', () => {
    for (const text of ['', '   ', '[]', 'I cannot help with that.', 'The area is 25 (square units).', 'None']) {
      expect(parseCalls(text), text).toEqual({ ok: true, calls: [], format: 'empty' });
    }
  });

  it('reports attempts that fail with a kind and a position', () => {
    expect(parseCalls('[f(a=1, b=)]')).toMatchObject({ ok: false, error: { kind: 'syntax', position: 10 } });
    expect(parseCalls('[f(a="x)]')).toMatchObject({ ok: false, error: { kind: 'unterminated_string', position: 5 } });
    expect(parseCalls('[f(1, a=2)]')).toMatchObject({ ok: false, error: { kind: 'positional_argument' } });
    expect(parseCalls('[f(a=1, a=2)]')).toMatchObject({ ok: false, error: { kind: 'duplicate_argument' } });
    expect(parseCalls('<tool_call>{"name": "f", "arguments": {"x": }</tool_call>')).toMatchObject({ ok: false, error: { kind: 'json' } });
    expect(parseCalls('[f(a=1), 42]')).toMatchObject({ ok: false, error: { kind: 'not_a_call', position: 9 } });
  });

  it('prints canonical text', () => {
    expect(printCalls([{ name: 'f', args: { a: 1, b: 'x', c: [1.5, null, true], d: { k: 'v' } } }])).toBe(
      '[f(a=1, b="x", c=[1.5, None, True], d={"k": "v"})]',
    );
  });
});

describe('keys named __proto__', () => {
  // A key is data: `__proto__=` must be an argument like any other, never the prototype of the arguments.
  it('keeps __proto__ as an own argument and an own dict key, and prints it back', () => {
    const r = parseCalls('[f(__proto__={"polluted": 1}, b=2, d={"__proto__": {"x": 1}})]');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const args = r.calls[0]!.args as Record<string, CallValue>;
    expect(Object.keys(args)).toEqual(['__proto__', 'b', 'd']);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect((args as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(args, '__proto__')?.value).toEqual({ polluted: 1 });
    const d = args.d as Record<string, CallValue>;
    expect(Object.keys(d)).toEqual(['__proto__']);
    expect((d as { x?: unknown }).x).toBeUndefined();
    expect(JSON.parse(JSON.stringify(args))).toEqual(JSON.parse('{"__proto__": {"polluted": 1}, "b": 2, "d": {"__proto__": {"x": 1}}}'));
    const again = parseCalls(printCalls(r.calls));
    expect(again.ok && sameCalls(again.calls, r.calls)).toBe(true);
  });
});
