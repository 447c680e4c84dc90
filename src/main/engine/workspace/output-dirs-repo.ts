import type { Db } from '../db/open';

/** Folders exports were written to (`output_dirs`), so that the start-up sweep can find their temp files. */

export function recordOutputDir(db: Db, dir: string): void {
  db.prepare(
    "INSERT INTO output_dirs (path) VALUES (?) ON CONFLICT (path) DO UPDATE SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
  ).run(dir);
}

export function outputDirs(db: Db): string[] {
  return (db.prepare('SELECT path FROM output_dirs').all() as { path: string }[]).map((r) => r.path);
}
