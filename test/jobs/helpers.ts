import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { jobRunner, type JobRunner, type JobRunnerOptions } from '../../src/main/engine/jobs/runner';

export interface Opened {
  dir: string;
  engine: Engine;
  client: ToolsmithClient;
  runner: JobRunner;
}

export function tempDir(prefix = 'toolsmith-jobs-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function open(dir = tempDir(), options?: JobRunnerOptions): Opened {
  const engine = openEngine(dir);
  return { dir, engine, client: createClient(engine), runner: jobRunner(engine.ctx, options) };
}

/** The test's own digest of a demo job's rows (independent of the demo's summarise step). */
export function demoDigest(db: Database.Database, jobId: number): { rows: number; distinct: number; sha256: string } {
  const rows = db.prepare('SELECT step, idx, value FROM demo_rows WHERE job_id = ? ORDER BY step, idx').all(jobId) as {
    step: number;
    idx: number;
    value: string;
  }[];
  const hash = crypto.createHash('sha256');
  const keys = new Set<string>();
  for (const r of rows) {
    hash.update(`${r.step}:${r.idx}:${r.value}\n`);
    keys.add(`${r.step}:${r.idx}`);
  }
  return { rows: rows.length, distinct: keys.size, sha256: hash.digest('hex') };
}

export function rowsOf(db: Database.Database, jobId: number, step?: number): number {
  const sql =
    step === undefined
      ? 'SELECT COUNT(*) AS n FROM demo_rows WHERE job_id = ?'
      : 'SELECT COUNT(*) AS n FROM demo_rows WHERE job_id = ? AND step = ?';
  const args = step === undefined ? [jobId] : [jobId, step];
  return (db.prepare(sql).get(...args) as { n: number }).n;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the first progress event of `jobId` that satisfies `test`. */
export function progressWhere(
  client: ToolsmithClient,
  jobId: number,
  test: (p: { seq: number; done: number }) => boolean,
): Promise<{ seq: number; done: number }> {
  return new Promise((resolve) => {
    const off = client.on('jobs.progress', (p) => {
      if (p.jobId === jobId && test(p)) {
        off();
        resolve(p);
      }
    });
  });
}
