import os from 'node:os';
import path from 'node:path';

export const DB_FILE_NAME = 'toolsmith.sqlite';
export const MODELS_DIR_NAME = 'models';
export const LOCK_FILE_NAME = 'toolsmith.lock';

/**
 * Where a workspace lives when none is named: `TOOLSMITH_WORKSPACE`, else `~/.toolsmith`.
 * (The Electron shell passes `app.getPath('userData')` instead.)
 */
export function defaultWorkspaceDir(): string {
  const fromEnv = process.env.TOOLSMITH_WORKSPACE;
  if (fromEnv && fromEnv.trim()) return path.resolve(fromEnv);
  return path.join(os.homedir(), '.toolsmith');
}
