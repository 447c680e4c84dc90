/**
 * The seed data: tool-use samples over the built-in pool, generated deterministically from the request
 * templates in `resources/seed/intents.ts` (so they never drift from the tool definitions). Every sample's
 * calls pass the schema check against its tools (see test/pool).
 */
import { OUT_OF_SCOPE, POOL_INTENTS } from '../../../../resources/seed/intents';
import type { Call, ToolDef } from '../tools/types';
import { loadBuiltinPool, type BuiltinTool } from './builtin-pool';
import { composeSamples, type SeedCategory } from './compose';

export { SEED_CATEGORIES, REFUSAL, type SeedCategory } from './compose';

export interface SeedSample {
  id: string;
  category: SeedCategory;
  query: string;
  /** Names of the built-in tools offered with the query. */
  tools: string[];
  /** The calls that serve the query; empty for irrelevance (the target is then a refusal in words). */
  calls: Call[];
  /** Canonical call text, or the refusal sentence for irrelevance. */
  target: string;
  /** Irrelevance only: the pool tool whose request template wrote the query (absent for out-of-scope requests). */
  source?: string;
}

/** Related domains: a request from one is never used as an "irrelevant" request for tools of another. */
export const POOL_DOMAIN_GROUPS = [
  ['maps', 'travel', 'weather'],
  ['finance', 'shopping', 'math', 'units'],
  ['calendar', 'datetime', 'messaging', 'devices'],
  ['text', 'files'],
];

export const SEED_RANDOM_SEED = 20260701;
export const SEED_COUNTS: Record<SeedCategory, number> = {
  simple: 130,
  multiple: 100,
  parallel: 60,
  parallel_multiple: 60,
  irrelevance: 60,
};

let cache: SeedSample[] | undefined;

export function loadSeedSamples(pool: BuiltinTool[] = loadBuiltinPool()): SeedSample[] {
  if (cache && pool === loadBuiltinPool()) return cache;
  const composed = composeSamples({
    seed: SEED_RANDOM_SEED,
    counts: SEED_COUNTS,
    tools: pool.map((t) => ({ name: t.name, domain: t.domain, def: t.def })),
    intents: POOL_INTENTS,
    domainGroups: POOL_DOMAIN_GROUPS,
    outOfScope: OUT_OF_SCOPE,
  });
  const perCategory = new Map<string, number>();
  const samples = composed.map((s) => {
    const n = perCategory.get(s.category) ?? 0;
    perCategory.set(s.category, n + 1);
    return { id: `seed-${s.category}-${n}`, ...s };
  });
  if (pool === loadBuiltinPool()) cache = samples;
  return samples;
}

/** The tool definitions a seed sample offers, in order (normalised). */
export function seedSampleTools(sample: SeedSample, pool: BuiltinTool[] = loadBuiltinPool()): ToolDef[] {
  const byName = new Map(pool.map((t) => [t.name, t]));
  return sample.tools.map((name) => {
    const tool = byName.get(name);
    if (!tool) throw new Error(`seed sample ${sample.id}: unknown tool "${name}"`);
    return tool.def;
  });
}
