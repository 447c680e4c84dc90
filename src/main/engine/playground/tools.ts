import { notFound } from '../core/engine-error';
import type { Db } from '../db/open';
import { getTool } from '../tools/tools-repo';
import type { ToolDef } from '../tools/types';

/** The chosen pool tools, in the order chosen; an unknown id is an error naming it. */
export function playgroundTools(db: Db, ids: readonly number[]): ToolDef[] {
  return ids.map((id) => {
    const tool = getTool(db, id);
    if (!tool) throw notFound(`Tool ${id} (toolIds)`);
    return tool.def;
  });
}
