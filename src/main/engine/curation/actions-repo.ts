import type { CurationAction } from '../../../shared/contract/curation';
import type { Db } from '../db/open';

/**
 * Curation actions and, per sample, what it was before one (`curation_actions`, `curation_action_items`):
 * what undo reads back. Call these inside the caller's transaction.
 */

export interface StoredAction {
  id: number;
  kind: CurationAction['kind'];
  payload_json: string;
}

export interface ActionItem {
  sample_id: number;
  before_status: string;
  before_version: number;
  had_tag: number | null;
}

/** Stores an action; returns its id. */
export function insertAction(db: Db, kind: CurationAction['kind'], payload: unknown, affected: number): number {
  return Number(
    db.prepare('INSERT INTO curation_actions (kind, payload_json, affected) VALUES (?, ?, ?)').run(kind, JSON.stringify(payload), affected)
      .lastInsertRowid,
  );
}

/** Records what each sample was before the action. */
export function recordActionItems(
  db: Db,
  actionId: number,
  items: readonly { sampleId: number; status: string; version: number; hadTag: number | null }[],
): void {
  const record = db.prepare(
    'INSERT INTO curation_action_items (action_id, sample_id, before_status, before_version, had_tag) VALUES (?, ?, ?, ?, ?)',
  );
  for (const item of items) record.run(actionId, item.sampleId, item.status, item.version, item.hadTag);
}

/** The latest action not yet undone. */
export function latestOpenAction(db: Db): StoredAction | undefined {
  return db.prepare('SELECT id, kind, payload_json FROM curation_actions WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get() as
    StoredAction | undefined;
}

export function actionById(db: Db, id: number): StoredAction | undefined {
  return db.prepare('SELECT id, kind, payload_json FROM curation_actions WHERE id = ?').get(id) as StoredAction | undefined;
}

/** When the action was undone (null while it stands). */
export function actionUndoneAt(db: Db, id: number): string | null {
  return (db.prepare('SELECT undone_at FROM curation_actions WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
}

export function actionItems(db: Db, actionId: number): ActionItem[] {
  return db
    .prepare('SELECT sample_id, before_status, before_version, had_tag FROM curation_action_items WHERE action_id = ?')
    .all(actionId) as ActionItem[];
}

export function markActionUndone(db: Db, id: number): void {
  db.prepare(`UPDATE curation_actions SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(id);
}
