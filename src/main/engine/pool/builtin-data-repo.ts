/** The `builtin_data` table (migration 0011): which version of each bundled part a workspace holds. */
import type { Db } from '../db/open';

export interface InstalledPart {
  part: string;
  version: string;
  installedAt: string;
}

export function installedParts(db: Db): InstalledPart[] {
  return db.prepare('SELECT part, version, installed_at AS installedAt FROM builtin_data ORDER BY part').all() as InstalledPart[];
}

export function recordInstalledPart(db: Db, part: string, version: string): void {
  db.prepare(
    `INSERT INTO builtin_data (part, version) VALUES (?, ?)
     ON CONFLICT(part) DO UPDATE SET version = excluded.version, installed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(part, version);
}

export function evalSetNamed(db: Db, name: string): { id: number; itemCount: number } | undefined {
  return db.prepare('SELECT id, item_count AS itemCount FROM eval_sets WHERE name = ?').get(name) as
    { id: number; itemCount: number } | undefined;
}

export function builtinToolCount(db: Db, pool: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM tools WHERE pool = ?').get(pool) as { n: number }).n;
}
