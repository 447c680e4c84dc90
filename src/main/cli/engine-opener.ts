import type { Command } from 'commander';
import { createClient, type ToolsmithClient } from '../../shared/client';
import { openEngine, type Engine } from '../engine/api';
import { defaultWorkspaceDir } from '../engine/workspace/paths';

export interface OpenedEngine {
  engine: Engine;
  client: ToolsmithClient;
}

/**
 * How every CLI command reaches the engine: the workspace from `--workspace` (or the default), and the
 * same typed client the UI uses. `lock` makes this process the workspace's only long-lived host.
 */
export type OpenEngine = (command: Command, options?: { lock?: string }) => OpenedEngine;

export const openEngineFor: OpenEngine = (command, options = {}) => {
  const globals = command.optsWithGlobals() as { workspace?: string };
  const engine = openEngine(globals.workspace ?? defaultWorkspaceDir(), { lock: options.lock, onMigrate: announceMigration });
  return { engine, client: createClient(engine) };
};

/** On stderr, so that --json output stays clean. */
export function announceMigration(from: number, to: number, names: string[]): void {
  process.stderr.write(
    `Updating the workspace database from schema ${from} to ${to} (${names.join(', ')}); this can take a minute with a million samples…\n`,
  );
}
