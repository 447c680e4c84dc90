import type { Command } from 'commander';
import type { PromptView } from '../../shared/contract/templates';
import type { OpenEngine } from './engine-opener';
import { nameOrId } from './flags';
import { readJsonFile } from './tools';

/**
 * `toolsmith model prompt` prints the exact text a model receives for a sub-task, its special tokens marked,
 * so a person can check what any chat template does with tools; `toolsmith model format` shows or overrides
 * how a model writes calls.
 */

const FORMATS = ['python', 'hermes', 'llama3-json'] as const;

/** Special tokens between ⟦ ⟧ (inverse video on a terminal), everything else exactly as the model sees it. */
export function markSpecial(view: Pick<PromptView, 'segments'>, tty: boolean): string {
  return view.segments.map((s) => (!s.special ? s.text : tty ? `\x1b[7m${s.text}\x1b[27m` : `⟦${s.text}⟧`)).join('');
}

function toolsOf(file: string | undefined): unknown[] {
  if (!file) return [];
  const raw = readJsonFile(file);
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && Array.isArray((raw as { tools?: unknown }).tools)
      ? (raw as { tools: unknown[] }).tools
      : [raw];
  return list;
}

export function registerModelPromptCommands(model: Command, open: OpenEngine): void {
  model
    .command('prompt')
    .description(
      'Print the exact prompt a model sees for a request with tools (special tokens marked ⟦…⟧) and what its template does with tools',
    )
    .argument('<model>', 'name or id')
    .requiredOption('--message <text>', "the user's request")
    .option('--tools <file>', 'tools as JSON (a list, {tools: [...]} or JSON Lines; OpenAI, BFCL or ToolACE shapes)')
    .option('--kind <kind>', 'invocation | refinement | query (the sub-task prompt to show)', 'invocation')
    .option('--previous <answer>', 'for --kind refinement: the previous answer to review')
    .option('--raw', 'print the text alone, unmarked')
    .option('--json', 'print the whole view as JSON')
    .action(
      async (
        ref: string,
        opts: { message: string; tools?: string; kind: string; previous?: string; raw?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (!['invocation', 'refinement', 'query'].includes(opts.kind))
          throw new Error(`--kind must be invocation, refinement or query, not "${opts.kind}".`);
        const tools = toolsOf(opts.tools);
        const { engine, client } = open(command);
        try {
          const view = await client.call('models.prompt', {
            model: nameOrId(ref),
            tools,
            message: opts.message,
            kind: opts.kind as 'invocation',
            ...(opts.previous !== undefined ? { previous: opts.previous } : {}),
          });
          if (opts.json) {
            console.log(JSON.stringify(view, null, 2));
            return;
          }
          if (opts.raw) {
            process.stdout.write(view.text);
            return;
          }
          process.stderr.write(
            `${view.model}: template ${view.templateSource === 'model' ? 'own' : 'fallback'} (${view.templateHash}); tools ${view.toolMode === 'native' ? 'written by the template' : 'injected into the system turn'}; calls ${view.callFormat} (${view.callFormatSource})\n`,
          );
          if (view.warning) process.stderr.write(`warning: ${view.warning}\n`);
          process.stdout.write(markSpecial(view, Boolean(process.stdout.isTTY)) + '\n');
        } finally {
          await engine.close();
        }
      },
    );

  model
    .command('format')
    .description(`Show how a model writes tool calls, or override it (${FORMATS.join(' | ')}; --auto: back to its template's)`)
    .argument('<model>', 'name or id')
    .argument('[format]', FORMATS.join(' | '))
    .option('--auto', 'clear the override: use the format its template teaches')
    .action(async (ref: string, format: string | undefined, opts: { auto?: boolean }, command: Command) => {
      if (format !== undefined && !(FORMATS as readonly string[]).includes(format))
        throw new Error(`The call format must be one of ${FORMATS.join(', ')}, not "${format}".`);
      if (format !== undefined && opts.auto) throw new Error('Give a format or --auto, not both.');
      const { engine, client } = open(command);
      try {
        if (format !== undefined || opts.auto)
          await client.call('models.setCallFormat', { model: nameOrId(ref), callFormat: (format as (typeof FORMATS)[number]) ?? null });
        const view = await client.call('models.prompt', { model: nameOrId(ref), message: 'x' });
        console.log(`${view.model}: calls ${view.callFormat} (${view.callFormatSource}); tools ${view.toolMode}`);
      } finally {
        await engine.close();
      }
    });
}
