import type { toolsMethods } from '../../../shared/contract/tools';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import { validateTools } from './normalize';
import { deleteTool, getTool, listPools, listTools, saveTools, ToolConflictError, type StoredTool } from './tools-repo';
import type { JsonSchema } from './types';

function typeLabel(schema: JsonSchema): string {
  const source = schema['x-source-type'];
  if (typeof source === 'string') return source;
  if (schema.type === undefined) return 'any';
  return Array.isArray(schema.type) ? schema.type.join('|') : schema.type;
}

function summary(tool: StoredTool) {
  const { properties, required } = tool.def.parameters;
  const params = Object.entries(properties).map(([name, schema]) => ({ name, type: typeLabel(schema), required: required.includes(name) }));
  params.sort((a, b) => Number(b.required) - Number(a.required));
  return {
    id: tool.id,
    pool: tool.pool,
    name: tool.name,
    description: tool.description,
    domain: tool.domain,
    params,
    source: tool.source,
    createdAt: tool.createdAt,
  };
}

export const toolsHandlers: Handlers<typeof toolsMethods> = {
  'tools.import': ({ tools, pool, source, replace }, ctx) => {
    const { tools: defs, problems } = validateTools(tools);
    if (problems.length > 0) {
      const shown = problems
        .slice(0, 5)
        .map((p) => p.message)
        .join('; ');
      throw new ApiError(
        'bad_file',
        `${problems.length} tool definition(s) are not valid, nothing was imported: ${shown}${problems.length > 5 ? '; …' : ''}`,
        { problems },
      );
    }
    if (defs.length === 0) throw new ApiError('bad_file', 'The file holds no tool definitions.');
    let ids: number[];
    try {
      ids = saveTools(ctx.db, defs, { pool, source: source ?? null, replace });
    } catch (error) {
      if (error instanceof ToolConflictError) throw new ApiError('conflict', error.message);
      throw error;
    }
    ctx.events.emit('tools.changed', { pool });
    return { pool, imported: ids.length, ids, names: defs.map((d) => d.name) };
  },
  'tools.validate': ({ tools }) => {
    const { tools: defs, problems } = validateTools(tools);
    const failed = new Set(problems.map((p) => p.index));
    let index = 0;
    const ok = defs.map((d) => {
      while (failed.has(index)) index++;
      return { index: index++, name: d.name, description: d.description, paramCount: Object.keys(d.parameters.properties).length };
    });
    return { ok: problems.length === 0, problems, tools: ok };
  },
  'tools.list': (input, ctx) => {
    const { items, total } = listTools(ctx.db, input);
    return { items: items.map(summary), total, pools: listPools(ctx.db) };
  },
  'tools.get': ({ id }, ctx) => {
    const tool = getTool(ctx.db, id);
    if (!tool) throw new ApiError('not_found', `Tool ${id} was not found.`, { id });
    return {
      ...summary(tool),
      parameters: tool.def.parameters as never,
      original: tool.def.original as never,
      implementation: tool.implementation,
    };
  },
  'tools.export': ({ pool, ids, original }, ctx) => {
    let items: StoredTool[];
    if (ids && ids.length > 0) {
      items = ids.map((id) => {
        const t = getTool(ctx.db, id);
        if (!t) throw new ApiError('not_found', `Tool ${id} was not found.`, { id });
        return t;
      });
    } else items = listTools(ctx.db, { pool, limit: 1_000_000 }).items;
    return {
      tools: items.map((t) =>
        original
          ? (t.def.original as never)
          : ({ type: 'function', function: { name: t.def.name, description: t.def.description, parameters: t.def.parameters } } as never),
      ),
    };
  },
  'tools.delete': ({ id }, ctx) => {
    const tool = getTool(ctx.db, id);
    const deleted = deleteTool(ctx.db, id);
    if (tool) ctx.events.emit('tools.changed', { pool: tool.pool });
    return { deleted };
  },
};
