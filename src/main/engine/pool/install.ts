/**
 * Puts the built-in pool into a workspace's `tools` table (pool `builtin`, source `builtin`), idempotently:
 * new tools are added, changed ones updated, ones no longer shipped removed, the rest left alone (same row
 * ids), all in one transaction. `schema_json` / `original_json` follow `tools/tools-repo.ts`.
 */
import type { Db } from '../db/open';
import { loadBuiltinPool, type BuiltinTool } from './builtin-pool';

export const BUILTIN_POOL = 'builtin';

export interface InstallResult {
  pool: string;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  total: number;
}

interface Row {
  id: number;
  name: string;
  description: string;
  domain: string | null;
  schema_json: string;
  original_json: string;
  implementation: string | null;
}

function rowValues(tool: BuiltinTool) {
  return {
    description: tool.description,
    domain: tool.domain,
    schema_json: JSON.stringify({ name: tool.def.name, description: tool.def.description, parameters: tool.def.parameters }),
    original_json: JSON.stringify(tool.definition),
    implementation: tool.implementation ?? null,
  };
}

export function installBuiltinPool(db: Db, tools: BuiltinTool[] = loadBuiltinPool(), pool = BUILTIN_POOL): InstallResult {
  const existing = db.prepare('SELECT id, name, description, domain, schema_json, original_json, implementation FROM tools WHERE pool = ?');
  const insert = db.prepare(
    `INSERT INTO tools (pool, name, description, domain, schema_json, original_json, implementation, source)
     VALUES (@pool, @name, @description, @domain, @schema_json, @original_json, @implementation, 'builtin')`,
  );
  const update = db.prepare(
    `UPDATE tools SET description = @description, domain = @domain, schema_json = @schema_json, original_json = @original_json,
       implementation = @implementation, source = 'builtin' WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM tools WHERE id = ?');
  return db.transaction((): InstallResult => {
    const rows = new Map((existing.all(pool) as Row[]).map((r) => [r.name, r]));
    const result: InstallResult = { pool, added: 0, updated: 0, unchanged: 0, removed: 0, total: tools.length };
    for (const tool of tools) {
      const values = rowValues(tool);
      const row = rows.get(tool.name);
      rows.delete(tool.name);
      if (!row) {
        insert.run({ pool, name: tool.name, ...values });
        result.added++;
      } else if (
        row.description !== values.description ||
        row.domain !== values.domain ||
        row.schema_json !== values.schema_json ||
        row.original_json !== values.original_json ||
        row.implementation !== values.implementation
      ) {
        update.run({ id: row.id, ...values });
        result.updated++;
      } else {
        result.unchanged++;
      }
    }
    for (const stale of rows.values()) {
      remove.run(stale.id);
      result.removed++;
    }
    return result;
  })();
}
