import type { Command } from 'commander';
import type { ToolsmithClient } from '../../shared/client';
import type { OpenEngine } from './engine-opener';
import { nameOrId, numberFlag } from './flags';
import { markSpecial } from './model-prompt';

/**
 * `toolsmith playground` is the Playground view on the command line: one exchange with a model and chosen
 * tools through the same API (`playground.send`), printed whole; `--save` stores the answer as a sample.
 */

/** A tool flag's value: an id, or a name that must name one tool across the pools. */
async function toolIdsOf(client: ToolsmithClient, refs: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const ref of refs) {
    if (/^\d+$/.test(ref)) {
      ids.push(Number(ref));
      continue;
    }
    const found = (await client.call('tools.list', { search: ref, limit: 1000 })).items.filter((t) => t.name === ref);
    if (found.length === 0) throw new Error(`--tool ${ref}: no tool of that name (see toolsmith tools list).`);
    if (found.length > 1)
      throw new Error(
        `--tool ${ref}: ${found.length} tools have that name (pools ${found.map((t) => `${t.pool} #${t.id}`).join(', ')}); give the id.`,
      );
    ids.push(found[0]!.id);
  }
  return ids;
}

interface PlaygroundOptions {
  message: string;
  tool: string[];
  system?: string;
  constrain?: boolean;
  maxTokens?: string;
  temperature?: string;
  refinements?: string;
  threads?: string;
  execute: boolean;
  save?: boolean;
  json?: boolean;
}

export function registerPlaygroundCommands(program: Command, open: OpenEngine): void {
  program
    .command('playground')
    .description(
      'One exchange with a model and chosen tools: the exact prompt, the raw answer, parsed calls, sandbox results and the refinement trace (Ctrl+C cancels)',
    )
    .argument('<model>', 'a registered model, name or id')
    .requiredOption('--message <text>', "the user's request")
    .option('--tool <name|id>', 'a tool of the workspace offered to the model (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--system <text>', 'the system turn (default: the invocation instruction the rounds use)')
    .option('--constrain', 'constrain the answer to the call grammar')
    .option('--max-tokens <n>', 'most tokens in the answer (1 to 2048)', '256')
    .option('--temperature <t>', 'sampling temperature', '0')
    .option('--refinements <n>', 'refinements after the answer (0 to 5)', '1')
    .option('--threads <n>', 'generation threads when the model is loaded')
    .option('--no-execute', 'do not run called tools in the sandbox')
    .option('--save', 'save the answer as a sample (provenance "playground")')
    .option('--json', 'print the exchange (and the saved sample) as JSON')
    .action(async (ref: string, opts: PlaygroundOptions, command: Command) => {
      const maxTokens = numberFlag('--max-tokens', opts.maxTokens, { integer: true, min: 1, max: 2048 })!;
      const temperature = numberFlag('--temperature', opts.temperature, { min: 0, max: 5 })!;
      const maxRefinements = numberFlag('--refinements', opts.refinements, { integer: true, min: 0, max: 5 })!;
      const threads = numberFlag('--threads', opts.threads, { integer: true, min: 1, max: 256 });
      const { engine, client } = open(command);
      const requestId = `cli-${process.pid}`;
      const cancel = () => void client.call('playground.cancel', { requestId });
      process.once('SIGINT', cancel);
      try {
        const toolIds = await toolIdsOf(client, opts.tool);
        const messages = [{ role: 'user' as const, content: opts.message }];
        const exchange = await client.call('playground.send', {
          requestId,
          backend: { kind: 'local', model: nameOrId(ref) },
          ...(threads !== undefined ? { threads } : {}),
          toolIds,
          ...(opts.system !== undefined ? { system: opts.system } : {}),
          messages,
          constrain: opts.constrain ? 'calls' : 'none',
          sampling: { temperature, maxTokens },
          maxRefinements,
          execute: opts.execute,
        });
        const saved = opts.save
          ? await client.call('playground.save', {
              toolIds,
              ...(opts.system !== undefined ? { system: opts.system } : {}),
              messages,
              output: exchange.answer,
              modelId: exchange.model.id,
              templateHash: exchange.prompt.templateHash,
              sampling: exchange.sampling,
            })
          : null;
        if (opts.json) {
          console.log(JSON.stringify({ exchange, saved }));
          return;
        }
        const tty = process.stdout.isTTY === true;
        console.log(
          `# Prompt (${exchange.model.name}, ${exchange.prompt.tokens ?? '?'} tokens, template ${exchange.prompt.templateHash ?? '—'})`,
        );
        console.log(markSpecial(exchange.prompt, tty));
        console.log(`\n# Raw answer (${exchange.tokens} tokens${exchange.finishReason === 'length' ? ', cut at --max-tokens' : ''})`);
        console.log(exchange.raw);
        console.log(`\n# Parsed: ${exchange.parsed.kind}${exchange.parsed.reason ? ` (${exchange.parsed.reason})` : ''}`);
        exchange.parsed.calls.forEach((c, i) => {
          const r = exchange.toolResults.find((t) => t.index === i);
          const ran = !r ? 'no implementation' : r.ok ? `→ ${JSON.stringify(r.result ?? null)}` : `→ ${r.error}`;
          console.log(`${i + 1}. ${c.name}(${JSON.stringify(c.args)}) ${ran}`);
        });
        console.log(`\n# Verdicts: ${exchange.verdicts.map((v) => `${v.verifier} ${v.passed ? 'pass' : 'FAIL'}`).join(', ')}`);
        const trace = exchange.refinement;
        console.log(`# Refinement: ${trace.steps.length} step(s), ${trace.stopReason}${trace.changed ? ', final answer changed' : ''}`);
        for (const s of trace.steps.slice(1)) console.log(`  ${s.seq}. ${s.output}`);
        if (saved) console.log(`\n${saved.created ? 'Saved as' : 'Already saved as'} sample #${saved.sampleId} (${saved.category}).`);
      } finally {
        process.off('SIGINT', cancel);
        await engine.close();
      }
    });
}
