import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/main/engine/lib/sandbox';

const sandbox = new Sandbox({ graceMs: 1000 });
afterAll(() => sandbox.close());

describe('execution sandbox (QuickJS in a worker)', () => {
  it('runs main(args) and returns its JSON result', async () => {
    const r = await sandbox.run('function main(args) { return { sum: args.a + args.b, list: [args.a, "x"] }; }', { a: 2, b: 40 });
    expect(r).toMatchObject({ ok: true, result: { sum: 42, list: [2, 'x'] } });
  });

  it('reports a thrown error with its message', async () => {
    const r = await sandbox.run('function main(args) { throw new RangeError("no such file: " + args.path); }', { path: '/x' });
    expect(r).toMatchObject({ ok: false, reason: 'error' });
    if (!r.ok) expect(r.message).toContain('no such file: /x');
  });

  it('reports a syntax error and a missing main as errors', async () => {
    const bad = await sandbox.run('function main( {', {});
    expect(bad).toMatchObject({ ok: false, reason: 'error' });
    const none = await sandbox.run('var x = 1;', {});
    expect(none).toMatchObject({ ok: false, reason: 'error' });
    if (!none.ok) expect(none.message).toContain('main');
  });

  it('stops an infinite loop with a timeout verdict in bounded time', async () => {
    const t0 = performance.now();
    const r = await sandbox.run('function main() { for (;;) {} }', {}, { timeoutMs: 300 });
    const ms = performance.now() - t0;
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(ms).toBeLessThan(300 + 1000 + 2000); // limit + grace + slack for a loaded machine
  });

  it('stops an unbounded allocation with a memory or timeout verdict in bounded time', async () => {
    const t0 = performance.now();
    const r = await sandbox.run(
      'function main() { var a = []; for (;;) a.push([1, 2, 3, 4, 5, 6, 7, 8]); }',
      {},
      { timeoutMs: 3000, memoryBytes: 4 * 1024 * 1024 },
    );
    const ms = performance.now() - t0;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['memory', 'timeout']).toContain(r.reason);
    expect(ms).toBeLessThan(3000 + 1000 + 2000);
  });

  it('reports hitting the heap limit as a memory verdict', async () => {
    const r = await sandbox.run('function main() { return new Array(5000000).fill(1).length; }', {}, { memoryBytes: 4 * 1024 * 1024 });
    expect(r).toMatchObject({ ok: false, reason: 'memory' });
  });

  it('stops runaway recursion with a memory verdict', async () => {
    const r = await sandbox.run('function f(n) { return f(n + 1) + 1; } function main() { return f(0); }', {});
    expect(r).toMatchObject({ ok: false, reason: 'memory' });
  });

  it('terminates a worker stuck in one native operation that never returns and keeps working afterwards', async () => {
    // indexOf over an array-like of 2^53 - 1 slots is one native loop that never ends and never polls the
    // interrupt handler: only the host's hard stop (limit + grace) can end it.
    const t0 = performance.now();
    const r = await sandbox.run(
      'function main() { return Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1); }',
      {},
      { timeoutMs: 200 },
    );
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(200 + 1000 + 2000);
    const after = await sandbox.run('function main(a) { return a.n * 2; }', { n: 21 });
    expect(after).toMatchObject({ ok: true, result: 42 });
  });

  describe('an implementation that overruns its limit inside native calls and then returns', () => {
    // Each pass is one native call (indexOf over a growing array-like) and the loop has few iterations, so
    // QuickJS never polls its interrupt handler; by its own clock the code runs at least 300 ms, six times its
    // 50 ms limit, whatever the machine's speed. The grace is long so that the hard stop cannot decide it.
    const patient = new Sandbox({ graceMs: 60_000 });
    afterAll(() => patient.close());
    const busy = 'var t = Date.now(), n = 1; while (Date.now() - t < 300) { Array.prototype.indexOf.call({ length: n }, 1); n *= 2; }';

    it('is reported as a timeout, not ok, when main overran', async () => {
      const r = await patient.run(`function main() { ${busy} return n; }`, {}, { timeoutMs: 50 });
      expect(r).toMatchObject({ ok: false, reason: 'timeout', message: expect.stringContaining('ran longer than 50 ms') });
    });

    it('is reported as a timeout when loading the implementation overran', async () => {
      const r = await patient.run(`${busy} function main() { return n; }`, {}, { timeoutMs: 50 });
      expect(r).toMatchObject({ ok: false, reason: 'timeout' });
    });
  });

  it('gives each call a fresh context (no state survives between calls)', async () => {
    const src =
      'var counter = (typeof counter === "number" ? counter : 0); function main() { counter += 1; globalThis.leak = (globalThis.leak || 0) + 1; return [counter, globalThis.leak]; }';
    expect(await sandbox.run(src, {})).toMatchObject({ ok: true, result: [1, 1] });
    expect(await sandbox.run(src, {})).toMatchObject({ ok: true, result: [1, 1] });
  });

  it('refuses bad limits and an empty source with an error verdict', async () => {
    expect(await sandbox.run('function main() { return 1; }', {}, { timeoutMs: 0 })).toMatchObject({
      ok: false,
      reason: 'error',
      message: expect.stringContaining('limits.timeoutMs'),
    });
    expect(await sandbox.run('  ', {})).toMatchObject({ ok: false, reason: 'error' });
  });

  it('has no access to Node (require, process)', async () => {
    const r = await sandbox.run('function main() { return [typeof require, typeof process, typeof fetch]; }', {});
    expect(r).toMatchObject({ ok: true, result: ['undefined', 'undefined', 'undefined'] });
  });
});

describe('the memory limit, counted (this QuickJS build cannot measure its own mallocs)', () => {
  // Before: only one allocation larger than memoryBytes failed, so these loops ran to the time limit (a loop
  // like the first reached 1.29 GB under the 32 MiB default). The time limit is far beyond what either needs.
  const LONG = 120_000;

  it(
    'stops a loop of many small strings with a memory-limit verdict',
    async () => {
      const r = await sandbox.run(
        'function main() { var h = null; for (var i = 0; ; i++) h = { next: h, s: "item " + i }; }',
        {},
        { timeoutMs: LONG, memoryBytes: 8 * 1024 * 1024 },
      );
      expect(r).toMatchObject({ ok: false, reason: 'memory' });
      if (!r.ok) expect(r.message).toMatch(/memory limit: .* over the limit of 8388608 bytes/);
    },
    LONG,
  );

  it(
    'stops a loop of many small arrays under the default limit',
    async () => {
      const r = await sandbox.run('function main() { var all = []; for (;;) all.push([1, 2, 3]); }', {}, { timeoutMs: LONG });
      expect(r).toMatchObject({ ok: false, reason: 'memory' });
      if (!r.ok) expect(r.message).toContain('memory limit');
    },
    LONG,
  );

  it(
    'still runs an implementation that stays under its limit, and the next job gets the full limit again',
    async () => {
      const source = 'function main(a) { var x = []; for (var i = 0; i < a.n; i++) x.push("v" + i); return x.length; }';
      expect(await sandbox.run(source, { n: 20_000 }, { memoryBytes: 8 * 1024 * 1024 })).toMatchObject({ ok: true, result: 20_000 });
      const over = await sandbox.run(source, { n: 5_000_000 }, { timeoutMs: LONG, memoryBytes: 8 * 1024 * 1024 });
      expect(over).toMatchObject({ ok: false, reason: 'memory' });
      expect(await sandbox.run(source, { n: 20_000 }, { memoryBytes: 8 * 1024 * 1024 })).toMatchObject({ ok: true, result: 20_000 });
    },
    LONG,
  );

  it('refuses a memory limit of 4 GiB or more (it would wrap in 32-bit WebAssembly)', async () => {
    for (const memoryBytes of [4 * 1024 ** 3, 5 * 1024 ** 3]) {
      const r = await sandbox.run('function main() { return 1; }', {}, { memoryBytes });
      expect(r).toMatchObject({ ok: false, reason: 'error' });
      if (!r.ok) expect(r.message).toMatch(/memoryBytes must be below 4 GiB/);
    }
  });
});

describe('async main', () => {
  it('awaits the promise and returns its value (was {} as success)', async () => {
    const r = await sandbox.run('async function main(a) { var x = await Promise.resolve(a.n); return { twice: x * 2 }; }', { n: 21 });
    expect(r).toMatchObject({ ok: true, result: { twice: 42 } });
  });

  it('reports a rejected promise as an error with its message', async () => {
    const r = await sandbox.run('async function main() { throw new Error("no such city"); }', {});
    expect(r).toMatchObject({ ok: false, reason: 'error' });
    if (!r.ok) expect(r.message).toContain('no such city');
  });

  it('refuses a promise that can never settle', async () => {
    const r = await sandbox.run('function main() { return new Promise(function () {}); }', {});
    expect(r).toMatchObject({ ok: false, reason: 'error' });
    if (!r.ok) expect(r.message).toContain('never settled');
  });
});
