import Database from 'better-sqlite3';
import fs from 'node:fs';
import { WorkspaceError } from './errors';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';

export type Db = Database.Database;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 binary built for another ABI (Electron's). */
  nativeBinding?: string;
  readonly?: boolean;
  /**
   * Called before the schema of an existing database is brought up to date: some migrations rebuild
   * indexes over every sample (a minute at a million), and a host says so rather than seem to hang.
   */
  onMigrate?: (from: number, to: number, names: string[]) => void;
}

/**
 * Opens (or creates) a workspace database and brings its schema up to date.
 * A file that is not SQLite, or whose schema is newer than this app, is refused before anything is
 * written to it.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  assertSqliteFile(file);
  const db = new Database(file, {
    nativeBinding: options.nativeBinding,
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A workspace grows to gigabytes (1 M samples ≈ 2.5 GB): SQLite's default 2 MB page cache re-reads index
    // pages on every deep page or jump. 64 MB of cache and 256 MB mapped (address space, not memory) keep the
    // hot indexes in reach; at 200 k samples a jump's p95 fell from ~137 to ~70 ms.
    db.pragma('cache_size = -65536');
    db.pragma('mmap_size = 268435456');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const current = readSchemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) {
      throw new WorkspaceError(
        `The workspace database ${file} has schema version ${current}, newer than this Toolsmith (schema version ${LATEST_SCHEMA_VERSION}). Update Toolsmith to open it; the file was not changed.`,
      );
    }
    if (!options.readonly) migrate(db, current, options.onMigrate);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function assertSqliteFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return; // does not exist yet: it will be created
  }
  try {
    const header = Buffer.alloc(16);
    const read = fs.readSync(fd, header, 0, 16, 0);
    if (read === 0) return; // empty file: SQLite treats it as a new database
    if (read < 16 || !header.equals(SQLITE_MAGIC)) {
      throw new WorkspaceError(
        `${file} is not an SQLite database (its first bytes are not "SQLite format 3"). Choose another workspace folder; the file was not changed.`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readSchemaVersion(db: Db): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/** Applies every pending migration in one transaction: all or nothing. */
function migrate(db: Db, from: number, onMigrate?: OpenDatabaseOptions['onMigrate']): void {
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return;
  if (from > 0)
    onMigrate?.(
      from,
      LATEST_SCHEMA_VERSION,
      pending.map((m) => m.name),
    );
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    )`);
    const record = db.prepare('INSERT INTO schema_version (version, name) VALUES (?, ?)');
    for (const migration of pending) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

export function schemaVersionOf(db: Db): number {
  return readSchemaVersion(db);
}
