import fs from 'node:fs';
import { endInterruptedImport, unfinishedImports } from './imports-repo';
import { outputDirs } from './output-dirs-repo';
import { liveLeaseRunnerPids } from './sweep-repo';
import path from 'node:path';
import type { Db } from '../db/open';

/**
 * The start-up sweep: what a killed process left behind, removed when a workspace opens.
 *
 * - `.train-NAME-PID-HEX/` work folders of the process trainers (models folder);
 * - `.NAME.PID.HEX.tmp` files of a model copy or a GGUF write (models folder);
 * - `NAME.PID.tmp` files of an export, in every folder an export was written to (`output_dirs`);
 * - imports left in `reading`/`storing` whose owner's lease ran out or whose owner process is gone: the row is
 *   marked failed with a reason, its staging file and its not-yet-visible samples are deleted; and staging files
 *   that no unfinished import owns.
 *
 * Only what has no live owner goes: a file named with a PID is kept while that process exists (the process
 * itself included); an import is kept while its lease holds and its owner exists. A leftover of an older
 * Toolsmith, named without a PID, is removed only when it has not changed for `legacyAgeMs` and no job of the
 * workspace holds a live lease. A PID reused by an unrelated process keeps its leftover until that process
 * ends; the next start removes it.
 */
export interface SweepRemoved {
  kind: 'train-folder' | 'model-temp' | 'export-temp' | 'import-staging' | 'import';
  path: string;
  /** For an interrupted import: its id and how many pending samples were deleted. */
  importId?: number;
  samples?: number;
}

export interface SweepOptions {
  modelsDir: string;
  now?: number;
  /** Age after which a leftover without a PID in its name counts as abandoned (default 24 h). */
  legacyAgeMs?: number;
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const TRAIN_FOLDER = /^\.train-.+-(\d+)-[0-9a-f]{8}$/;
const TRAIN_FOLDER_LEGACY = /^\.train-.+-[0-9a-f]{8}$/;
const MODEL_TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const MODEL_TEMP_LEGACY = /^\..+\.[0-9a-f]{8}\.tmp$/;
const EXPORT_TEMP = /^.+\.(\d+)\.tmp$/;
const STAGING = /^import-(\d+)\.staging\.jsonl$/;

/** The latest change time of a file, or of a folder and its direct entries. */
function lastChange(file: string): number {
  const stat = fs.statSync(file);
  let t = stat.mtimeMs;
  if (stat.isDirectory())
    for (const name of fs.readdirSync(file)) {
      try {
        t = Math.max(t, fs.statSync(path.join(file, name)).mtimeMs);
      } catch {
        // gone meanwhile
      }
    }
  return t;
}

function anyLiveLease(db: Db, now: number): boolean {
  return liveLeaseRunnerPids(db, now).some((pid) => pid !== null && pidAlive(pid));
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function stagingDirOf(db: Db): string | null {
  return db.name && db.name !== ':memory:' ? path.join(path.dirname(db.name), 'imports') : null;
}

export function sweepWorkspace(db: Db, options: SweepOptions): SweepRemoved[] {
  const now = options.now ?? Date.now();
  const legacyAge = options.legacyAgeMs ?? 24 * 3600_000;
  const removed: SweepRemoved[] = [];
  let leaseLive: boolean | undefined;
  const legacyAbandoned = (file: string) => {
    try {
      if (now - lastChange(file) < legacyAge) return false;
    } catch {
      return false;
    }
    leaseLive ??= anyLiveLease(db, now);
    return !leaseLive;
  };
  const remove = (kind: SweepRemoved['kind'], file: string) => {
    try {
      fs.rmSync(file, { recursive: true, force: true });
      removed.push({ kind, path: file });
    } catch {
      // not ours to remove after all (permissions): left for the user
    }
  };

  // Train work folders and model temp files in the models folder (and its direct subfolders).
  const modelDirs = [options.modelsDir];
  for (const name of listDir(options.modelsDir)) {
    const full = path.join(options.modelsDir, name);
    if (!name.startsWith('.') && fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) modelDirs.push(full);
  }
  for (const dir of modelDirs)
    for (const name of listDir(dir)) {
      const full = path.join(dir, name);
      const train = TRAIN_FOLDER.exec(name);
      const temp = MODEL_TEMP.exec(name);
      if (train) {
        if (!pidAlive(Number(train[1]))) remove('train-folder', full);
      } else if (TRAIN_FOLDER_LEGACY.test(name)) {
        if (legacyAbandoned(full)) remove('train-folder', full);
      } else if (temp) {
        if (!pidAlive(Number(temp[1]))) remove('model-temp', full);
      } else if (MODEL_TEMP_LEGACY.test(name)) {
        if (legacyAbandoned(full)) remove('model-temp', full);
      }
    }

  // Export temp files, in the folders exports wrote to (and their direct subfolders: one per split).
  for (const dir of outputDirs(db)) {
    const dirs = [dir, ...listDir(dir).map((n) => path.join(dir, n))];
    for (const d of dirs)
      for (const name of listDir(d)) {
        const m = EXPORT_TEMP.exec(name);
        if (m && !MODEL_TEMP.test(name) && !pidAlive(Number(m[1]))) {
          const full = path.join(d, name);
          if (fs.statSync(full, { throwIfNoEntry: false })?.isFile()) remove('export-temp', full);
        }
      }
  }

  // Imports whose owner is gone, then staging files no unfinished import owns.
  const open = unfinishedImports(db);
  const live = new Set<number>();
  for (const imp of open) {
    const leaseHolds = imp.lease_expires_at !== null && imp.lease_expires_at > now;
    if (leaseHolds && imp.owner_pid !== null && pidAlive(imp.owner_pid)) {
      live.add(imp.id);
      continue;
    }
    const reason =
      imp.owner_pid === null
        ? 'interrupted: the import was left unfinished by an earlier Toolsmith (found at start-up)'
        : `interrupted: its process (PID ${imp.owner_pid}) ended before the import finished (found at start-up)`;
    const samples = endInterruptedImport(db, imp.id, reason, imp.lease_expires_at);
    if (samples === null) {
      live.add(imp.id);
      continue;
    }
    removed.push({ kind: 'import', path: `import ${imp.id}`, importId: imp.id, samples });
  }
  const stagingDir = stagingDirOf(db);
  if (stagingDir)
    for (const name of listDir(stagingDir)) {
      const m = STAGING.exec(name);
      if (m && !live.has(Number(m[1]))) remove('import-staging', path.join(stagingDir, name));
    }
  return removed;
}

/** One line per removed leftover, for the log. */
export function describeSweep(removed: readonly SweepRemoved[]): string[] {
  return removed.map((r) =>
    r.kind === 'import'
      ? `Start-up sweep: import ${r.importId} was interrupted; marked failed, ${r.samples ?? 0} unpublished sample(s) deleted.`
      : `Start-up sweep: removed ${r.kind} ${r.path} (its process is gone).`,
  );
}
