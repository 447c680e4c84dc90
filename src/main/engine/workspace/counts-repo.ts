import type { Db } from '../db/open';

/**
 * Row counts of the workspace's main tables (`workspace.status`). A plain count per table, read here
 * because the status handler sits in `core/`, below the domains that own these tables.
 */
const COUNTED = {
  tools: 'tools',
  queries: 'queries',
  samples: 'samples',
  models: 'models',
  rounds: 'rounds',
  jobs: 'jobs',
  evalSets: 'eval_sets',
  traces: 'refinement_traces',
} as const;

export function tableCounts(db: Db): Record<keyof typeof COUNTED, number> {
  const out = {} as Record<keyof typeof COUNTED, number>;
  for (const [key, table] of Object.entries(COUNTED) as [keyof typeof COUNTED, string][])
    out[key] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return out;
}
