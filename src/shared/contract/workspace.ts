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

const ThreadCount = z.number().int().min(1).max(256);

/** The workspace's thread setting: a fixed count per use, or null to choose from the cores free. */
export const ThreadsSetting = z.object({
  generation: ThreadCount.nullable().default(null),
  training: ThreadCount.nullable().default(null),
});
export type ThreadsSetting = z.infer<typeof ThreadsSetting>;

/** The threads a job or load gets when none is given, and why. */
export const ThreadsChoice = z.object({
  generation: z.number().int(),
  training: z.number().int(),
  setting: z.object({ generation: z.number().int().nullable(), training: z.number().int().nullable() }),
  cpu: z.object({ logical: z.number().int(), physical: z.number().int(), load1: z.number(), free: z.number() }),
  reason: z.string(),
});
export type ThreadsChoice = z.infer<typeof ThreadsChoice>;

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
  'workspace.threads': method(
    z.object({}).default({}),
    ThreadsChoice,
    'The generation and training threads used when none is given: the Settings value, else chosen from the cores free now.',
  ),
  'workspace.setThreads': method(
    ThreadsSetting,
    ThreadsChoice,
    'Fix the generation and/or training threads for this workspace (null: choose from the cores free when a job starts).',
  ),
} as const;

export const workspaceEvents = {
  'workspace.changed': z.object({ what: z.string() }),
} as const;
