import { z } from 'zod';
import { method } from './define';

/** The bundled data of a workspace (the built-in tool pool, the held-out sets) against what this app ships. */
export const BuiltinDataStatus = z.object({
  upToDate: z.boolean(),
  shipped: z.object({ pool: z.string(), evalSets: z.string(), tools: z.number().int() }),
  installed: z.object({ pool: z.string().nullable(), evalSets: z.string().nullable(), at: z.string().nullable() }),
  /** Tools in the workspace's `builtin` pool now. */
  tools: z.number().int(),
  evalSets: z.array(z.object({ name: z.string(), present: z.boolean(), items: z.number().int() })),
});
export type BuiltinDataStatus = z.infer<typeof BuiltinDataStatus>;

export const BuiltinDataInstall = z.object({
  pool: z.object({
    pool: z.string(),
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int(),
    total: z.number().int(),
  }),
  /** Sets added, and sets kept as they were (a set's runs refer to its items). */
  evalSets: z.object({ added: z.array(z.string()), kept: z.array(z.string()) }),
  versions: z.object({ pool: z.string(), evalSets: z.string() }),
});
export type BuiltinDataInstall = z.infer<typeof BuiltinDataInstall>;

export const poolMethods = {
  'pool.status': method(
    z.object({}).default({}),
    BuiltinDataStatus,
    "The built-in tool pool and held-out sets in this workspace, and whether they are this app's version.",
  ),
  'pool.install': method(
    z.object({}).default({}),
    BuiltinDataInstall,
    'Install or update the built-in tool pool (pool "builtin"; other pools are not touched) and add missing held-out sets.',
  ),
} as const;
