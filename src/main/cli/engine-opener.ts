import type { Command } from 'commander';
import { createClient, type ToolsmithClient } from '../../shared/client';
import { openEngine, type Engine } from '../engine/api';
import { defaultWorkspaceDir } from '../engine/workspace/paths';
import { WorkspaceError } from '../engine/db/errors';
import { appVersion } from '../engine/lib/version';

/** What the entry point (`cli.ts`) needs of the engine before and after any command: the version, and its known errors. */
export { appVersion };
export function isWorkspaceError(error: unknown): error is Error {
  return error instanceof WorkspaceError;
}

export interface OpenedEngine {
  engine: Engine;
  client: ToolsmithClient;
}

export interface OpenOptions {
  /** Makes this process the workspace's only long-lived host, named so (`toolsmith serve`). */
  lock?: string;
  /** Host jobs: resume interrupted ones and run every queued one (`toolsmith serve`). Default: only the jobs this command runs. */
  hostJobs?: boolean;
  /** This folder instead of `--workspace` (the demo's temporary workspace). */
  dir?: string;
}

/**
 * How every CLI command reaches the engine: the workspace from `--workspace` (or the default), and the
 * same typed client the UI uses. This module is the CLI's composition root: no other CLI module imports
 * the engine (`test/foundation/cli-contract.test.ts`).
 */
export type OpenEngine = (command: Command, options?: OpenOptions) => OpenedEngine;

export const openEngineFor: OpenEngine = (command, options = {}) => {
  const globals = command.optsWithGlobals() as { workspace?: string };
  const engine = openEngine(options.dir ?? globals.workspace ?? defaultWorkspaceDir(), {
    lock: options.lock,
    onMigrate: announceMigration,
    jobs: options.hostJobs ? 'host' : 'own',
    soleInProcess: true,
  });
  return { engine, client: createClient(engine) };
};

/** On stderr, so that --json output stays clean. */
export function announceMigration(from: number, to: number, names: string[]): void {
  process.stderr.write(
    `Updating the workspace database from schema ${from} to ${to} (${names.join(', ')}); this can take a minute with a million samples…\n`,
  );
}
