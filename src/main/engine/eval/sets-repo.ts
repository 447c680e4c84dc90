/** Queries over evaluation sets and their items. */
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';

export interface EvalSetRow {
  id: number;
  name: string;
  kind: 'bfcl' | 'builtin' | 'custom';
  source: string | null;
  item_count: number;
  created_at: string;
}

export interface EvalSetInfo {
  id: number;
  name: string;
  kind: 'bfcl' | 'builtin' | 'custom';
  source: string | null;
  itemCount: number;
  createdAt: string;
  categories: { category: string; count: number }[];
}

export function categoryCounts(db: Db, setId: number): { category: string; count: number }[] {
  return db
    .prepare('SELECT category, COUNT(*) AS count FROM eval_items WHERE set_id = ? GROUP BY category ORDER BY category')
    .all(setId) as { category: string; count: number }[];
}

function info(db: Db, row: EvalSetRow): EvalSetInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    source: row.source,
    itemCount: row.item_count,
    createdAt: row.created_at,
    categories: categoryCounts(db, row.id),
  };
}

export function listSets(db: Db): EvalSetInfo[] {
  return (db.prepare('SELECT * FROM eval_sets ORDER BY name').all() as EvalSetRow[]).map((row) => info(db, row));
}

/** A set by id or name; a clear not_found error otherwise. */
export function requireSet(db: Db, ref: number | string): EvalSetInfo {
  const row = (
    typeof ref === 'number'
      ? db.prepare('SELECT * FROM eval_sets WHERE id = ?').get(ref)
      : db.prepare('SELECT * FROM eval_sets WHERE name = ?').get(ref)
  ) as EvalSetRow | undefined;
  if (!row) {
    const names = (db.prepare('SELECT name FROM eval_sets ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    throw new ApiError(
      'not_found',
      `No evaluation set ${typeof ref === 'number' ? `with id ${ref}` : `named "${ref}"`}${names.length ? ` (there are: ${names.join(', ')})` : ' (none imported yet)'}.`,
      { set: ref },
    );
  }
  return info(db, row);
}

export function deleteSet(db: Db, id: number): boolean {
  return db.transaction(() => {
    // Traces of runs on this set go with the runs (ON DELETE CASCADE).
    return db.prepare('DELETE FROM eval_sets WHERE id = ?').run(id).changes > 0;
  })();
}

export interface EvalItemRow {
  id: number;
  set_id: number;
  item_key: string;
  category: string;
  question_json: string;
  tools_json: string;
  answer_json: string | null;
}

export function listItems(
  db: Db,
  setId: number,
  options: { category?: string; limit?: number; offset?: number } = {},
): { items: EvalItemRow[]; total: number } {
  const where = options.category ? 'WHERE set_id = ? AND category = ?' : 'WHERE set_id = ?';
  const params: unknown[] = options.category ? [setId, options.category] : [setId];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM eval_items ${where}`).get(...params) as { n: number }).n;
  const items = db
    .prepare(`SELECT * FROM eval_items ${where} ORDER BY id LIMIT ? OFFSET ?`)
    .all(...params, options.limit ?? 100, options.offset ?? 0) as EvalItemRow[];
  return { items, total };
}

export function allItems(db: Db, setId: number): EvalItemRow[] {
  return db.prepare('SELECT * FROM eval_items WHERE set_id = ? ORDER BY id').all(setId) as EvalItemRow[];
}

/** The `ground_truth` part of a stored answer line (kept as text so that `1.0` stays a float). */
export function answerOf(row: Pick<EvalItemRow, 'answer_json'>): string | null {
  return row.answer_json;
}

/** The names of every set, oldest first (the order they were installed or imported). */
export function setNamesByAge(db: Db): string[] {
  return (db.prepare('SELECT name FROM eval_sets ORDER BY id').all() as { name: string }[]).map((r) => r.name);
}

/** The questions (as stored JSON) of the set named so; none when there is no such set. */
export function questionJsonsOfSet(db: Db, name: string): string[] {
  return db
    .prepare('SELECT i.question_json FROM eval_items i JOIN eval_sets s ON s.id = i.set_id WHERE s.name = ?')
    .pluck()
    .all(name) as string[];
}

/** Whether an evaluation set has this name. */
export function setNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM eval_sets WHERE name = ?').get(name) !== undefined;
}

/** Writes a BFCL set and its items (call inside the caller's transaction); returns the set's id. */
export function insertBfclSet(
  db: Db,
  name: string,
  source: string,
  items: readonly { key: string; category: string; question: unknown; tools: unknown; answer: string | null }[],
): number {
  const set = db
    .prepare("INSERT INTO eval_sets (name, kind, source, item_count) VALUES (?, 'bfcl', ?, ?) RETURNING id")
    .get(name, source, items.length) as { id: number };
  const insert = db.prepare(
    'INSERT INTO eval_items (set_id, item_key, category, question_json, tools_json, answer_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const item of items)
    insert.run(set.id, item.key, item.category, JSON.stringify(item.question), JSON.stringify(item.tools), item.answer);
  return set.id;
}

export function evalSetIdByName(db: Db, name: string): number | undefined {
  return (db.prepare('SELECT id FROM eval_sets WHERE name = ?').get(name) as { id: number } | undefined)?.id;
}

/** A set's items with the columns a round's evaluation reads (pool-data.ts), in id order. */
export function evalItemRowsOfSet(db: Db, setId: number): Omit<EvalItemRow, 'set_id'>[] {
  return db
    .prepare('SELECT id, item_key, category, question_json, tools_json, answer_json FROM eval_items WHERE set_id = ? ORDER BY id')
    .all(setId) as Omit<EvalItemRow, 'set_id'>[];
}
