import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDigest, open, tempDir } from './helpers';
import { seededRandom } from '../../src/main/engine/lib/random';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const child = path.join(here, 'fixtures/crash-child.ts');

const SEED = Number(process.env.TOOLSMITH_CRASH_SEED ?? 20260522);
const KILLS = 11;
// 3 × 30 000 rows in batches of 10, no pretend waiting: the process spends its time writing, so kills
// land inside and between transactions rather than in idle waits (a few seconds of work in all).
const settings = { rows: 30_000, steps: 3, batch: 10, itemDelayMs: 0, seed: 'crash' };

// Seeded, so a failing run can be replayed with TOOLSMITH_CRASH_SEED.
const random = seededRandom;

interface Run {
  killed: boolean;
  finished: string | null;
  code: number | null;
  stderr: string;
}

/** Starts the host; kills it `killAfterMs` after it reports the job running (never, when null). */
function runChild(dir: string, killAfterMs: number | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, JSON.stringify(settings)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let killed = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString();
      if (killAfterMs !== null && !before.includes('running') && out.includes('running')) {
        setTimeout(() => {
          killed = proc.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      resolve({ killed: killed && code === null, finished: /finished (\w+)/.exec(out)?.[1] ?? null, code, stderr });
    });
  });
}

const dirs: string[] = [];
afterAll(() => dirs.splice(0));

describe('crash resume', () => {
  // About 25 s on 2 idle cores (most of it starting Node 12 times, ~1.2 s of CPU each); the limit leaves
  // room for a busy machine.
  it(`survives ${KILLS} SIGKILLs at seeded random moments with the same rows as an uninterrupted run`, { timeout: 240_000 }, async () => {
    const rand = random(SEED);
    const dir = tempDir('toolsmith-crash-');
    dirs.push(dir);
    const counts: number[] = [];
    let midJobKills = 0;
    for (let i = 0; i < KILLS; i++) {
      const run = await runChild(dir, Math.floor(10 + rand() * 110));
      if (run.finished) {
        // The job ended before the kill: either it failed (e.g. a batch written twice hit the primary
        // key) or it is too short for this test.
        const db = new Database(path.join(dir, 'toolsmith.sqlite'));
        const job = db.prepare('SELECT state, error FROM jobs WHERE id = 1').get() as { state: string; error: string | null };
        db.close();
        expect(job.state, `the job ended ${job.state} after ${i} kills: ${job.error ?? ''}`).toBe('running-until-killed');
      }
      expect(run.killed, `run ${i} was not killed: exit ${run.code}\n${run.stderr}`).toBe(true);
      const db = new Database(path.join(dir, 'toolsmith.sqlite'));
      const state = (db.prepare('SELECT state FROM jobs WHERE id = 1').get() as { state: string } | undefined)?.state;
      counts.push((db.prepare('SELECT COUNT(*) AS n FROM demo_rows').get() as { n: number }).n);
      db.close();
      if (state === 'running') midJobKills++;
    }
    expect(midJobKills).toBeGreaterThanOrEqual(10);
    // Work already committed is never lost across a kill, and the job moves on between kills.
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(new Set(counts).size).toBeGreaterThan(counts.length / 2);

    const last = await runChild(dir, null);
    expect(last.finished, last.stderr).toBe('done');

    const reference = open();
    dirs.push(reference.dir);
    const ref = reference.runner.start('demo', settings);
    await reference.runner.waitFor(ref.id);
    const expected = demoDigest(reference.engine.ctx.db, ref.id);
    const expectedResult = (await reference.client.call('jobs.get', { id: ref.id })).result;
    await reference.engine.close();

    const db = new Database(path.join(dir, 'toolsmith.sqlite'));
    try {
      const got = demoDigest(db, 1);
      expect(got).toEqual(expected);
      expect(got.distinct).toBe(got.rows); // no duplicates
      expect(got.rows).toBe(settings.rows * settings.steps);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const job = db.prepare('SELECT state, result_json FROM jobs WHERE id = 1').get() as { state: string; result_json: string };
      expect(job.state).toBe('done');
      expect(JSON.parse(job.result_json)).toEqual(expectedResult);
      const resumes = (db.prepare("SELECT COUNT(*) AS n FROM job_logs WHERE message LIKE 'Interrupted%'").get() as { n: number }).n;
      expect(resumes).toBeGreaterThanOrEqual(10);
    } finally {
      db.close();
    }
  });
});
