import type { workspaceMethods } from '../../../shared/contract/workspace';
import type { Handlers } from './handlers';
import { schemaVersionOf } from '../db/open';
import { LATEST_SCHEMA_VERSION } from '../db/migrations';
import { appVersion } from '../lib/version';
import { getSetting, setSetting } from '../workspace/settings-repo';

function count(ctx: { db: import('../db/open').Db }, table: string): number {
  return (ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export const workspaceHandlers: Handlers<typeof workspaceMethods> = {
  'workspace.status': (_input, ctx) => ({
    path: ctx.workspace.dir,
    dbFile: ctx.workspace.dbFile,
    modelsDir: ctx.workspace.modelsDir,
    schemaVersion: schemaVersionOf(ctx.db),
    appSchemaVersion: LATEST_SCHEMA_VERSION,
    appVersion: appVersion(),
    counts: {
      tools: count(ctx, 'tools'),
      queries: count(ctx, 'queries'),
      samples: count(ctx, 'samples'),
      models: count(ctx, 'models'),
      rounds: count(ctx, 'rounds'),
      jobs: count(ctx, 'jobs'),
      evalSets: count(ctx, 'eval_sets'),
      traces: count(ctx, 'refinement_traces'),
    },
  }),
  'settings.get': ({ key }, ctx) => ({ key, value: getSetting(ctx.db, key) as never }),
  'settings.set': ({ key, value }, ctx) => {
    setSetting(ctx.db, key, value);
    ctx.events.emit('workspace.changed', { what: `settings.${key}` });
    return { key, value };
  },
};
