import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli';
import { tempDir } from './helpers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the CLI in this process and returns what it printed (stdout lines, stderr text). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('toolsmith jobs', () => {
  it('runs the demo job in the foreground with plain progress lines, then lists and shows it', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const run = await cli(['-w', dir, 'jobs', 'run', 'demo', '--rows', '300', '--set', 'itemDelayMs=1', '--set', 'batch=20']);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/write-1 \(1\/3\): \d+% \d+\/300/);
    expect(run.err).toContain('Job 1 done in');
    expect(run.err).not.toContain('\r');
    const list = await cli(['-w', dir, 'jobs', 'list', '--json']);
    const items = JSON.parse(list.out) as { id: number; state: string; kind: string }[];
    expect(items.map((j) => [j.id, j.kind, j.state])).toEqual([[1, 'demo', 'done']]);
    const show = await cli(['-w', dir, 'jobs', 'show', '1']);
    expect(show.out).toContain('"rows":300');
    expect(show.out).toMatch(/write-2\s+done\s+300\/300/);
    const bad = await cli(['-w', dir, 'jobs', 'run', 'demo', '--set', 'rows=-3']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('settings.rows');
  });

  it('Ctrl-C cancels a foreground job cleanly', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const proc = spawn(
      process.execPath,
      ['bin/toolsmith.js', '-w', dir, 'jobs', 'run', 'demo', '--rows', '100000', '--set', 'itemDelayMs=0.1'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    let sent = false;
    proc.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (!sent && /write-1 \(1\/3\): \d+%/.test(err)) {
        sent = true;
        proc.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(err).toContain('Cancelling');
    expect(err).toContain('Job 1 cancelled');
    const db = new Database(path.join(dir, 'toolsmith.sqlite'));
    try {
      const job = db.prepare('SELECT state FROM jobs WHERE id = 1').get() as { state: string };
      expect(job.state).toBe('cancelled');
      const step = db.prepare('SELECT checkpoint_json FROM job_steps WHERE job_id = 1 AND seq = 0').get() as { checkpoint_json: string };
      const rows = (db.prepare('SELECT COUNT(*) AS n FROM demo_rows WHERE job_id = 1').get() as { n: number }).n;
      expect(rows).toBe((JSON.parse(step.checkpoint_json) as { next: number }).next);
    } finally {
      db.close();
    }
  });
});
