import type { workspaceMethods } from '../../../shared/contract/workspace';
import type { Handlers } from './handlers';
import { schemaVersionOf } from '../db/open';
import { LATEST_SCHEMA_VERSION } from '../db/migrations';
import { appVersion } from '../lib/version';
import { tableCounts } from '../workspace/counts-repo';
import { getSetting, setSetting } from '../workspace/settings-repo';
import { defaultThreads, THREADS_KEY, writeThreadsSetting } from '../workspace/threads-setting';
import { ThreadsSetting } from '../../../shared/contract/workspace';
import { ApiError, describeZodError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';

export const workspaceHandlers: Handlers<typeof workspaceMethods> = {
  'workspace.status': (_input, ctx) => ({
    path: ctx.workspace.dir,
    dbFile: ctx.workspace.dbFile,
    modelsDir: ctx.workspace.modelsDir,
    schemaVersion: schemaVersionOf(ctx.db),
    appSchemaVersion: LATEST_SCHEMA_VERSION,
    appVersion: appVersion(),
    counts: tableCounts(ctx.db),
  }),
  'settings.get': ({ key }, ctx) => ({ key, value: getSetting(ctx.db, key) as never }),
  'settings.set': ({ key, value }, ctx) => {
    if (key === THREADS_KEY) {
      // The one setting jobs read: checked here too, so a bad value never reaches a backend.
      const checked = ThreadsSetting.safeParse(value);
      if (!checked.success) throw new ApiError('invalid_input', `settings.${key}: ${describeZodError(checked.error, 'value')}`);
    }
    setSetting(ctx.db, key, value);
    ctx.events.emit('workspace.changed', { what: `settings.${key}` });
    return { key, value };
  },
  'workspace.threads': (_input, ctx) => threadsChoice(ctx.db),
  'workspace.setThreads': (setting, ctx) => {
    writeThreadsSetting(ctx.db, setting);
    ctx.events.emit('workspace.changed', { what: `settings.${THREADS_KEY}` });
    return threadsChoice(ctx.db);
  },
};

function threadsChoice(db: Db) {
  const d = defaultThreads(db);
  return { generation: d.generation, training: d.training, setting: d.setting, cpu: d.cpu, reason: d.reason };
}
