/**
 * Puts the built-in pool into a workspace's `tools` table (pool `builtin`, source `builtin`), idempotently:
 * new tools are added, changed ones updated, ones no longer shipped removed, the rest left alone (same row
 * ids), all in one transaction (`syncPool` in `tools/tools-repo.ts`, the table's one owner).
 */
import type { Db } from '../db/open';
import { syncPool } from '../tools/tools-repo';
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

function rowValues(tool: BuiltinTool) {
  return {
    description: tool.description,
    domain: tool.domain,
    schema_json: JSON.stringify({ name: tool.def.name, description: tool.def.description, parameters: tool.def.parameters }),
    original_json: JSON.stringify(tool.definition),
    implementation: tool.implementation ?? null,
  };
}

/** The rows the pool's tools are stored as (also what its version hash is taken over). */
export function poolRows(tools: BuiltinTool[] = loadBuiltinPool()) {
  return tools.map((tool) => ({ name: tool.name, ...rowValues(tool) }));
}

export function installBuiltinPool(db: Db, tools: BuiltinTool[] = loadBuiltinPool(), pool = BUILTIN_POOL): InstallResult {
  const counts = syncPool(db, pool, 'builtin', poolRows(tools));
  return { pool, ...counts, total: tools.length };
}
