import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import type { OpenEngine } from './engine-opener';
import { parseJsonOrLines } from '../../shared/json';
import { formatTable } from './table';

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    // Not a FIFO or device (reading one waits forever); a UTF-8 byte-order mark is accepted as `import` does.
    if (!fs.statSync(file).isFile()) throw new Error(`${file}: not a regular file (a pipe, socket or device).`);
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (!(error as NodeJS.ErrnoException).code) throw error;
    throw new Error(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  // A JSON Lines file of tools is accepted too: one tool per line.
  return parseJsonOrLines(text, file);
}

export function registerToolsCommands(program: Command, open: OpenEngine): void {
  const tools = program.command('tools').description('Tool definitions: import, list');

  tools
    .command('import <file>')
    .description('Import tool definitions (JSON list, {tools: [...]} or JSON Lines; OpenAI, BFCL or ToolACE shapes)')
    .option('--pool <pool>', 'pool to import into', 'default')
    .option('--no-replace', 'fail when a tool of the same name exists (default: replace it)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { pool: string; replace: boolean; json?: boolean }, command: Command) => {
      const raw = readJsonFile(file);
      const { engine, client } = open(command);
      try {
        const result = await client.call('tools.import', {
          tools: raw as never,
          pool: opts.pool,
          replace: opts.replace,
          source: path.basename(file),
        });
        if (opts.json) console.log(JSON.stringify(result));
        else console.log(`Imported ${result.imported} tool(s) into pool "${result.pool}": ${result.names.join(', ')}`);
      } finally {
        await engine.close();
      }
    });

  tools
    .command('list')
    .description('List stored tools')
    .option('--pool <pool>', 'only this pool')
    .option('--search <text>', 'name or description contains')
    .option('--json', 'print JSON')
    .action(async (opts: { pool?: string; search?: string; json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const result = await client.call('tools.list', { pool: opts.pool, search: opts.search, limit: 1000 });
        if (opts.json) {
          console.log(JSON.stringify(result));
          return;
        }
        console.log(
          formatTable(
            ['id', 'pool', 'name', 'parameters', 'description'],
            result.items.map((t) => [
              t.id,
              t.pool,
              t.name,
              t.params.map((p) => `${p.name}${p.required ? '*' : ''}:${p.type}`).join(' '),
              t.description.slice(0, 60),
            ]),
          ),
        );
        console.log(`${result.total} tool(s)`);
      } finally {
        await engine.close();
      }
    });
}
