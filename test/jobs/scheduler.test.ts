import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../src/shared/contract/errors';
import type { JobProgressEvent } from '../../src/shared/contract/jobs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { EngineContext } from '../../src/main/engine/core/context';
import { defineJobKind } from '../../src/main/engine/jobs/registry';
import { createJob } from '../../src/main/engine/jobs/runner';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { RetryableError } from '../../src/main/engine/jobs/types';
import { demoDigest, open, progressWhere, rowsOf, type Opened } from './helpers';

const opened: Opened[] = [];
function workspace(dir?: string): Opened {
  const o = open(dir);
  opened.push(o);
  return o;
}
afterEach(async () => {
  for (const o of opened.splice(0)) await o.engine.close();
});

// Test kinds: real job kinds, defined the way other domains define theirs.
let failNext = true;
const stepRuns: Record<string, number> = {};
defineJobKind({
  kind: 'test.fails',
  title: 'Fails in its second step',
  resource: 'light',
  settings: z.object({}),
  steps: () => [
    { name: 'first', run: () => ((stepRuns.first = (stepRuns.first ?? 0) + 1), { ok: true }) },
    {
      name: 'second',
      run: () => {
        if (failNext) throw new Error('boom at item 3', { cause: new Error('the root cause') });
        return { ok: true };
      },
    },
  ],
});

let flaky = 0;
defineJobKind({
  kind: 'test.flaky',
  title: 'Flaky remote backend',
  resource: 'light',
  settings: z.object({ failures: z.number().int() }),
  retry: { attempts: 4, baseDelayMs: 20 },
  steps: (s) => [
    {
      name: 'call',
      run: (step) => {
        if (flaky++ < s.failures) throw new RetryableError(`remote backend answered 503 (try ${step.attempt})`);
        return { tries: step.attempt };
      },
    },
  ],
});

const spans: { kind: string; start: number; end: number }[] = [];
for (const resource of ['model', 'light'] as const) {
  defineJobKind({
    kind: `test.${resource}`,
    title: `Occupies the ${resource} class`,
    resource,
    settings: z.object({ ms: z.number() }),
    steps: (s) => [
      {
        name: 'work',
        run: async (step) => {
          const start = performance.now();
          await step.sleep(s.ms);
          spans.push({ kind: resource, start, end: performance.now() });
        },
      },
    ],
  });
}

defineJobKind({
  kind: 'test.atomic',
  title: 'A commit whose write throws',
  resource: 'light',
  settings: z.object({}),
  steps: () => [
    {
      name: 'write',
      run: (step) => {
        const insert = step.db.prepare("INSERT INTO demo_rows (job_id, step, idx, value) VALUES (?, 0, ?, 'x')");
        step.progress(5, 10);
        step.commit(
          () => {
            for (let i = 0; i < 5; i++) insert.run(step.jobId, i);
          },
          { next: 5 },
        );
        step.progress(10, 10);
        step.commit(
          () => {
            for (let i = 5; i < 10; i++) insert.run(step.jobId, i);
            throw new Error('disk full after 5 rows');
          },
          { next: 10 },
        );
      },
    },
  ],
});

const demo = { rows: 600, steps: 2, batch: 20 };

describe('job scheduler', () => {
  it('runs the demo job to done, with throttled progress events and stored settings', async () => {
    const { client, engine, runner } = workspace();
    const events: JobProgressEvent[] = [];
    client.on('jobs.progress', (p) => events.push({ ...p, at: performance.now() } as never));
    const started = await client.call('jobs.start', { kind: 'demo', settings: { ...demo, itemDelayMs: 0.5 } });
    expect(started.state).toBe('queued');
    const job = await runner.waitFor(started.id);
    expect(job.state).toBe('done');
    const detail = await client.call('jobs.get', { id: started.id });
    expect(detail.steps.map((s) => [s.name, s.state])).toEqual([
      ['write-1', 'done'],
      ['write-2', 'done'],
      ['summarise', 'done'],
    ]);
    expect(detail.settings).toEqual({ ...demo, itemDelayMs: 0.5, seed: 'demo' });
    expect((detail.steps[0]!.input as { settings: unknown }).settings).toEqual(detail.settings);
    const digest = demoDigest(engine.ctx.db, started.id);
    expect(digest.rows).toBe(1200);
    expect(detail.result).toEqual({ rows: 1200, sha256: digest.sha256 });
    expect(detail.fraction).toBe(1);
    // ≤ 10 events per second per job: consecutive events at least ~100 ms apart.
    expect(events.length).toBeGreaterThan(3);
    const times = events.map((e) => (e as unknown as { at: number }).at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(90);
    const withEta = events.filter((e) => e.rate !== null && e.etaSeconds !== null);
    expect(withEta.length).toBeGreaterThan(0);
    expect(events.every((e) => e.fraction >= 0 && e.fraction <= 1)).toBe(true);
  });

  it('pause then resume gives the same rows as an uninterrupted run', async () => {
    const { client, engine, runner } = workspace();
    const settings = { rows: 1000, steps: 2, batch: 25, itemDelayMs: 0.2, seed: 'pause' };
    const reference = runner.start('demo', settings);
    await runner.waitFor(reference.id);
    const job = await client.call('jobs.start', { kind: 'demo', settings });
    await progressWhere(client, job.id, (p) => p.seq === 0 && p.done >= 300);
    expect((await client.call('jobs.pause', { id: job.id })).state).toBe('paused');
    await runner.waitFor(job.id, ['paused']);
    const frozen = rowsOf(engine.ctx.db, job.id);
    expect(frozen).toBeGreaterThan(0);
    expect(frozen).toBeLessThan(2000);
    // Nothing beyond the checkpoint: a paused job has no write in flight.
    const pausedSteps = (await client.call('jobs.get', { id: job.id })).steps;
    const checkpointed = pausedSteps.reduce(
      (n, step, seq) =>
        n + (step.state === 'done' ? rowsOf(engine.ctx.db, job.id, seq) : ((step.checkpoint as { next?: number } | null)?.next ?? 0)),
      0,
    );
    expect(frozen).toBe(checkpointed);
    expect((await client.call('jobs.get', { id: job.id })).state).toBe('paused');
    await client.call('jobs.resume', { id: job.id });
    expect((await runner.waitFor(job.id)).state).toBe('done');
    const a = demoDigest(engine.ctx.db, reference.id);
    const b = demoDigest(engine.ctx.db, job.id);
    expect(b).toEqual(a);
    expect(a.rows).toBe(2000);
  });

  it('cancel stops the job, keeps finished steps and their data, and leaves the job cancelled', async () => {
    const { client, engine, runner } = workspace();
    const job = await client.call('jobs.start', { kind: 'demo', settings: { rows: 400, steps: 2, batch: 10, itemDelayMs: 2 } });
    await progressWhere(client, job.id, (p) => p.seq === 1 && p.done >= 20);
    expect((await client.call('jobs.cancel', { id: job.id })).state).toBe('cancelling');
    const cancelled = await runner.waitFor(job.id);
    expect(cancelled.state).toBe('cancelled');
    const detail = await client.call('jobs.get', { id: job.id });
    expect(detail.steps[0]!.state).toBe('done');
    expect(detail.steps[1]!.state).toBe('pending');
    expect(detail.steps[2]!.state).toBe('pending');
    expect(rowsOf(engine.ctx.db, job.id, 0)).toBe(400);
    // The unfinished step's rows are exactly what its checkpoint says: nothing half-written.
    const checkpoint = detail.steps[1]!.checkpoint as { next: number };
    expect(rowsOf(engine.ctx.db, job.id, 1)).toBe(checkpoint.next);
    expect(checkpoint.next).toBeLessThan(400);
    await expect(client.call('jobs.resume', { id: job.id })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a step that throws fails its job with cause and stack while other queued jobs go on; retry goes on from there', async () => {
    const { client, runner } = workspace();
    failNext = true;
    stepRuns.first = 0;
    const bad = await client.call('jobs.start', { kind: 'test.fails' });
    const good = await client.call('jobs.start', { kind: 'demo', settings: { rows: 100, steps: 1 } });
    expect((await runner.waitFor(bad.id)).state).toBe('failed');
    expect((await runner.waitFor(good.id)).state).toBe('done');
    const detail = await client.call('jobs.get', { id: bad.id });
    expect(detail.error).toBe('boom at item 3');
    expect(detail.errorStack).toContain('Caused by: Error: the root cause');
    expect(detail.steps.map((s) => s.state)).toEqual(['done', 'failed']);
    const logs = await client.call('jobs.logs', { id: bad.id, minLevel: 'error' });
    expect(logs.items.map((l) => l.message)).toEqual(['Failed in step "second": boom at item 3']);
    failNext = false;
    expect((await client.call('jobs.retry', { id: bad.id })).state).toBe('queued');
    expect((await runner.waitFor(bad.id)).state).toBe('done');
    const retried = await client.call('jobs.get', { id: bad.id });
    expect(retried.error).toBeNull();
    expect(stepRuns.first).toBe(1); // the finished step was not run again
    expect(retried.steps.map((s) => s.attempts)).toEqual([1, 2]);
  });

  it('retries errors marked retryable with backoff, and gives up after the last try', async () => {
    const { client, runner } = workspace();
    flaky = 0;
    const ok = await client.call('jobs.start', { kind: 'test.flaky', settings: { failures: 2 } });
    expect((await runner.waitFor(ok.id)).state).toBe('done');
    const detail = await client.call('jobs.get', { id: ok.id });
    expect(detail.result).toEqual({ tries: 3 });
    const warns = await client.call('jobs.logs', { id: ok.id, minLevel: 'warn' });
    expect(warns.items).toHaveLength(2);
    expect(warns.items[1]!.message).toMatch(/Try 2 of 4 failed: remote backend answered 503.*40 ms/);
    flaky = 0;
    const bad = await client.call('jobs.start', { kind: 'test.flaky', settings: { failures: 10 } });
    const failed = await runner.waitFor(bad.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/try 4/);
  });

  it('runs one model job at a time and light jobs beside it', async () => {
    const { client, runner } = workspace();
    spans.length = 0;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await client.call('jobs.start', { kind: 'test.model', settings: { ms: 120 } })).id);
    ids.push((await client.call('jobs.start', { kind: 'test.light', settings: { ms: 120 } })).id);
    for (const id of ids) expect((await runner.waitFor(id)).state).toBe('done');
    const models = spans.filter((s) => s.kind === 'model').sort((a, b) => a.start - b.start);
    expect(models).toHaveLength(3);
    for (let i = 1; i < models.length; i++) expect(models[i]!.start).toBeGreaterThanOrEqual(models[i - 1]!.end);
    const light = spans.find((s) => s.kind === 'light')!;
    expect(light.start).toBeLessThan(models[0]!.end); // ran beside the first model job
  });

  it('refuses bad settings and unknown kinds with what and where', async () => {
    const { client } = workspace();
    const error = await client.call('jobs.start', { kind: 'demo', settings: { rows: -5 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_input');
    expect((error as ApiError).message).toContain('settings.rows');
    await expect(client.call('jobs.start', { kind: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(client.call('jobs.get', { id: 999 })).rejects.toMatchObject({ code: 'not_found' });
    expect((await client.call('jobs.list')).items).toEqual([]);
    const kinds = await client.call('jobs.kinds');
    expect(kinds.items.find((k) => k.kind === 'demo')?.settingsSchema).toMatchObject({ type: 'object' });
  });

  it('an engine closed mid-job queues it again, and the next start goes on with it', async () => {
    const first = open();
    const job = first.runner.start('demo', { rows: 600, steps: 2, batch: 20, itemDelayMs: 0.5, seed: 'restart' });
    await progressWhere(first.client, job.id, (p) => p.seq === 0 && p.done >= 100);
    await first.engine.close();
    const second = workspace(first.dir);
    expect((await second.runner.waitFor(job.id)).state).toBe('done');
    const logs = await second.client.call('jobs.logs', { id: job.id });
    expect(logs.items.map((l) => l.message)).toContain('Interrupted by shutdown; it will go on next time.');
    expect(logs.items.map((l) => l.message)).toContain('Resumed.');
    const reference = second.runner.start('demo', { rows: 600, steps: 2, batch: 20, seed: 'restart' });
    await second.runner.waitFor(reference.id);
    expect(demoDigest(second.engine.ctx.db, job.id)).toEqual(demoDigest(second.engine.ctx.db, reference.id));
  });

  it('pages logs and lists jobs newest first with filters', async () => {
    const { client, runner } = workspace();
    const a = runner.start('demo', { rows: 10, steps: 3 });
    await runner.waitFor(a.id);
    const b = runner.start('demo', { rows: 10, steps: 1 });
    await runner.waitFor(b.id);
    const all = await client.call('jobs.logs', { id: a.id });
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let after = 0;
    for (;;) {
      const page = await client.call('jobs.logs', { id: a.id, afterId: after, limit: 2 });
      seen.push(...page.items.map((l) => l.message));
      if (page.nextAfterId === null) break;
      after = page.nextAfterId;
    }
    expect(seen).toEqual(all.items.map((l) => l.message));
    expect((await client.call('jobs.list')).items.map((j) => j.id)).toEqual([b.id, a.id]);
    expect((await client.call('jobs.list', { beforeId: b.id })).items.map((j) => j.id)).toEqual([a.id]);
    expect((await client.call('jobs.list', { states: ['failed'] })).items).toEqual([]);
  });

  it('sees a cancel and a new job written by another process (another connection) through data_version', async () => {
    const { dir, client, runner } = workspace();
    const job = await client.call('jobs.start', { kind: 'demo', settings: { rows: 400, steps: 1, batch: 10, itemDelayMs: 2 } });
    await progressWhere(client, job.id, (p) => p.done >= 20);
    // What `toolsmith jobs cancel` does from another process: a state change in the database only.
    const other = new Database(path.join(dir, 'toolsmith.sqlite'));
    other.prepare("UPDATE jobs SET state = 'cancelling' WHERE id = ?").run(job.id);
    other.close();
    expect((await runner.waitFor(job.id)).state).toBe('cancelled');
    // A job queued by another process's engine is picked up without anyone waking this runner.
    const second = new EngineContext(openWorkspace(dir));
    const queued = createJob(second, 'demo', { rows: 10, steps: 1 });
    await second.close();
    expect((await runner.waitFor(queued)).state).toBe('done');
  });

  it('a commit is all or nothing: a write that throws leaves neither its rows nor its checkpoint', async () => {
    const { client, engine, runner } = workspace();
    const job = await client.call('jobs.start', { kind: 'test.atomic' });
    const failed = await runner.waitFor(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe('disk full after 5 rows');
    const step = (await client.call('jobs.get', { id: job.id })).steps[0]!;
    expect(step.checkpoint).toEqual({ next: 5 });
    expect(step.done).toBe(5);
    expect(rowsOf(engine.ctx.db, job.id)).toBe(5);
  });
});
