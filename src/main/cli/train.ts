import type { Command } from 'commander';
import fs from 'node:fs/promises';
import type { TrainBackendId, TrainProgress } from '../../shared/contract/train';
import { readDataset } from '../engine/train/contract';
import { runNativeContractProcess } from '../engine/train/native/child';
import { setupTrainerEnv, trainerEnvStatus } from '../engine/train/python/env';
import { runTraining } from '../engine/train/run';
import { pretrainStarter } from '../engine/train/starter-train';
import { registryRegistrar } from '../engine/train/lineage';
import type { Engine } from '../engine/api';
import type { Db } from '../engine/db/open';
import type { OpenEngine } from './engine-opener';
import { nameOrId, numberArg } from './flags';
import { runnableFiles } from '../engine/models/registry';

/** A share of the corpus: from 0 to 1. */
const share = (flag: string) => numberArg(flag, { min: 0, max: 1 });

function printProgress(p: TrainProgress): void {
  const parts = [`step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''}`, `epoch ${p.epoch.toFixed(2)}`];
  if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.valLoss !== undefined) parts.push(`val ${p.valLoss.toFixed(4)}`);
  if (p.tokensPerSecond !== undefined) parts.push(`${Math.round(p.tokensPerSecond)} tok/s`);
  if (p.etaSeconds !== undefined) parts.push(`eta ${Math.round(p.etaSeconds)} s`);
  if (p.memoryBytes !== undefined) parts.push(`${Math.round(p.memoryBytes / 2 ** 20)} MiB`);
  console.error(parts.join('  '));
}

/**
 * `train --base`: a GGUF file, else a registered model's name or id (its file, and its id for the lineage).
 * A model that carries an adapter is refused: training on its base alone would silently drop the adapter.
 */
export async function resolveTrainBase(
  raw: string,
  workspace: () => { db: Db; modelsDir: string },
): Promise<{ file: string; modelId?: number }> {
  if (
    await fs.stat(raw).then(
      (st) => st.isFile(),
      () => false,
    )
  )
    return { file: raw };
  const { db, modelsDir } = workspace();
  let files: ReturnType<typeof runnableFiles>;
  try {
    files = runnableFiles(db, modelsDir, nameOrId(raw));
  } catch (error) {
    throw new Error(`--base ${raw}: no such file, and ${(error as Error).message}`);
  }
  if (files.adapterFile)
    throw new Error(`--base ${raw}: "${files.model.name}" carries a LoRA adapter; train on its base "${files.base.name}" instead.`);
  return { file: files.file, modelId: files.model.id };
}

export function registerTrainCommands(program: Command, open: OpenEngine): void {
  program
    .command('train')
    .description('Train a model (native, python or command backend), or run the native trainer under the trainer contract')
    .option('--contract', 'run the native trainer as a contract process: JSON-lines events on stdout (docs/trainer-contract.md)')
    .option('--config <file>', 'with --contract: the contract config JSON')
    .option('--backend <id>', 'native | python | command', 'native')
    .option('--base <model>', 'base model: a GGUF file, or a registered model (name or id)')
    .option('--data <jsonl>', 'dataset: JSON lines of {"text": ..., "spans": [[start, end], ...]}')
    .option('--output <gguf>', 'where the trained model (or LoRA adapter) goes')
    .option('--epochs <n>', 'epochs', numberArg('--epochs', { min: 0 }))
    .option('--max-steps <n>', 'stop after this many optimizer steps', numberArg('--max-steps', { integer: true, min: 1 }))
    .option('--lr <x>', 'peak learning rate', numberArg('--lr', { min: 0 }))
    .option('--context <n>', 'tokens per window', numberArg('--context', { integer: true, min: 1 }))
    .option(
      '--threads <n>',
      'CPU threads (native and python; default: chosen from the cores free)',
      numberArg('--threads', { integer: true, min: 1 }),
    )
    .option('--method <m>', 'python backend: lora (a GGUF LoRA adapter) or full (every weight; a full GGUF)', 'lora')
    .option('--validation <share>', 'share held out for validation', numberArg('--validation', { min: 0, max: 1 }))
    .option('--preset <id>', 'command backend preset (unsloth, mlx-lm, llama-factory, toolsmith-native)')
    .option('--name <name>', 'registry name of the result')
    .option('--no-register', 'do not register the result in the workspace')
    .action(async (opts: Record<string, string | number | boolean | undefined>, command: Command) => {
      if (opts.contract) {
        if (typeof opts.config !== 'string') throw new Error('train --contract needs --config <file> (docs/trainer-contract.md)');
        process.exitCode = await runNativeContractProcess(opts.config);
        return;
      }
      for (const k of ['base', 'data', 'output'] as const) if (typeof opts[k] !== 'string') throw new Error(`train needs --${k}`);
      const rows = await readDataset(opts.data as string);
      let opened = opts.register !== false ? open(command) : undefined;
      const workspace = () => (opened ??= open(command)).engine.ctx.workspace;
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const hyper = Object.fromEntries(
        Object.entries({ epochs: opts.epochs, maxSteps: opts.maxSteps, learningRate: opts.lr, contextLength: opts.context }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      try {
        const { file: base, modelId: baseModelId } = await resolveTrainBase(opts.base as string, workspace);
        const ws = opened?.engine.ctx.workspace;
        const result = await runTraining(
          {
            backend: opts.backend as TrainBackendId,
            ...(opts.name ? { name: opts.name as string } : {}),
            baseModel: base,
            ...(baseModelId !== undefined ? { baseModelId } : {}),
            examples: rows.map((r) => ({ text: r.text, spans: r.spans.map(([start, end]) => ({ start, end })) })),
            output: opts.output as string,
            ...(opts.validation !== undefined ? { validationShare: opts.validation as number } : {}),
            hyper,
            ...(opts.threads ? { native: { threads: opts.threads as number } } : {}),
            ...(opts.backend === 'python'
              ? { python: { method: opts.method as 'lora' | 'full', ...(opts.threads ? { threads: opts.threads as number } : {}) } }
              : {}),
            ...(opts.preset ? { command: { preset: opts.preset as string } } : {}),
          },
          {
            signal: controller.signal,
            onProgress: printProgress,
            onLog: (level, m) => console.error(`[${level}] ${m}`),
            ...(ws && opts.register !== false ? { register: registryRegistrar(ws.db, ws.modelsDir) } : {}),
          },
        );
        console.log(JSON.stringify(result, null, 2));
      } finally {
        await opened?.engine.close();
      }
    });

  const trainer = program.command('trainer').description("The python trainer's managed environment");
  trainer
    .command('setup')
    .description('Create (or reuse) the virtual environment with the pinned requirements and check the device')
    .option('--venv <dir>', 'where the venv goes (default ~/.cache/toolsmith/trainer-venv-<hash>)')
    .option('--python <exe>', 'interpreter to create it with (default python3)')
    .option('--force', 'reinstall even when ready')
    .action(async (opts: { venv?: string; python?: string; force?: boolean }) => {
      const status = await setupTrainerEnv({ venvDir: opts.venv, python: opts.python, force: opts.force, onLog: (l) => console.error(l) });
      console.log(JSON.stringify(status, null, 2));
    });
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
  trainer
    .command('status')
    .description('Is the python trainer ready, where, on which device')
    .option('--venv <dir>', 'venv folder to check')
    .action((opts: { venv?: string }) => {
      console.log(JSON.stringify(trainerEnvStatus({ venvDir: opts.venv }), null, 2));
    });
}

/** `toolsmith model create-starter --train`: pretrain the new starter on the seed corpus, report held-out accuracy. */
export async function trainStarter(engine: Engine, starterId: number, steps: number | undefined, json?: boolean): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const ws = engine.ctx.workspace;
    const result = await pretrainStarter(ws.db, ws.modelsDir, starterId, {
      steps,
      signal: controller.signal,
      onProgress: (p) => p.step % 20 === 0 && printProgress(p),
    });
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      const acc = result.heldOutAccuracy;
      console.log(`trained starter: model ${result.modelId} (${result.file})`);
      console.log(
        `loss ${result.metrics.firstLoss?.toFixed(3)} -> ${result.metrics.finalLoss?.toFixed(3)}; held-out token accuracy ${acc === null ? 'n/a' : (acc * 100).toFixed(1) + ' %'}`,
      );
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
