import { describe, expect, it } from 'vitest';
import {
  buildDocAdaption,
  buildInvocation,
  buildToolGeneration,
  decompose,
  invocationPrompt,
  parseToolsText,
  verifyConsistency,
  verifyExecution,
  verifyFormat,
  verifySchema,
  verifyToolsText,
  vote,
  type ToolUse,
} from '../../src/main/engine/subtasks';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { parseCalls } from '../../src/main/engine/tools/call-parse';

const tools = normalizeTools([
  {
    name: 'get_weather',
    description: 'Current weather for a city. Returns temperature and sky.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
    },
  },
  {
    name: 'add',
    description: 'Adds two numbers.',
    parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
]);
const calls = (text: string) => {
  const p = parseCalls(text);
  if (!p.ok) throw new Error(p.error.message);
  return p.calls;
};

describe('format verifier', () => {
  it('passes a call list and an answer in words, fails a broken call', () => {
    expect(verifyFormat('[get_weather(city="Paris")]').passed).toBe(true);
    const words = verifyFormat('No tool fits this request.');
    expect(words).toMatchObject({ passed: true, reason: expect.stringContaining('words') });
    expect(verifyFormat('eeeeeeee "te"sa"ise osnsa_eepo"b"th').passed).toBe(false); // noise is not an answer in words
    const bad = verifyFormat('[get_weather(city="Paris"');
    expect(bad.passed).toBe(false);
    expect(bad.reason).toMatch(/does not parse/);
  });
});

describe('schema verifier', () => {
  it('passes a call matching its tool', () => {
    expect(verifySchema(calls('[get_weather(city="Paris", unit="c")]'), tools).passed).toBe(true);
  });
  it.each([
    ['[get_wether(city="Paris")]', /unknown function "get_wether"/],
    ['[get_weather(town="Paris")]', /unknown parameter "town"|required parameter "city"/],
    ['[get_weather(unit="c")]', /required parameter "city" is missing/],
    ['[get_weather(city=3)]', /expected string, got integer/],
    ['[get_weather(city="Paris", unit="k")]', /"k" is not one of "c", "f"/],
  ])('fails %s with its reason', (text, reason) => {
    const v = verifySchema(calls(text), tools);
    expect(v.passed).toBe(false);
    expect(v.reason).toMatch(reason);
  });
});

describe('self-consistency vote', () => {
  it('picks the canonical majority (argument order and spacing ignored) and its share', () => {
    const r = vote([
      '[add(a=1, b=2)]',
      '[add(b=2,a=1)]',
      '[add(a=1, b=3)]',
      'garbage((',
      '[add( a = 1 , b = 2 )]',
      '[add(a=1, b=3)]',
      '[get_weather(city="Rome")]',
      '[add(a=1, b=2)]',
    ]);
    expect(r.calls).toEqual([{ name: 'add', args: { a: 1, b: 2 } }]);
    expect(r.count).toBe(4);
    expect(r.share).toBe(0.5);
    expect(r.index).toBe(0);
    expect(r.tally.map((t) => t.count)).toEqual([4, 2, 1]);
    expect(verifyConsistency(r, 0.5).passed).toBe(true);
    expect(verifyConsistency(r, 0.6)).toMatchObject({ passed: false, reason: expect.stringContaining('4 of 8') });
  });
  it('breaks a tie by first appearance, counts unparseable outputs against the share', () => {
    const r = vote(['[add(a=1, b=3)]', '[add(a=1, b=2)]', '[add(a=1, b=2)]', '[add(a=1, b=3)]']);
    expect(r.calls).toEqual([{ name: 'add', args: { a: 1, b: 3 } }]);
    expect(vote(['[add(a=', '[add(b=', '[add(a=1, b=2)]']).share).toBeCloseTo(1 / 3);
    const none = vote(['[add(a=', '[f((']);
    expect(none.key).toBeNull();
    expect(verifyConsistency(none, 0.5).passed).toBe(false);
  });
  it('treats float/int value types as the canonical form does', () => {
    const r = vote(['[add(a=1, b=2)]', '[add(a=1.5, b=2)]', '[add(a="1", b=2)]']);
    expect(r.count).toBe(1);
  });
});

describe('execution verifier', () => {
  const impl = new Set(['add']);
  it('returns null when nothing is executable, passes clean runs and fails with the error', async () => {
    expect(
      await verifyExecution(
        calls('[get_weather(city="x")]'),
        (n) => impl.has(n),
        async () => ({ ok: true }),
      ),
    ).toBeNull();
    const ok = await verifyExecution(
      calls('[add(a=1, b=2)]'),
      (n) => impl.has(n),
      async (c) => ({ ok: true, result: (c.args.a as number) + (c.args.b as number) }),
    );
    expect(ok).toMatchObject({ verifier: 'execution', passed: true });
    const bad = await verifyExecution(
      calls('[get_weather(city="x"), add(a=1, b=2)]'),
      (n) => impl.has(n),
      async () => ({ ok: false, kind: 'timeout', message: 'ran past 200 ms' }),
    );
    expect(bad).toMatchObject({ passed: false, reason: 'call 1 (add) timeout: ran past 200 ms' });
    const threw = await verifyExecution(
      calls('[add(a=1, b=2)]'),
      () => true,
      async () => {
        throw new Error('boom');
      },
    );
    expect(threw?.reason).toMatch(/error: boom/);
  });
});

describe('tool-making rule checks', () => {
  it('accepts valid tools and rejects each broken rule with a path', () => {
    const good = parseToolsText(
      'Here: [{"name":"f","description":"d","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}}] done',
    );
    expect(good.ok).toBe(true);
    expect(verifyToolsText(good).every((v) => v.passed)).toBe(true);
    const cases: [string, RegExp][] = [
      ['[{"name":"f",', /invalid JSON|no JSON/],
      ['[]', /empty/],
      [
        '[{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["y"]}}]',
        /"y" is not one of the declared properties/,
      ],
      ['[{"name":"f"},{"name":"f"}]', /defined twice/],
      ['[{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"widget"}}}}]', /unknown type "widget"/],
      ['[{"description":"no name"}]', /name: is missing/],
    ];
    for (const [text, reason] of cases) {
      const r = parseToolsText(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
      expect(verifyToolsText(r).some((v) => !v.passed)).toBe(true);
    }
  });
});

describe('sub-task builders', () => {
  const sample: ToolUse = {
    query: 'Weather in Paris and 1+2?',
    tools,
    calls: calls('[get_weather(city="Paris"), add(a=1, b=2)]'),
    category: 'parallel_multiple',
  };
  it('decomposes one sample into the three sub-tasks whose targets parse back', () => {
    const docs = buildDocAdaption(sample);
    expect(docs).toHaveLength(2);
    expect(docs[0]!.messages[1]!.content).toBe('get_weather: Current weather for a city.');
    const back = parseToolsText(docs[0]!.target, true);
    expect(back.ok && back.tools[0]!.parameters).toEqual(tools[0]!.parameters);
    const tg = buildToolGeneration(sample);
    expect(tg).toHaveLength(1);
    const tgBack = parseToolsText(tg[0]!.target);
    expect(tgBack.ok && tgBack.tools.map((t) => t.name)).toEqual(['get_weather', 'add']);
    const inv = buildInvocation(sample)[0]!;
    expect(inv.tools.map((t) => t.name)).toEqual(['get_weather', 'add']);
    expect(calls(inv.target)).toEqual(sample.calls);
    expect(inv.messages).toEqual(invocationPrompt(sample.query, tools).messages);
  });
  it('gives an irrelevance sample a refusal target and no tool-generation example', () => {
    const d = decompose({ query: 'Tell me a joke', tools, calls: null });
    expect(d.tool_generation).toHaveLength(0);
    expect(verifyFormat(d.invocation[0]!.target).reason).toMatch(/words/);
  });
});

describe('execution verifier in the sandbox', () => {
  it('stops an implementation that loops forever or allocates without bound, with a verdict', async () => {
    const { runInSandbox, closeSharedSandbox } = await import('../../src/main/engine/lib/sandbox');
    const impls: Record<string, string> = {
      add: 'function main(args) { return args.a + args.b; }',
      spin: 'function main() { for (;;) {} }',
      hog: 'function main() { const a = []; for (;;) a.push(new Array(100000).fill(1)); }',
    };
    const exec = async (text: string) =>
      verifyExecution(
        calls(text),
        (n) => n in impls,
        async (call) => {
          const r = await runInSandbox(impls[call.name]!, call.args, { timeoutMs: 300, memoryBytes: 8 * 1024 * 1024 });
          return r.ok ? { ok: true, result: r.result } : { ok: false, kind: r.reason, message: r.message };
        },
      );
    try {
      expect(await exec('[add(a=1, b=2)]')).toMatchObject({ passed: true });
      expect(await exec('[spin()]')).toMatchObject({ passed: false, reason: expect.stringMatching(/^call 0 \(spin\) timeout/) });
      expect(await exec('[hog()]')).toMatchObject({ passed: false, reason: expect.stringMatching(/^call 0 \(hog\) (memory|timeout)/) });
    } finally {
      await closeSharedSandbox();
    }
  }, 30_000);
});
