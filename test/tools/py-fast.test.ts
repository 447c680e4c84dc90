/**
 * The fast path of the call parser (`py-fast.ts`) against the general one (`PyParser` + `resolveCall`): on
 * generated call text full of the cases that tell them apart (escapes, nested calls, dotted and spaced names,
 * negative and scientific numbers, tuples, dicts, None/True/False, comments, operators, damaged text), both
 * paths give the same calls or the same error, in strict (BFCL) and lenient mode, also inside a larger text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePythonCalls } from '../../src/main/engine/tools/call-parse';
import { printTypedCalls } from '../../src/main/engine/tools/call-print';
import { fastPythonCalls } from '../../src/main/engine/tools/py-fast';
import { PyFloat, PyTuple, type PyValue } from '../../src/main/engine/tools/py-value';
import type { TypedCall } from '../../src/main/engine/tools/py-resolve';

/** A value written out with every distinction the checker makes: int/float, -0, list/tuple, dict key order. */
function dump(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return `i${Object.is(v, -0) ? '-0' : String(v)}`;
  if (v instanceof PyFloat) return `f${Object.is(v.value, -0) ? '-0' : String(v.value)}`;
  if (v instanceof PyTuple) return `(${v.items.map(dump).join(',')})`;
  if (Array.isArray(v)) return `[${v.map(dump).join(',')}]`;
  return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${dump(x)}`).join(',')}}`;
}

function dumpCalls(calls: TypedCall[]): string {
  return calls.map((c) => `${c.name}@${c.pos}/${c.positional}(${[...c.args].map(([k, v]) => `${k}=${dump(v)}`).join(',')})`).join(';');
}

/** What one path makes of the text: the calls, or the error's class, kind, message and position. */
function outcome(text: string, start: number, end: number, strict: boolean, fast: boolean): string {
  try {
    return `ok ${dumpCalls(parsePythonCalls(text, start, end, strict, fast))}`;
  } catch (error) {
    const e = error as { constructor: { name: string }; kind?: string; message: string; position?: number };
    return `error ${e.constructor.name} ${e.kind} ${e.position} ${e.message}`;
  }
}

/** Counts, per run of a property, how often the fast path decided: so that a test cannot pass vacuously. */
function agree(text: string, counts: { fast: number; all: number }, start = 0, end = text.length): void {
  for (const strict of [true, false]) {
    const general = outcome(text, start, end, strict, false);
    expect(outcome(text, start, end, strict, true), `${strict ? 'strict' : 'lenient'}: ${JSON.stringify(text)}`).toBe(general);
    const fast = fastPythonCalls(text, start, end, strict);
    counts.all++;
    if (fast !== undefined) {
      counts.fast++;
      expect(`ok ${dumpCalls(fast)}`, JSON.stringify(text)).toBe(general);
    }
  }
}

// ---------- call text, with the tricky cases mixed in ----------

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const ws = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, pick(' ', '  ', '\n', '\t', ' \n  ', '\r\n', '\f', ' # note\n', '\\\n'));
const plainIdent = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/);
const ident = fc.oneof(
  { weight: 8, arbitrary: plainIdent },
  pick('True', 'False', 'None', 'true', 'false', 'null', 'lambda', 'r', 'b', 'f', 'u', 'rb', 'and', 'in', 'if', 'not', 'is', 'or'),
  pick('café', 'naïve', '名前', 'x\u00b7y', 'a\u200bb'),
);
const dotted = fc
  .array(ident, { minLength: 2, maxLength: 3 })
  .chain((parts) =>
    fc
      .array(pick('.', '.', '.', ' .', '. ', ' . '), { minLength: parts.length - 1, maxLength: parts.length - 1 })
      .map((dots) => parts.reduce((acc, part, i) => (i === 0 ? part : `${acc}${dots[i - 1]}${part}`), '')),
  );
const spaced = fc.array(fc.stringMatching(/^[A-Z][a-z]{1,5}$/), { minLength: 2, maxLength: 3 }).map((w) => w.join(' '));
const callName = fc.oneof({ weight: 6, arbitrary: ident }, dotted, spaced);

const stringChar = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 1 }) },
  pick('\\n', '\\t', '\\r', '\\\\', "\\'", '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\/', '\\q', '\\0', '\\101', '\\\n', '\\a', '\\b'),
  pick('é', '名', '😀', '\n', '\r', "'", '"', '#', '\\'),
);
const stringBody = fc.array(stringChar, { maxLength: 8 }).map((cs) => cs.join(''));
const stringLit = fc
  .tuple(pick('', '', '', '', 'r', 'u', 'b', 'f', 'R', 'rb'), pick('"', "'", '"', "'", '"""', "'''"), stringBody)
  .map(([prefix, q, body]) => `${prefix}${q}${body}${q}`);
const strings = fc.oneof(
  { weight: 6, arbitrary: stringLit },
  fc.tuple(stringLit, ws, stringLit).map(([a, w, b]) => `${a}${w === '' ? ' ' : w}${b}`), // adjacent literals join
);

const digits = fc.stringMatching(/^[0-9]{1,6}$/);
const TRICKY_NUMBERS = [
  '0',
  '-0',
  '-0.0',
  '0.0',
  '00',
  '007',
  '-01',
  '0.5',
  '00.5',
  '.5',
  '5.',
  '-5.',
  '0x1F',
  '0o17',
  '0b101',
  '1_000',
  '1e',
  '1e+',
  '1.5j',
  '1L',
  '1.5.2',
  '12345678901234567890',
  '1e400',
  '-1e-400',
  '- 5',
  '--5',
  '+5',
  '-+5',
  '-True',
  '5e-07',
  '1.0e+21',
  '0e0',
];
const CONSTANTS = ['True', 'False', 'None', 'true', 'false', 'null', '...', 'x', 'var_name', 'math.pi', 'inf', 'nan', 'Truex', 'None_'];
const numberLit = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1e6, max: 1e6 }).map(String) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Number.isInteger(x) ? `${x}.0` : String(x))) },
  fc.tuple(digits, digits).map(([a, b]) => `${a}.${b}`),
  fc.tuple(digits, pick('e', 'E', 'e+', 'e-', 'E-'), digits).map(([a, e, b]) => `${a}${e}${b}`),
  pick(...TRICKY_NUMBERS),
);
const constant = pick(...CONSTANTS);

const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => {
  const item = tie('v');
  const seq = (open: string, close: string) =>
    fc
      .tuple(fc.array(fc.tuple(ws, item, ws), { maxLength: 4 }), fc.boolean(), ws)
      .map(
        ([xs, trailing, w]) =>
          `${open}${xs.map(([a, x, b]) => `${a}${x}${b}`).join(',')}${trailing && xs.length > 0 ? ',' : ''}${w}${close}`,
      );
  const dictEntry = fc
    .tuple(fc.oneof({ weight: 5, arbitrary: strings }, numberLit, constant), ws, item)
    .map(([k, w, v]) => `${k}${w}:${w}${v}`);
  return {
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 5, arbitrary: strings },
      { weight: 5, arbitrary: numberLit },
      { weight: 3, arbitrary: constant },
      seq('[', ']'),
      seq('(', ')'),
      item.map((x) => `(${x})`),
      item.map((x) => `(${x},)`),
      fc
        .tuple(fc.array(dictEntry, { maxLength: 3 }), fc.boolean())
        .map(([es, trailing]) => `{${es.join(', ')}${trailing && es.length > 0 ? ',' : ''}}`),
      seq('{', '}'), // a set, or `{}`
      fc
        .tuple(item, pick(' + ', '-', ' * ', '**', ' / ', '//', ' % ', ' == ', ' < ', ' and ', ' if '), item)
        .map(([a, op, b]) => `${a}${op}${b}`),
      fc.tuple(callName, fc.array(fc.tuple(plainIdent, item), { maxLength: 2 })).map(
        ([n, kws]) => `${n}(${kws.map(([k, x]) => `${k}=${x}`).join(', ')})`, // a nested call
      ),
      fc.tuple(callName, item).map(([n, x]) => `${n}(${x})`),
      fc.tuple(constant, item).map(([n, x]) => `${n}[${x}]`),
    ),
  };
}).v;

const arg = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(ident, ws, ws, value).map(([k, a, b, v]) => `${k}${a}=${b}${v}`) },
  value, // positional
  fc.tuple(ident, value).map(([k, v]) => `${k}==${v}`),
  pick('*args', '**kw', 'x=1, x=2'),
);
const call = fc
  .tuple(callName, ws, fc.array(fc.tuple(ws, arg, ws), { maxLength: 4 }), fc.boolean())
  .map(
    ([n, w, args, trailing]) => `${n}${w}(${args.map(([a, x, b]) => `${a}${x}${b}`).join(',')}${trailing && args.length > 0 ? ',' : ''})`,
  );
const callText = fc
  .tuple(
    ws,
    fc.boolean(),
    fc.array(fc.tuple(ws, call, ws), { maxLength: 3 }),
    fc.boolean(),
    fc.oneof({ weight: 5, arbitrary: fc.constant('') }, pick(' and more', ';', ' # done', ' ]', ',', 'x', ' [g(a=1)]')),
  )
  .map(
    ([lead, open, cs, close, tail]) =>
      `${lead}${open ? '[' : ''}${cs.map(([a, c, b]) => `${a}${c}${b}`).join(',')}${close ? ']' : ''}${tail}`,
  );

/** The same text with a few characters inserted, dropped or replaced. */
const damaged = fc
  .tuple(
    callText,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(2),
        pick('', '"', "'", '\\', '(', ')', '[', ']', '{', '}', ',', '=', ':', '-', '.', 'e', '#', ' ', '\n', '0', 'é'),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, drop, ins]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ins + t.slice(i + drop);
    }, text),
  );

// ---------- typed values printed as a model would write them ----------

const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((k) => !['True', 'False', 'None', 'lambda'].includes(k));
const typedValue: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    {
      weight: 4,
      arbitrary: fc.string({
        unit: fc.constantFrom('a', 'Z', ' ', '"', "'", '\\', '\n', '\t', '\r', 'é', '名', '😀', '/', '#', ',', ')', '='),
        maxLength: 10,
      }),
    },
    { weight: 3, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) },
    { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => new PyFloat(x)) },
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => new PyTuple(xs)),
    fc.array(fc.tuple(fc.string({ maxLength: 5 }), tie('v')), { maxLength: 3 }).map((es) => new Map(es)),
  ),
})).v;
const typedCalls = fc.array(
  fc.record({
    name: fc.oneof(
      key,
      fc.array(key, { minLength: 2, maxLength: 3 }).map((p) => p.join('.')),
    ),
    args: fc.uniqueArray(fc.tuple(key, typedValue), { maxLength: 5, selector: ([k]) => k }).map((es) => new Map(es)),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('the fast call parser agrees with the general one', () => {
  it('on generated call text with escapes, nested calls, dotted/spaced names, numbers, tuples, dicts, constants', () => {
    const counts = { fast: 0, all: 0 };
    fc.assert(
      fc.property(callText, (text) => agree(text, counts)),
      { numRuns: 2500 },
    );
    // Both paths were exercised: the fast path decided a fair share and gave up on many.
    expect(counts.fast).toBeGreaterThan(counts.all * 0.05);
    expect(counts.fast).toBeLessThan(counts.all * 0.95);
  });

  it('on damaged call text, and on a range inside a longer text', () => {
    const counts = { fast: 0, all: 0 };
    fc.assert(
      fc.property(damaged, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (text, before, after) => {
        agree(text, counts);
        agree(before + text + after, counts, before.length, before.length + text.length);
      }),
      { numRuns: 1500 },
    );
    expect(counts.fast).toBeGreaterThan(0);
  });

  it('reads printed typed calls back to the same values, on the fast path', () => {
    fc.assert(
      fc.property(typedCalls, fc.boolean(), (calls, strict) => {
        const text = printTypedCalls(calls);
        const fast = fastPythonCalls(text, 0, text.length, strict);
        // JSON.stringify escapes control characters as \u00XX, which the fast path leaves to the general one.
        const simple = !/\\u/.test(text) && !calls.some((c) => [...c.args.values()].some(hasNonFinite));
        if (simple) expect(fast, text).toBeDefined();
        if (fast !== undefined) {
          expect(dumpCalls(fast)).toBe(dumpCalls(calls.map((c, i) => ({ ...c, positional: 0, pos: fast[i]?.pos ?? -1 }))));
          expect(dumpCalls(fast)).toBe(dumpCalls(parsePythonCalls(text, 0, text.length, strict, false)));
        }
      }),
      { numRuns: 800 },
    );
  });

  it('handles the cases models write, in both modes', () => {
    const counts = { fast: 0, all: 0 };
    for (const text of [
      '[get_weather(city="Paris", days=3)]',
      '[f(a=-1, b=-2.5, c=1e-7, d=-1E+21, e=0, f=-0, g=-0.0, h=0.5)]',
      '[f(s=\'it\\\'s\', t="a\\"b\\\\c\\n", u=\'\', v="")]',
      '[pkg.mod.f(x=(1, 2), y=(3,), z=(), w=(4))]',
      '[f(d={"k": [1, {"n": None}], \'q\': (True, False)}, e={})]',
      '[f(a=[1, 2,], b={"x": 1,},)]',
      '[a.b(x=1), c(y=2)]',
      'f(x=1), g(y=2)',
      '[f(x=true, y=null)]',
      '[f(x=g(y=1))]',
      '[f(x=1 + 2)]',
      '[f(x="a" "b")]',
      '[f(x=1) # c\n]',
      '[Get Weather(city="Oslo")]',
      '[f (x=1)]',
      '[f(x=1)] trailing',
      '[f(x=1)',
      '[f(x="\\u00e9\\x41")]',
      '[f(x=00)]',
      '[f(x=5.)]',
      '[f(x="名前", 名=1)]',
      '[f(x=-)]',
      '[f(x=[-], y=(-,))]',
      '[f(x=-.5, y=-"a", z=- 1)]',
      '[f(x=1,,)]',
      '[f(=1)]',
      '[f(x=)]',
      '[f(x={"a" 1})]',
      '[f(x={"a": })]',
      '[,]',
      '[f(x=1)]]',
      '[]',
      '',
    ]) {
      agree(text, counts);
    }
    for (const literal of [...TRICKY_NUMBERS, ...CONSTANTS]) {
      agree(`[f(x=${literal})]`, counts);
      agree(`[f(x=[${literal}, (${literal},), {"k": ${literal}}])]`, counts);
    }
    expect(counts.fast).toBeGreaterThan(30);
  });
});

function hasNonFinite(v: PyValue): boolean {
  if (v instanceof PyFloat) return !Number.isFinite(v.value);
  if (v instanceof PyTuple) return v.items.some(hasNonFinite);
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (v instanceof Map) return [...v.values()].some(hasNonFinite);
  return false;
}
