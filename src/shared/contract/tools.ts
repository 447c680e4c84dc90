import { z } from 'zod';
import { method } from './define';

const Id = z.number().int().positive();

export const ToolSummary = z.object({
  id: Id,
  pool: z.string(),
  name: z.string(),
  description: z.string(),
  domain: z.string().nullable(),
  /** Parameter names, required ones first. */
  params: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean() })),
  source: z.string().nullable(),
  createdAt: z.string(),
});
export type ToolSummary = z.infer<typeof ToolSummary>;

export const ToolDetail = ToolSummary.extend({
  /** The normalised JSON-Schema object of the parameters. */
  parameters: z.json(),
  /** The definition exactly as it was imported. */
  original: z.json(),
  implementation: z.string().nullable(),
});
export type ToolDetail = z.infer<typeof ToolDetail>;

export const ToolProblem = z.object({
  /** Index of the tool in the given list (-1: the list itself). */
  index: z.number().int(),
  /** Where, e.g. `tools[3].parameters.properties.city.type`. */
  path: z.string(),
  message: z.string(),
});
export type ToolProblem = z.infer<typeof ToolProblem>;

const Pool = z.string().min(1).max(100);

export const toolsMethods = {
  'tools.import': method(
    z.object({
      /** A JSON list of tools, `{tools: [...]}` or one tool: OpenAI, bare function, BFCL or ToolACE shape. */
      tools: z.json(),
      pool: Pool.default('default'),
      /** Where they came from (a file name), kept with each tool. */
      source: z.string().max(500).optional(),
      /** Replace tools of the same name in the pool (default); false: a clash is an error. */
      replace: z.boolean().default(true),
    }),
    z.object({ pool: z.string(), imported: z.number().int(), ids: z.array(Id), names: z.array(z.string()) }),
    'Import tool definitions into a pool (all or none; errors name the field path).',
  ),
  'tools.validate': method(
    z.object({ tools: z.json() }),
    z.object({
      ok: z.boolean(),
      problems: z.array(ToolProblem),
      tools: z.array(z.object({ index: z.number().int(), name: z.string(), description: z.string(), paramCount: z.number().int() })),
    }),
    'Check tool definitions without storing them: every problem with its path.',
  ),
  'tools.list': method(
    z
      .object({
        pool: Pool.optional(),
        search: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
        offset: z.number().int().min(0).default(0),
      })
      .default({ limit: 200, offset: 0 }),
    z.object({
      items: z.array(ToolSummary),
      total: z.number().int(),
      pools: z.array(z.object({ pool: z.string(), count: z.number().int() })),
    }),
    'List (and search by name or description) the stored tools.',
  ),
  'tools.get': method(z.object({ id: Id }), ToolDetail, 'One tool: normalised schema and original definition.'),
  'tools.export': method(
    z.object({ pool: Pool.optional(), ids: z.array(Id).optional(), original: z.boolean().default(false) }),
    z.object({ tools: z.array(z.json()) }),
    'Tools as a JSON list (OpenAI function shape, or as originally imported).',
  ),
  'tools.delete': method(z.object({ id: Id }), z.object({ deleted: z.boolean() }), 'Delete one tool.'),
} as const;

export const toolsEvents = {
  'tools.changed': z.object({ pool: z.string() }),
} as const;
