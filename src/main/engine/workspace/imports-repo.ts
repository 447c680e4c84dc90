import type { Db } from '../db/open';

/**
 * The `imports` table: one row per file import, its progress, its owner's lease and how it ended. It lives
 * in the workspace tier because the start-up sweep (`sweep.ts`, below the domains) ends imports whose owner
 * is gone; `formats/import.ts` writes the rest of an import's life through these functions.
 */

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/** Starts an import's row, owned by this process until `leaseExpiresAt` (ms since the epoch); returns its id. */
export function insertImport(
  db: Db,
  i: { path: string; format: string; options: unknown; ownerPid: number; leaseExpiresAt: number },
): number {
  return Number(
    db
      .prepare('INSERT INTO imports (path, format, options_json, owner_pid, lease_expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(i.path, i.format, JSON.stringify(i.options), i.ownerPid, i.leaseExpiresAt).lastInsertRowid,
  );
}

/**
 * Renews an import's lease, with its statement prepared once (a heartbeat calls it). With `ownerPid`, only
 * while that process still owns the row.
 */
export function importLeaseRenewer(db: Db, importId: number, ownerPid?: number): (leaseExpiresAt: number) => void {
  if (ownerPid === undefined) {
    const renew = db.prepare('UPDATE imports SET lease_expires_at = ? WHERE id = ?');
    return (leaseExpiresAt) => renew.run(leaseExpiresAt, importId);
  }
  const renew = db.prepare('UPDATE imports SET lease_expires_at = ? WHERE id = ? AND owner_pid = ?');
  return (leaseExpiresAt) => renew.run(leaseExpiresAt, importId, ownerPid);
}

/** Saves where reading got to (and renews the lease), with its statement prepared once (once per staged batch). */
export function importCursorSaver(
  db: Db,
  importId: number,
): (c: { cursor: unknown; records: number; samples: number; problemCount: number; leaseExpiresAt: number }) => void {
  const save = db.prepare(
    'UPDATE imports SET cursor_json = ?, records = ?, samples = ?, problem_count = ?, lease_expires_at = ? WHERE id = ?',
  );
  return (c) => save.run(JSON.stringify(c.cursor), c.records, c.samples, c.problemCount, c.leaseExpiresAt, importId);
}

/** Marks an import as storing its staged samples. */
export function markImportStoring(db: Db, importId: number): void {
  db.prepare("UPDATE imports SET state = 'storing' WHERE id = ?").run(importId);
}

/** Ends an import that stored nothing: rejected, cancelled or failed, with its counts and problems. */
export function endImport(
  db: Db,
  importId: number,
  e: { state: 'rejected' | 'cancelled' | 'failed'; records: number; samples: number; problemCount: number; problems: unknown },
): void {
  db.prepare(
    `UPDATE imports SET state = ?, records = ?, samples = ?, problem_count = ?, problems_json = ?,
     finished_at = ${NOW} WHERE id = ?`,
  ).run(e.state, e.records, e.samples, e.problemCount, JSON.stringify(e.problems), importId);
}

/** Marks an import done (call inside the transaction that publishes its samples). */
export function markImportDone(
  db: Db,
  importId: number,
  d: { records: number; samples: number; stored: number; duplicates: number; problemCount: number; problems: unknown },
): void {
  db.prepare(
    `UPDATE imports SET state = 'done', records = ?, samples = ?, stored = ?, duplicates = ?, problem_count = ?, problems_json = ?,
     finished_at = ${NOW} WHERE id = ?`,
  ).run(d.records, d.samples, d.stored, d.duplicates, d.problemCount, JSON.stringify(d.problems), importId);
}

/** Imports still reading or storing, with their owner and lease. */
export function unfinishedImports(db: Db): { id: number; owner_pid: number | null; lease_expires_at: number | null }[] {
  return db.prepare("SELECT id, owner_pid, lease_expires_at FROM imports WHERE state IN ('reading','storing')").all() as {
    id: number;
    owner_pid: number | null;
    lease_expires_at: number | null;
  }[];
}

/**
 * Ends one import whose owner is gone: the row failed with a reason, its pending samples deleted. Checked again
 * inside the transaction (still unfinished, the lease still the one that was read as `lease`), so an owner that
 * finished or renewed meanwhile keeps its import; null when it did. The samples' delete sits here, beside the
 * row it belongs to, because this tier cannot reach the samples repository.
 */
export function endInterruptedImport(db: Db, importId: number, reason: string, lease: number | null): number | null {
  return db
    .transaction(() => {
      const { changes: ended } = db
        .prepare(
          `UPDATE imports SET state = 'failed', failure = ?, lease_expires_at = NULL,
           finished_at = ${NOW}
           WHERE id = ? AND state IN ('reading','storing') AND lease_expires_at IS ?`,
        )
        .run(reason, importId, lease);
      if (ended === 0) return null;
      return db.prepare('DELETE FROM samples WHERE pending_import = ?').run(importId).changes;
    })
    .immediate();
}
