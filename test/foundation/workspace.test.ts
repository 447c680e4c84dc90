import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { LATEST_SCHEMA_VERSION, migrations } from '../../src/main/engine/db/migrations';
import { pageSamples } from '../../src/main/engine/curation/browse';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { createClient } from '../../src/shared/client';
import { tempDir } from '../helpers/tmp';

const CORE_TABLES = [
  'tools',
  'queries',
  'samples',
  'sample_versions',
  'verdicts',
  'rounds',
  'round_metrics',
  'models',
  'jobs',
  'job_steps',
  'job_logs',
  'eval_sets',
  'eval_items',
  'eval_runs',
  'eval_results',
  'refinement_traces',
  'trace_steps',
  'tags',
  'sample_fts',
  'schema_version',
];

describe('workspace', () => {
  it('creates the database, the models folder and every core table on a fresh folder', () => {
    const dir = path.join(tempDir(), 'ws');
    const ws = openWorkspace(dir);
    expect(fs.existsSync(path.join(dir, 'toolsmith.sqlite'))).toBe(true);
    expect(fs.statSync(path.join(dir, 'models')).isDirectory()).toBe(true);
    const tables = (ws.db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]).map((r) => r.name);
    for (const table of CORE_TABLES) expect(tables).toContain(table);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    ws.close();
  });

  it('reopens idempotently: migrations are recorded once and data is kept', async () => {
    const dir = tempDir();
    const first = openEngine(dir);
    await createClient(first).call('settings.set', { key: 'theme', value: 'dark' });
    await first.close();
    const second = openEngine(dir);
    const versions = second.ctx.db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
    expect(await createClient(second).call('settings.get', { key: 'theme' })).toEqual({ key: 'theme', value: 'dark' });
    await second.close();
  });

  it('keeps the full-text index on the current version of each sample', () => {
    const ws = openWorkspace(tempDir());
    const db = ws.db;
    const id = Number(db.prepare("INSERT INTO samples (subtask) VALUES ('invocation')").run().lastInsertRowid);
    db.prepare(
      "INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text) VALUES (?, 1, 'weather in Paris', '{}', '[get_weather(city=\"Paris\")]')",
    ).run(id);
    const find = (word: string) =>
      (db.prepare('SELECT rowid FROM sample_fts WHERE sample_fts MATCH ?').all(word) as { rowid: number }[]).map((r) => r.rowid);
    expect(find('paris')).toEqual([id]);
    db.transaction(() => {
      db.prepare(
        "INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text) VALUES (?, 2, 'weather in Rome', '{}', '[get_weather(city=\"Rome\")]')",
      ).run(id);
      db.prepare('UPDATE samples SET current_version = 2 WHERE id = ?').run(id);
    })();
    expect(find('paris')).toEqual([]);
    expect(find('rome')).toEqual([id]);
    ws.close();
  });

  it('brings a workspace of an older schema up to date, says so first, and keeps its samples', () => {
    const dir = tempDir();
    const file = path.join(dir, 'toolsmith.sqlite');
    // A workspace as Toolsmith left it at schema 7, with one sample.
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)');
    for (const m of migrations.filter((m) => m.version <= 7)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_version (version, name) VALUES (?, ?)').run(m.version, m.name);
    }
    const id = Number(raw.prepare("INSERT INTO samples (subtask, vote_share) VALUES ('invocation', 0.5)").run().lastInsertRowid);
    raw
      .prepare("INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text) VALUES (?, 1, 'q', '{}', '[f()]')")
      .run(id);
    raw.close();
    const told: unknown[] = [];
    const ws = openWorkspace(dir, { onMigrate: (...args) => told.push(args) });
    expect(told).toEqual([[7, LATEST_SCHEMA_VERSION, migrations.filter((m) => m.version > 7).map((m) => m.name)]]);
    const indexes = ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'samples'").pluck().all();
    expect(indexes).toContain('samples_browse_vote_share');
    expect(indexes).not.toContain('samples_vote_share');
    const page = pageSamples(ws.db, {
      filter: { voteShare: { min: 0.4, max: 0.6 } },
      sort: { key: 'voteShare', dir: 'asc' },
      offset: 0,
      limit: 5,
    });
    expect(page.rows.map((r) => [r.id, r.output])).toEqual([[id, '[f()]']]);
    ws.close();
    // Up to date: nothing to say the next time.
    openWorkspace(dir, { onMigrate: (...args) => told.push(args) }).close();
    expect(told).toHaveLength(1);
  });

  it('refuses a database whose schema is newer than the app, naming both versions, and leaves it untouched', () => {
    const dir = tempDir();
    openWorkspace(dir).close();
    const file = path.join(dir, 'toolsmith.sqlite');
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_version (version, name) VALUES (?, 'from the future')").run(LATEST_SCHEMA_VERSION + 5);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openWorkspace(dir)).toThrow(
      new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 5}.*schema version ${LATEST_SCHEMA_VERSION}`),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, 'toolsmith.sqlite');
    fs.writeFileSync(file, 'this is a text file, not a database\n'.repeat(10));
    const before = fs.readFileSync(file);
    expect(() => openWorkspace(dir)).toThrow(/is not an SQLite database/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('says clearly when the workspace folder cannot be created', () => {
    const file = path.join(tempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    expect(() => openWorkspace(path.join(file, 'ws'))).toThrow(/Cannot create the workspace folder .*plain-file\/ws/);
  });

  it('lets only one long-lived host hold a workspace', () => {
    const dir = tempDir();
    const host = openWorkspace(dir, { lock: 'first host' });
    expect(() => openWorkspace(dir, { lock: 'second host' })).toThrow(/already in use by process \d+ \(first host/);
    host.close();
    openWorkspace(dir, { lock: 'second host' }).close();
  });
});
