import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { main } from '../../src/main/cli';
import { defineJobKind } from '../../src/main/engine/jobs/registry';
import { createJob, OutcomeNotStoredError } from '../../src/main/engine/jobs/runner';
import { open, tempDir, type Opened } from './helpers';

const opened: Opened[] = [];
function workspace(dir?: string, options?: Parameters<typeof open>[1]): Opened {
  const o = open(dir, options);
  opened.push(o);
  return o;
}
afterEach(async () => {
  for (const o of opened.splice(0)) await o.engine.close();
  process.exitCode = undefined;
});

/** A gate per job: its step says it started, then waits until the test opens the gate. */
const gates = new Map<string, { started: () => void; open: Promise<void> }>();
function gate(name: string): { started: Promise<void>; release: () => void } {
  let started!: () => void;
  let release!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const openP = new Promise<void>((r) => (release = r));
  gates.set(name, { started, open: openP });
  return { started: startedP, release };
}
for (const resource of ['model', 'light'] as const) {
  defineJobKind({
    kind: `test.gated.${resource}`,
    title: 'Waits at a gate, then ends as told',
    resource,
    settings: z.object({ gate: z.string(), fail: z.boolean().default(false) }),
    steps: (s) => [
      {
        name: 'wait',
        run: async () => {
          const g = gates.get(s.gate);
          if (g) {
            g.started();
            await g.open;
          }
          if (s.fail) throw new Error(`step failed at gate ${s.gate}`);
          return { gate: s.gate };
        },
      },
    ],
  });
}

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(() => undefined),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' '))),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true)),
  ];
  try {
    const code = await main(args);
    return { code: code || Number(process.exitCode ?? 0), err: err.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Marks a job running under another process's runner: PID 1 always exists (a reused PID, as far as we know). */
function foreignRunning(dir: string, id: number, leaseExpiresAt: number): void {
  const db = new Database(path.join(dir, 'toolsmith.sqlite'));
  db.prepare("UPDATE jobs SET state = 'running', runner_pid = 1, run_token = 'foreign', lease_expires_at = ? WHERE id = ?").run(
    leaseExpiresAt,
    id,
  );
  db.close();
}

describe('runner leases', () => {
  it('jobs resume --run takes over a job whose runner PID is alive but whose lease ran out', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const { engine } = workspace(dir, { recover: false });
    const id = createJob(engine.ctx, 'demo', { rows: 20, steps: 1 });
    await engine.close();
    opened.length = 0;
    foreignRunning(dir, id, Date.now() - 1000);
    const run = await cli(['-w', dir, 'jobs', 'resume', String(id), '--run']);
    expect(run.code).toBe(0);
    const check = new Database(path.join(dir, 'toolsmith.sqlite'), { readonly: true });
    expect((check.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string }).state).toBe('done');
    check.close();
  });

  it('jobs resume --run on a job another live runner holds says so and exits non-zero', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const { engine } = workspace(dir, { recover: false });
    const id = createJob(engine.ctx, 'demo', { rows: 20, steps: 1 });
    await engine.close();
    opened.length = 0;
    foreignRunning(dir, id, Date.now() + 600_000);
    const run = await cli(['-w', dir, 'jobs', 'resume', String(id), '--run']);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(new RegExp(`Job ${id} is running in another process \\(pid 1`));
  });

  it('a second runner (another connection) waits while a model job runs, then runs its own', { timeout: 60_000 }, async () => {
    // Two foreground commands (two connections): each runs only its own jobs.
    const a = workspace(undefined, { scope: 'own', recover: false });
    const b = workspace(a.dir, { scope: 'own', recover: false });
    const first = gate('first');
    const jobA = a.runner.start('test.gated.model', { gate: 'first' });
    await first.started;
    const waiting = new Promise<string>((resolve) =>
      b.client.on('jobs.log', (line) => {
        if (line.message.startsWith('Waiting:')) resolve(line.message);
      }),
    );
    const jobB = b.runner.start('test.gated.model', { gate: 'second' });
    expect(await waiting).toContain(`model job ${jobA.id}`);
    expect((await b.client.call('jobs.get', { id: jobB.id })).state).toBe('queued');
    // The database itself refuses a second running model job, whoever writes it.
    expect(() => b.engine.ctx.db.prepare("UPDATE jobs SET state = 'running' WHERE id = ?").run(jobB.id)).toThrow(/UNIQUE/);
    first.release();
    expect((await a.runner.waitFor(jobA.id)).state).toBe('done');
    expect((await b.runner.waitFor(jobB.id)).state).toBe('done');
    expect(b.runner.isExecuting(jobB.id)).toBe(false);
    expect((await b.client.call('jobs.logs', { id: jobB.id })).items.map((l) => l.message)).toContain('Started.');
  });

  it('stores a failure once another writer lets go of the database (busy), not "database is locked"', { timeout: 60_000 }, async () => {
    const { dir, engine, runner } = workspace();
    engine.ctx.db.pragma('busy_timeout = 20');
    const g = gate('busy-then-free');
    const job = runner.start('test.gated.light', { gate: 'busy-then-free', fail: true });
    await g.started;
    const other = new Database(path.join(dir, 'toolsmith.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    g.release();
    setTimeout(() => {
      other.exec('COMMIT');
      other.close();
    }, 300);
    const failed = await runner.waitFor(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe('step failed at gate busy-then-free');
  });

  it('a runner that cannot store an outcome says so and its waiters fail (no silent end)', { timeout: 60_000 }, async () => {
    const { dir, engine, runner } = workspace();
    engine.ctx.db.pragma('busy_timeout = 10');
    const g = gate('busy-forever');
    const job = runner.start('test.gated.light', { gate: 'busy-forever', fail: true });
    await g.started;
    const other = new Database(path.join(dir, 'toolsmith.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    try {
      g.release();
      const error = await runner.waitFor(job.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutcomeNotStoredError);
      expect((error as Error).message).toMatch(
        new RegExp(`Job ${job.id} stopped, but its outcome could not be stored \\(database is locked\\)`),
      );
      expect(stderr.join('')).toContain(`Job ${job.id} stopped, but its outcome could not be stored`);
    } finally {
      spy.mockRestore();
      other.exec('ROLLBACK');
      other.close();
    }
  });
});
