/**
 * The `tools` table: each tool stored under a pool with its normalised schema (`schema_json`, a `ToolDef`
 * without `original`) and the definition as it was given (`original_json`).
 */
import type { Db } from '../db/open';
import type { ToolDef } from './types';

export interface StoredTool {
  id: number;
  pool: string;
  name: string;
  description: string;
  domain: string | null;
  def: ToolDef;
  implementation: string | null;
  source: string | null;
  createdAt: string;
}

interface ToolRow {
  id: number;
  pool: string;
  name: string;
  description: string;
  domain: string | null;
  schema_json: string;
  original_json: string;
  implementation: string | null;
  source: string | null;
  created_at: string;
}

function fromRow(row: ToolRow): StoredTool {
  const schema = JSON.parse(row.schema_json) as Omit<ToolDef, 'original'>;
  return {
    id: row.id,
    pool: row.pool,
    name: row.name,
    description: row.description,
    domain: row.domain,
    def: {
      name: schema.name,
      description: schema.description,
      parameters: schema.parameters,
      original: JSON.parse(row.original_json) as unknown,
    },
    implementation: row.implementation,
    source: row.source,
    createdAt: row.created_at,
  };
}

export interface SaveToolsOptions {
  pool?: string;
  source?: string | null;
  domain?: string | null;
  /** Replace a tool of the same name in the pool (default); false: a name clash is an error. */
  replace?: boolean;
}

export class ToolConflictError extends Error {}

/** Stores tools in one transaction: all of them or none. Returns their ids in order. */
export function saveTools(db: Db, defs: ToolDef[], options: SaveToolsOptions = {}): number[] {
  const pool = options.pool ?? 'default';
  const replace = options.replace ?? true;
  const find = db.prepare('SELECT id FROM tools WHERE pool = ? AND name = ?');
  const insert = db.prepare(
    `INSERT INTO tools (pool, name, description, domain, schema_json, original_json, source) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (pool, name) DO UPDATE SET description = excluded.description, domain = COALESCE(excluded.domain, tools.domain),
       schema_json = excluded.schema_json, original_json = excluded.original_json, source = excluded.source
     RETURNING id`,
  );
  return db.transaction(() =>
    defs.map((def) => {
      if (!replace && find.get(pool, def.name)) throw new ToolConflictError(`A tool named "${def.name}" already exists in pool "${pool}".`);
      const schema = { name: def.name, description: def.description, parameters: def.parameters };
      const row = insert.get(
        pool,
        def.name,
        def.description,
        options.domain ?? null,
        JSON.stringify(schema),
        JSON.stringify(def.original ?? schema),
        options.source ?? null,
      ) as { id: number };
      return row.id;
    }),
  )();
}

export interface ListToolsOptions {
  pool?: string;
  /** Matches name or description, case-insensitively. */
  search?: string;
  limit?: number;
  offset?: number;
}

export function listTools(db: Db, options: ListToolsOptions = {}): { items: StoredTool[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.pool) {
    where.push('pool = ?');
    params.push(options.pool);
  }
  if (options.search && options.search.trim() !== '') {
    where.push("(name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')");
    const like = `%${options.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(like, like);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM tools ${clause}`).get(...params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM tools ${clause} ORDER BY pool, name LIMIT ? OFFSET ?`)
    .all(...params, options.limit ?? 200, options.offset ?? 0) as ToolRow[];
  return { items: rows.map(fromRow), total };
}

export function getTool(db: Db, id: number): StoredTool | undefined {
  const row = db.prepare('SELECT * FROM tools WHERE id = ?').get(id) as ToolRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function getToolByName(db: Db, name: string, pool = 'default'): StoredTool | undefined {
  const row = db.prepare('SELECT * FROM tools WHERE pool = ? AND name = ?').get(pool, name) as ToolRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function deleteTool(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM tools WHERE id = ?').run(id).changes > 0;
}

export function listPools(db: Db): { pool: string; count: number }[] {
  return db.prepare('SELECT pool, COUNT(*) AS count FROM tools GROUP BY pool ORDER BY pool').all() as { pool: string; count: number }[];
}

/** One tool's row as a pool sync writes it (`schema_json` / `original_json` as `saveTools` writes them). */
export interface PoolToolRow {
  name: string;
  description: string;
  domain: string | null;
  schema_json: string;
  original_json: string;
  implementation: string | null;
}

/**
 * Makes `pool` hold exactly `tools`, tagged with `source`, in one transaction: new names added, changed rows
 * updated, names no longer given removed, the rest left alone (their row ids kept).
 */
export function syncPool(db: Db, pool: string, source: string, tools: PoolToolRow[]) {
  const existing = db.prepare('SELECT id, name, description, domain, schema_json, original_json, implementation FROM tools WHERE pool = ?');
  const insert = db.prepare(
    `INSERT INTO tools (pool, name, description, domain, schema_json, original_json, implementation, source)
     VALUES (@pool, @name, @description, @domain, @schema_json, @original_json, @implementation, @source)`,
  );
  const update = db.prepare(
    `UPDATE tools SET description = @description, domain = @domain, schema_json = @schema_json, original_json = @original_json,
       implementation = @implementation, source = @source WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM tools WHERE id = ?');
  return db.transaction(() => {
    const rows = new Map((existing.all(pool) as (PoolToolRow & { id: number })[]).map((r) => [r.name, r]));
    const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    for (const tool of tools) {
      const row = rows.get(tool.name);
      rows.delete(tool.name);
      if (!row) {
        insert.run({ pool, source, ...tool });
        counts.added++;
      } else if (
        row.description !== tool.description ||
        row.domain !== tool.domain ||
        row.schema_json !== tool.schema_json ||
        row.original_json !== tool.original_json ||
        row.implementation !== tool.implementation
      ) {
        const { name: _name, ...values } = tool;
        update.run({ id: row.id, source, ...values });
        counts.updated++;
      } else {
        counts.unchanged++;
      }
    }
    for (const stale of rows.values()) {
      remove.run(stale.id);
      counts.removed++;
    }
    return counts;
  })();
}

/** The distinct implementations stored for a tool name across every pool (one means it can be run). */
export function implementationsOf(db: Db, name: string): string[] {
  return db
    .prepare('SELECT DISTINCT implementation FROM tools WHERE name = ? AND implementation IS NOT NULL')
    .pluck()
    .all(name) as string[];
}

/** A pool's tools as the round reads them (pool-data.ts), in the order they were added. */
export function poolToolRows(
  db: Db,
  pool: string,
): { name: string; domain: string | null; original_json: string; implementation: string | null }[] {
  return db.prepare('SELECT name, domain, original_json, implementation FROM tools WHERE pool = ? ORDER BY id').all(pool) as {
    name: string;
    domain: string | null;
    original_json: string;
    implementation: string | null;
  }[];
}
