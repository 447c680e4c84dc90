import { z } from 'zod';
import { method } from './define';

export const WorkspaceStatus = z.object({
  path: z.string(),
  dbFile: z.string(),
  modelsDir: z.string(),
  schemaVersion: z.number().int(),
  appSchemaVersion: z.number().int(),
  appVersion: z.string(),
  counts: z.object({
    tools: z.number().int(),
    queries: z.number().int(),
    samples: z.number().int(),
    models: z.number().int(),
    rounds: z.number().int(),
    jobs: z.number().int(),
    evalSets: z.number().int(),
    traces: z.number().int(),
  }),
});
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>;

const SettingValue = z.json();

export const workspaceMethods = {
  'workspace.status': method(z.object({}).default({}), WorkspaceStatus, 'Where the workspace is and what it holds.'),
  'settings.get': method(
    z.object({ key: z.string().min(1) }),
    z.object({ key: z.string(), value: SettingValue.nullable() }),
    'Read one stored setting (null when unset).',
  ),
  'settings.set': method(
    z.object({ key: z.string().min(1), value: SettingValue }),
    z.object({ key: z.string(), value: SettingValue }),
    'Store one setting.',
  ),
} as const;

export const workspaceEvents = {
  'workspace.changed': z.object({ what: z.string() }),
} as const;
