import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server';
import { createClient } from '../../shared/client';
import type { OpenEngine } from './engine-opener';
import { formatTable } from './table';

/** Where the built renderer is, from the source tree or from the bundle. */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../../out/renderer'),
    path.resolve(here, '../renderer'),
    path.resolve(process.cwd(), 'out/renderer'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

export function registerWorkspaceCommands(program: Command, open: OpenEngine): void {
  program
    .command('status')
    .description('Summarise the workspace: where it is and what it holds')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const status = await client.call('workspace.status');
        if (opts.json) {
          console.log(JSON.stringify(status, null, 2));
          return;
        }
        console.log(
          formatTable(
            ['', ''],
            [
              ['workspace', status.path],
              ['database', status.dbFile],
              ['schema', `${status.schemaVersion} (app ${status.appSchemaVersion})`],
              ...Object.entries(status.counts).map(([k, v]) => [k, v]),
            ],
          )
            .split('\n')
            .slice(2)
            .join('\n'),
        );
      } finally {
        await engine.close();
      }
    });

  program
    .command('serve')
    .description('Browser mode: serve the app and its API on 127.0.0.1 with a session token')
    .option('--port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'session token (default: random)')
    .action(async (opts: { port: string; host: string; token?: string }, command: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be a whole number from 0 to 65535, not "${opts.port}".`);
      // The host runs jobs: interrupted ones resume, queued ones start.
      const { engine } = open(command, { lock: 'toolsmith serve', hostJobs: true });
      let server;
      try {
        server = await startServer({ engine, host: opts.host, port, token: opts.token, staticDir: rendererDir() });
      } catch (error) {
        await engine.close();
        throw error;
      }
      console.log(`Toolsmith is serving ${(await createClient(engine).call('workspace.status')).path}`);
      console.log(`Open ${server.url}`);
      const stop = async () => {
        await server.close();
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
