import type { Db } from '../db/open';

/** The `models` table: one row per registered model file (the registry module owns the files and the rules). */

export type ModelKind = 'base' | 'finetune' | 'adapter' | 'starter';

export interface ModelRow {
  id: number;
  name: string;
  file: string;
  kind: ModelKind;
  parent_id: number | null;
  round_id: number | null;
  adapter_file: string | null;
  trainer: string | null;
  architecture: string | null;
  parameters: number | null;
  quantization: string | null;
  context_length: number | null;
  chat_template: string | null;
  size_bytes: number | null;
  sha256: string | null;
  metadata_json: string;
  created_at: string;
  round_run: string | null;
  round_seq: number | null;
}

// The round's run and number come with the row: a round's database id means nothing to a reader.
const MODEL_SELECT = 'SELECT m.*, r.run_id AS round_run, r.seq AS round_seq FROM models m LEFT JOIN rounds r ON r.id = m.round_id';

export function allModelRows(db: Db): ModelRow[] {
  return db.prepare(`${MODEL_SELECT} ORDER BY m.id`).all() as ModelRow[];
}

export function modelRowById(db: Db, id: number): ModelRow | undefined {
  return db.prepare(`${MODEL_SELECT} WHERE m.id = ?`).get(id) as ModelRow | undefined;
}

export function modelRowByName(db: Db, name: string): ModelRow | undefined {
  return db.prepare(`${MODEL_SELECT} WHERE m.name = ?`).get(name) as ModelRow | undefined;
}

export function modelNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM models WHERE name = ?').get(name) !== undefined;
}

export function modelExists(db: Db, id: number): boolean {
  return db.prepare('SELECT 1 FROM models WHERE id = ?').get(id) !== undefined;
}

/** Does any registered model use this file (as stored)? */
export function modelFileUsed(db: Db, file: string): boolean {
  return db.prepare('SELECT 1 FROM models WHERE file = ?').get(file) !== undefined;
}

export type NewModelRow = Omit<ModelRow, 'id' | 'created_at' | 'round_run' | 'round_seq'>;

export function insertModelRow(db: Db, row: NewModelRow): number {
  const result = db
    .prepare(
      `INSERT INTO models (name, file, kind, parent_id, round_id, adapter_file, trainer, architecture, parameters,
         quantization, context_length, chat_template, size_bytes, sha256, metadata_json)
       VALUES (@name, @file, @kind, @parent_id, @round_id, @adapter_file, @trainer, @architecture, @parameters,
         @quantization, @context_length, @chat_template, @size_bytes, @sha256, @metadata_json)`,
    )
    .run(row);
  return Number(result.lastInsertRowid);
}

export function setModelName(db: Db, id: number, name: string): void {
  db.prepare('UPDATE models SET name = ? WHERE id = ?').run(name, id);
}

export function setModelMetadata(db: Db, id: number, metadata: Record<string, unknown>): void {
  db.prepare('UPDATE models SET metadata_json = ? WHERE id = ?').run(JSON.stringify(metadata), id);
}

export function deleteModelRow(db: Db, id: number): void {
  db.prepare('DELETE FROM models WHERE id = ?').run(id);
}

/** The model a round's training registered from this base, if it got that far. */
export function modelIdOfRound(db: Db, roundId: number, parentId: number): { id: number } | undefined {
  return db.prepare('SELECT id FROM models WHERE round_id = ? AND parent_id = ?').get(roundId, parentId) as { id: number } | undefined;
}
