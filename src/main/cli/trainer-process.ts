import type { Command } from 'commander';
import { numberArg } from './flags';
import { printProgress } from './train';

/**
 * The two trainer commands that are processes of their own rather than calls of the API: `train --contract`
 * (the native trainer's side of the trainer contract, spoken over stdio to a parent) and `trainer
 * build-starter` (rebuilds the bundled starter in resources/ for the people who ship Toolsmith, with no
 * workspace). They run engine modules directly, so this file is the one listed exception of the rule that
 * CLI modules reach the engine only through the contract (test/foundation/cli-contract.test.ts).
 */

/** A share of the corpus: from 0 to 1. */
const share = (flag: string) => numberArg(flag, { min: 0, max: 1 });

export async function runTrainerContractProcess(config: string): Promise<number> {
  const { runNativeContractProcess } = await import('../engine/train/native/child');
  return runNativeContractProcess(config);
}

export function registerTrainerProcessCommands(trainer: Command): void {
  trainer
    .command('build-starter')
    .description(
      'Rebuild the bundled starter model by its recipe: a random starter fully fine-tuned by the python trainer on a corpus composed from the built-in pool',
    )
    .option('--out <gguf>', 'where the model goes (its report beside it as .json)', 'resources/models/toolsmith-starter.gguf')
    .option('--from <gguf>', 'a further stage: go on training this starter on a fresh corpus')
    .option('--lr <x>', 'peak learning rate (default: the recipe’s)', numberArg('--lr', { min: 0 }))
    .option('--epochs <x>', 'passes over the corpus (default: the recipe’s)', numberArg('--epochs', { min: 0 }))
    .option('--max-steps <n>', 'cap the optimizer steps', numberArg('--max-steps', { integer: true, min: 1 }))
    .option('--corpus-scale <x>', 'compose x times the recipe’s samples per category (default 1)', numberArg('--corpus-scale', { min: 0 }))
    .option(
      '--decomposed-share <x>',
      'share of samples that also give tool-generation examples (default: the recipe’s)',
      share('--decomposed-share'),
    )
    .option('--refine-share <x>', 'share of samples that also give a refinement example (default 0)', share('--refine-share'))
    .option('--query-share <x>', 'share of samples that also give a query-writing example (default 0)', share('--query-share'))
    .option(
      '--limit <n>',
      'use only the first N corpus conversations (a quick check of the recipe)',
      numberArg('--limit', { integer: true, min: 1 }),
    )
    .option('--threads <n>', 'torch CPU threads', numberArg('--threads', { integer: true, min: 1 }))
    .option('--device <d>', 'auto | cpu | cuda | mps', 'auto')
    .option('--venv <dir>', 'the trainer environment (default: the managed one)')
    .action(
      async (opts: {
        out: string;
        from?: string;
        lr?: number;
        epochs?: number;
        corpusScale?: number;
        decomposedShare?: number;
        refineShare?: number;
        queryShare?: number;
        venv?: string;
        maxSteps?: number;
        limit?: number;
        threads?: number;
        device: 'auto' | 'cpu' | 'cuda' | 'mps';
      }) => {
        const { buildStarter } = await import('../engine/train/starter-recipe');
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const report = await buildStarter({
          output: opts.out,
          from: opts.from,
          learningRate: opts.lr,
          epochs: opts.epochs,
          corpusScale: opts.corpusScale,
          decomposedShare: opts.decomposedShare,
          refineShare: opts.refineShare,
          queryShare: opts.queryShare,
          venv: opts.venv,
          maxSteps: opts.maxSteps,
          limit: opts.limit,
          threads: opts.threads,
          device: opts.device,
          signal: controller.signal,
          onProgress: (p) => (p.step % 25 === 0 || p.valLoss !== undefined) && printProgress(p),
          log: (line) => console.error(line),
        });
        console.log(JSON.stringify({ output: opts.out, examples: report.examples, metrics: report.metrics }, null, 2));
      },
    );
}
