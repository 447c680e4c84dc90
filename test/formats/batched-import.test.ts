/**
 * Batched imports (formats/import.ts `storeInBatches`): an import stores its samples a batch per transaction,
 * pending until its last transaction publishes them. A second process reading the workspace meanwhile sees
 * none of them; a SIGKILL between two batches leaves nothing visible, the start-up sweep deletes the pending
 * rows, and the same file imported again gives exactly what a clean import gives.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { countSamplesByStatus, idsMatching, pageSamples } from '../../src/main/engine/curation/browse';
import { openDatabase, type Db } from '../../src/main/engine/db/open';
import { exportData } from '../../src/main/engine/formats/export';
import { importData } from '../../src/main/engine/formats/import';
import { countSamples, listSamples } from '../../src/main/engine/samples/samples-repo';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { createClient } from '../../src/shared/client';
import { ExportInput } from '../../src/shared/contract/formats';
import { repoRoot, tempDir } from '../helpers/tmp';

const LINES = 3000;
const BATCH = 500;
const HOLD_AT = 1000;
const SEEDED = 20;

function writeXlam(file: string, from: number, lines: number): void {
  const tools = JSON.stringify([{ name: 'add', description: 'Add.', parameters: { a: { type: 'int' }, b: { type: 'int' } } }]);
  const rows: string[] = [];
  for (let i = from; i < from + lines; i++)
    rows.push(
      JSON.stringify({ id: i, query: `Add ${i} and 1.`, tools, answers: JSON.stringify([{ name: 'add', arguments: { a: i, b: 1 } }]) }),
    );
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
}

const importFile = (db: Db, file: string) =>
  importData(db, { path: file, format: 'xlam', mode: 'valid', status: 'candidate', maxProblems: 10 });

interface Held {
  child: ChildProcessWithoutNullStreams;
  importId: number;
  stored: number;
  lines: AsyncIterator<string>;
  exited: Promise<number | null>;
}

/** Starts the child import and resolves once it holds with `HOLD_AT` samples stored but not published. */
async function startHeldImport(ws: string, file: string): Promise<Held> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'test', 'formats', 'child', 'held-import.ts'), ws, file, String(BATCH), String(HOLD_AT)],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const match = /^held (\d+) (\d+)$/.exec(first.done ? '' : first.value);
  if (!match) throw new Error(`the child did not hold: ${first.done ? '(exited)' : first.value} ${err}`);
  return { child, importId: Number(match[1]), stored: Number(match[2]), lines, exited };
}

/** What every way of looking at samples shows, straight from the engine's modules. */
function visible(db: Db, exportDir: string) {
  const exported = exportData(db, ExportInput.parse({ format: 'openai', out: exportDir }));
  return {
    listed: listSamples(db).length,
    counted: countSamples(db),
    byStatus: countSamplesByStatus(db, {}).total,
    searched: countSamplesByStatus(db, { search: 'Add' }).total,
    paged: pageSamples(db, { filter: {}, sort: { key: 'id', dir: 'desc' }, offset: 0, limit: 500 }).rows.length,
    pagedSearch: pageSamples(db, { filter: { search: 'Add' }, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: 500 }).rows.length,
    pagedByStatus: pageSamples(db, { filter: { status: ['candidate'] }, sort: { key: 'status', dir: 'asc' }, offset: 0, limit: 500 }).rows
      .length,
    matching: idsMatching(db, { status: ['candidate'] }).length,
    exported: exported.samples,
  };
}

const all = (n: number) => ({
  listed: n,
  counted: n,
  byStatus: n,
  searched: n,
  paged: Math.min(n, 500),
  pagedSearch: Math.min(n, 500),
  pagedByStatus: Math.min(n, 500),
  matching: n,
  exported: n,
});

function pendingIds(db: Db): number[] {
  return db.prepare('SELECT id FROM samples WHERE pending_import IS NOT NULL ORDER BY id').pluck().all() as number[];
}

describe('batched import', () => {
  it('a second process reading during the import sees none of its pending samples, then all of them', async () => {
    const root = tempDir('toolsmith-batched-read-');
    const ws = path.join(root, 'ws');
    const seed = path.join(root, 'seed.jsonl');
    const big = path.join(root, 'big.jsonl');
    writeXlam(seed, 100_000, SEEDED);
    writeXlam(big, 0, LINES);
    const setup = openWorkspace(ws);
    expect((await importFile(setup.db, seed)).stored).toBe(SEEDED);
    setup.close();

    const held = await startHeldImport(ws, big);
    expect(held.stored).toBe(HOLD_AT);
    // The reader is a real engine in this process: its start-up sweep keeps the live import.
    const engine = openEngine(ws, { onSweep: () => undefined });
    const client = createClient(engine);
    try {
      const db = openDatabase(path.join(ws, 'toolsmith.sqlite'));
      try {
        const pending = pendingIds(db);
        expect(pending).toHaveLength(HOLD_AT);
        expect(visible(db, path.join(root, 'export-during'))).toEqual(all(SEEDED));
        await expect(client.call('samples.detail', { id: pending[0]! })).rejects.toMatchObject({ code: 'not_found' });
        await expect(client.call('samples.curate', { action: { kind: 'accept' }, target: { ids: [pending[0]!] } })).rejects.toMatchObject({
          code: 'not_found',
        });
        expect((await client.call('samples.count', {})).total).toBe(SEEDED);
        const stats = await client.call('datasets.stats', {});
        expect(stats.subtasks.find((s) => s.subtask === 'invocation')?.total).toBe(SEEDED);

        held.child.stdin.write('go\n');
        const last = await held.lines.next();
        expect(await held.exited).toBe(0);
        expect(JSON.parse(last.done ? '{}' : last.value)).toEqual({ state: 'done', stored: LINES, duplicates: 0 });
        expect(pendingIds(db)).toEqual([]);
        expect(visible(db, path.join(root, 'export-after'))).toEqual(all(SEEDED + LINES));
        expect((await client.call('samples.count', {})).total).toBe(SEEDED + LINES);
      } finally {
        db.close();
      }
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a SIGKILL between batches leaves nothing visible; the sweep deletes the pending rows; the re-import is exact', async () => {
    const root = tempDir('toolsmith-batched-kill-');
    const ws = path.join(root, 'ws');
    const seed = path.join(root, 'seed.jsonl');
    const big = path.join(root, 'big.jsonl');
    writeXlam(seed, 100_000, SEEDED);
    writeXlam(big, 0, LINES);
    const setup = openWorkspace(ws);
    await importFile(setup.db, seed);
    setup.close();

    const held = await startHeldImport(ws, big);
    held.child.kill('SIGKILL');
    await held.exited;

    // Before any sweep: the killed import's rows are there, pending, and nothing shows them.
    const raw = openDatabase(path.join(ws, 'toolsmith.sqlite'));
    try {
      expect(pendingIds(raw)).toHaveLength(HOLD_AT);
      expect(visible(raw, path.join(root, 'export-killed'))).toEqual(all(SEEDED));
    } finally {
      raw.close();
    }

    const opened = openWorkspace(ws, { onSweep: () => undefined });
    try {
      expect(opened.swept).toContainEqual(expect.objectContaining({ kind: 'import', importId: held.importId }));
      const db = opened.db;
      expect(pendingIds(db)).toEqual([]);
      const rows = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      expect([rows('samples'), rows('sample_versions'), rows('sample_fts')]).toEqual([SEEDED, SEEDED, SEEDED]);
      expect(db.prepare('SELECT state FROM imports WHERE id = ?').pluck().get(held.importId)).toBe('failed');
      expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');

      const again = await importFile(db, big);
      expect([again.state, again.stored, again.duplicates]).toEqual(['done', LINES, 0]);
      expect(visible(db, path.join(root, 'export-again'))).toEqual(all(SEEDED + LINES));

      // Exactly what the same two files give in a workspace that was never interrupted.
      const clean = openWorkspace(path.join(root, 'clean'));
      try {
        await importFile(clean.db, seed);
        await importFile(clean.db, big);
        const texts = (d: Db) => listSamples(d).map((s) => [s.queryText, s.outputText, s.status, s.category, s.sourceLine]);
        expect(texts(db)).toEqual(texts(clean.db));
        expect(db.prepare('SELECT subtask, status, category, n FROM sample_counts ORDER BY 1, 2, 3').all()).toEqual(
          clean.db.prepare('SELECT subtask, status, category, n FROM sample_counts ORDER BY 1, 2, 3').all(),
        );
      } finally {
        clean.close();
      }
    } finally {
      opened.close();
    }
  }, 120_000);

  it('an import cancelled while storing deletes its pending samples and stores nothing', async () => {
    const root = tempDir('toolsmith-batched-cancel-');
    const big = path.join(root, 'big.jsonl');
    writeXlam(big, 0, LINES);
    const ws = openWorkspace(path.join(root, 'ws'));
    try {
      const controller = new AbortController();
      const seen: number[] = [];
      const result = await importData(ws.db, {
        path: big,
        format: 'xlam',
        mode: 'valid',
        status: 'candidate',
        maxProblems: 10,
        storeBatchSize: BATCH,
        signal: controller.signal,
        onStoredBatch: (stored) => {
          seen.push(stored, pendingIds(ws.db).length);
          if (stored >= HOLD_AT) controller.abort();
        },
      });
      expect(seen).toEqual([BATCH, BATCH, 2 * BATCH, 2 * BATCH]);
      expect(result.state).toBe('cancelled');
      expect(ws.db.prepare('SELECT COUNT(*) FROM samples').pluck().get()).toBe(0);
      expect(ws.db.prepare('SELECT state FROM imports WHERE id = ?').pluck().get(result.importId)).toBe('cancelled');
    } finally {
      ws.close();
    }
  });
});
