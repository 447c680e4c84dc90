import fs from 'node:fs';
import path from 'node:path';
import { WorkspaceError } from '../db/errors';
import { LOCK_FILE_NAME } from './paths';

export interface WorkspaceLock {
  readonly file: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  purpose: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process the only long-lived host of a workspace (serve, the desktop app, a job runner).
 * A lock left by a process that died is taken over.
 */
const heldHere = new Set<string>();

export function acquireWorkspaceLock(dir: string, purpose: string): WorkspaceLock {
  const file = path.join(dir, LOCK_FILE_NAME);
  const info: LockInfo = { pid: process.pid, purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(info), { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let held: LockInfo | undefined;
      try {
        held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        held = undefined; // unreadable: treat as stale
      }
      if (held && (held.pid === process.pid ? heldHere.has(file) : isAlive(held.pid))) {
        throw new WorkspaceError(
          `The workspace ${dir} is already in use by process ${held.pid} (${held.purpose}, since ${held.since}). Stop it first, or choose another folder with --workspace.`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new WorkspaceError(`Could not lock the workspace ${dir}: ${file} keeps reappearing.`);
}
