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
