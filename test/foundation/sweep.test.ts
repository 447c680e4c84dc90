/**
 * The start-up sweep (workspace/sweep.ts) on a real workspace with real files: leftovers of dead processes go
 * (train work folders, model and export temp files, an import killed mid-way with its staging file), those of a
 * live process stay, and each removal is reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { createClient } from '../../src/shared/client';
import { repoRoot, tempDir } from '../helpers/tmp';

/** The PID of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function touch(file: string, text = 'x', ageMs = 0): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (ageMs) {
    const t = new Date(Date.now() - ageMs);
    fs.utimesSync(file, t, t);
  }
}

function writeXlam(file: string, lines: number): void {
  const tools = JSON.stringify([{ name: 'add', description: 'Add.', parameters: { a: { type: 'int' }, b: { type: 'int' } } }]);
  const rows: string[] = [];
  for (let i = 0; i < lines; i++)
    rows.push(
      JSON.stringify({ id: i, query: `Add ${i} and 1.`, tools, answers: JSON.stringify([{ name: 'add', arguments: { a: i, b: 1 } }]) }),
    );
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('start-up sweep', () => {
  it('removes what dead processes left and keeps what a live one owns', async () => {
    const root = tempDir('toolsmith-sweep-');
    const ws = path.join(root, 'ws');
    const out = path.join(root, 'export');
    // A real export records its folder (the sweep looks for export temp files there).
    const engine = openEngine(ws);
    await createClient(engine).call('formats.export', { format: 'openai', out, filter: {} });
    await engine.close();

    const dead = deadPid();
    const models = path.join(ws, 'models');
    const leftovers = {
      trainDead: path.join(models, `.train-r1.gguf-${dead}-0a1b2c3d`),
      trainLive: path.join(models, `.train-r2.gguf-${process.pid}-0a1b2c3e`),
      trainLegacyOld: path.join(models, '.train-r0.gguf-0a1b2c3f'),
      modelTempDead: path.join(models, `.big.gguf.${dead}.deadbeef.tmp`),
      modelTempLive: path.join(models, `.big.gguf.${process.pid}.deadbeee.tmp`),
      modelTempLegacyNew: path.join(models, '.new.gguf.feedface.tmp'),
      exportTempDead: path.join(out, 'train', `data.jsonl.${dead}.tmp`),
      exportTempLive: path.join(out, `data.jsonl.${process.pid}.tmp`),
      userFile: path.join(models, 'mine.gguf'),
    };
    touch(path.join(leftovers.trainDead, 'config.json'));
    touch(path.join(leftovers.trainLive, 'config.json'));
    touch(path.join(leftovers.trainLegacyOld, 'config.json'), 'x', 48 * 3600_000);
    fs.utimesSync(leftovers.trainLegacyOld, new Date(Date.now() - 48 * 3600_000), new Date(Date.now() - 48 * 3600_000));
    touch(leftovers.modelTempDead);
    touch(leftovers.modelTempLive);
    touch(leftovers.modelTempLegacyNew);
    touch(leftovers.exportTempDead);
    touch(leftovers.exportTempLive);
    touch(leftovers.userFile);

    const lines: string[] = [];
    const opened = openWorkspace(ws, { onSweep: (l) => lines.push(...l) });
    try {
      expect(opened.swept.map((r) => [r.kind, r.path]).sort()).toEqual(
        [
          ['train-folder', leftovers.trainDead],
          ['train-folder', leftovers.trainLegacyOld],
          ['model-temp', leftovers.modelTempDead],
          ['export-temp', leftovers.exportTempDead],
        ].sort(),
      );
      expect(lines).toHaveLength(4);
      expect(lines.join('\n')).toContain(leftovers.trainDead);
    } finally {
      opened.close();
    }
    for (const kept of [
      leftovers.trainLive,
      leftovers.modelTempLive,
      leftovers.modelTempLegacyNew,
      leftovers.exportTempLive,
      leftovers.userFile,
    ])
      expect(fs.existsSync(kept), kept).toBe(true);
    for (const gone of [leftovers.trainDead, leftovers.trainLegacyOld, leftovers.modelTempDead, leftovers.exportTempDead])
      expect(fs.existsSync(gone), gone).toBe(false);
  });

  it('ends an import whose process was killed: row failed with a reason, staging file deleted, nothing visible', async () => {
    const root = tempDir('toolsmith-sweep-import-');
    const ws = path.join(root, 'ws');
    const file = path.join(root, 'big.jsonl');
    writeXlam(file, 60_000);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'formats', 'child', 'big-import.ts'), ws, file], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const stagingDir = path.join(ws, 'imports');
    const staged = () =>
      fs.existsSync(stagingDir) && fs.readdirSync(stagingDir).some((n) => fs.statSync(path.join(stagingDir, n)).size > 0);
    await waitFor(staged, 'the child to stage its first batch');
    child.kill('SIGKILL');
    await exited;
    expect(fs.readdirSync(stagingDir)).toHaveLength(1);

    const opened = openWorkspace(ws, { onSweep: () => undefined });
    try {
      expect(opened.swept).toEqual([
        expect.objectContaining({ kind: 'import', importId: 1 }),
        expect.objectContaining({ kind: 'import-staging' }),
      ]);
      const row = opened.db.prepare('SELECT state, failure FROM imports').get() as { state: string; failure: string };
      expect(row.state).toBe('failed');
      expect(row.failure).toMatch(/interrupted: its process \(PID \d+\) ended before the import finished/);
      expect((opened.db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n).toBe(0);
      expect(opened.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    } finally {
      opened.close();
    }
    expect(fs.readdirSync(stagingDir)).toEqual([]);
    // The sweep found nothing more the second time.
    const again = openWorkspace(ws);
    expect(again.swept).toEqual([]);
    again.close();
  }, 120_000);

  it('keeps an import whose owner is alive and holds its lease', () => {
    const ws = path.join(tempDir('toolsmith-sweep-live-'), 'ws');
    const first = openWorkspace(ws);
    first.db
      .prepare("INSERT INTO imports (path, format, state, owner_pid, lease_expires_at) VALUES ('/x.jsonl', 'xlam', 'reading', ?, ?)")
      .run(process.pid, Date.now() + 60_000);
    touch(path.join(ws, 'imports', 'import-1.staging.jsonl'), '{}\n');
    first.close();
    const second = openWorkspace(ws);
    try {
      expect(second.swept).toEqual([]);
      expect((second.db.prepare('SELECT state FROM imports').get() as { state: string }).state).toBe('reading');
    } finally {
      second.close();
    }
    expect(fs.existsSync(path.join(ws, 'imports', 'import-1.staging.jsonl'))).toBe(true);
  });
});
