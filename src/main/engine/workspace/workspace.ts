import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db, type OpenDatabaseOptions } from '../db/open';
import { WorkspaceError } from '../db/errors';
import { acquireWorkspaceLock, type WorkspaceLock } from './lock';
import { DB_FILE_NAME, MODELS_DIR_NAME } from './paths';
import { describeSweep, sweepWorkspace, type SweepRemoved } from './sweep';

export interface Workspace {
  readonly dir: string;
  readonly dbFile: string;
  readonly modelsDir: string;
  readonly db: Db;
  /** What the start-up sweep removed when this workspace opened (workspace/sweep.ts). */
  readonly swept: readonly SweepRemoved[];
  close(): void;
}

export interface OpenWorkspaceOptions {
  /** Hold the workspace lock for as long as it is open (long-lived hosts). */
  lock?: string;
  nativeBinding?: string;
  onMigrate?: OpenDatabaseOptions['onMigrate'];
  /** Where the start-up sweep's lines go (default: stderr); called only when it removed something or failed. */
  onSweep?: (lines: string[]) => void;
}

/** Opens a workspace folder, creating it (and its database and models folder) when new. */
export function openWorkspace(dir: string, options: OpenWorkspaceOptions = {}): Workspace {
  const root = path.resolve(dir);
  ensureWritableDir(root);
  const modelsDir = path.join(root, MODELS_DIR_NAME);
  ensureWritableDir(modelsDir);
  let lock: WorkspaceLock | undefined;
  if (options.lock) lock = acquireWorkspaceLock(root, options.lock);
  const dbFile = path.join(root, DB_FILE_NAME);
  let db: Db;
  try {
    db = openDatabase(dbFile, { nativeBinding: options.nativeBinding, onMigrate: options.onMigrate });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const log = options.onSweep ?? ((lines: string[]) => lines.forEach((l) => console.error(l)));
  let swept: SweepRemoved[] = [];
  try {
    swept = sweepWorkspace(db, { modelsDir });
    if (swept.length) log(describeSweep(swept));
  } catch (error) {
    // A sweep that fails (a busy database, a folder it cannot read) leaves the leftovers for the next start.
    log([`Start-up sweep failed: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let closed = false;
  return {
    dir: root,
    dbFile,
    modelsDir,
    db,
    swept,
    close() {
      if (closed) return;
      closed = true;
      db.close();
      lock?.release();
    },
  };
}

function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkspaceError(
      `Cannot create the workspace folder ${dir} (${code ?? String(error)}). Choose a folder you can write to with --workspace.`,
    );
  }
  const stat = fs.statSync(dir);
  if (!stat.isDirectory()) throw new WorkspaceError(`${dir} is a file, not a folder. Choose a folder with --workspace.`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new WorkspaceError(`The workspace folder ${dir} is not writable. Choose a folder you can write to with --workspace.`);
  }
}
