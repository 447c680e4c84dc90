/**
 * Scheduler overhead, as ratios to a bare better-sqlite3 insert transaction measured in this run on the
 * same workspace database (WAL, synchronous=NORMAL):
 *  - empty steps/s: a job of many steps that do nothing (claiming, step state, logs, events);
 *  - a checkpoint commit: `step.commit(write one row, checkpoint)` against `db.transaction(insert)()`;
 *  - a progress call (throttled events) against the same baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openEngine } from '../src/main/engine/api';
import { defineJobKind } from '../src/main/engine/jobs/registry';
import { jobRunner } from '../src/main/engine/jobs/runner';

const EMPTY_STEPS = Number(process.env.BENCH_EMPTY_STEPS ?? 2000);
const COMMITS = Number(process.env.BENCH_COMMITS ?? 5000);
const REPEATS = 3;

const timings: { commitUs: number[]; progressUs: number[] } = { commitUs: [], progressUs: [] };

defineJobKind({
  kind: 'bench.empty',
  title: 'Empty steps',
  resource: 'light',
  settings: z.object({ steps: z.number().int() }),
  steps: (s) => Array.from({ length: s.steps }, (_, i) => ({ name: `s${i}`, run: () => null })),
});

defineJobKind({
  kind: 'bench.commits',
  title: 'Checkpoint commits',
  resource: 'light',
  settings: z.object({ commits: z.number().int() }),
  steps: (s) => [
    {
      name: 'commits',
      run: (step) => {
        const insert = step.db.prepare('INSERT INTO bench_rows (k, v) VALUES (?, ?)');
        let t0 = performance.now();
        for (let i = 0; i < s.commits; i++) {
          step.commit(() => insert.run(`c${i}`, 'x'.repeat(32)), { next: i + 1 });
        }
        timings.commitUs.push(((performance.now() - t0) * 1000) / s.commits);
        t0 = performance.now();
        for (let i = 0; i < s.commits; i++) step.progress(i + 1, s.commits);
        timings.progressUs.push(((performance.now() - t0) * 1000) / s.commits);
      },
    },
  ],
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-bench-jobs-'));
const engine = openEngine(dir);
const db = engine.ctx.db;
db.exec('CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)');
const runner = jobRunner(engine.ctx);

try {
  // Baseline: one row per transaction, like a checkpoint commit without the scheduler.
  const bareUs: number[] = [];
  const insert = db.prepare('INSERT INTO bench_rows (k, v) VALUES (?, ?)');
  const tx = db.transaction((k: string) => insert.run(k, 'x'.repeat(32)));
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < COMMITS; i++) tx(`b${r}:${i}`);
    bareUs.push(((performance.now() - t0) * 1000) / COMMITS);
  }

  const stepsPerSecond: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const job = runner.start('bench.empty', { steps: EMPTY_STEPS });
    const done = await runner.waitFor(job.id);
    if (done.state !== 'done') throw new Error(`bench.empty ended ${done.state}: ${done.error}`);
    stepsPerSecond.push(EMPTY_STEPS / ((performance.now() - t0) / 1000));
  }

  for (let r = 0; r < REPEATS; r++) {
    const job = runner.start('bench.commits', { commits: COMMITS });
    const done = await runner.waitFor(job.id);
    if (done.state !== 'done') throw new Error(`bench.commits ended ${done.state}: ${done.error}`);
  }

  const bare = median(bareUs);
  const sps = median(stepsPerSecond);
  const stepUs = 1e6 / sps;
  const commit = median(timings.commitUs);
  const progress = median(timings.progressUs);
  console.log(`baseline: bare better-sqlite3 insert transaction  ${bare.toFixed(1)} µs (${Math.round(1e6 / bare)}/s)`);
  console.log(
    `empty steps                                        ${Math.round(sps)} steps/s, ${stepUs.toFixed(0)} µs/step = ${(stepUs / bare).toFixed(1)} × baseline`,
  );
  console.log(`checkpoint commit (1 row + checkpoint)             ${commit.toFixed(1)} µs = ${(commit / bare).toFixed(2)} × baseline`);
  console.log(`progress() call                                    ${progress.toFixed(2)} µs = ${(progress / bare).toFixed(3)} × baseline`);
  console.log(`(${EMPTY_STEPS} empty steps, ${COMMITS} commits, median of ${REPEATS}; ${os.cpus().length} cores, Node ${process.version})`);
} finally {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
