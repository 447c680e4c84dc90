import type { Command } from 'commander';
import type { ToolsmithClient } from '../../shared/client';
import type { TrainBackendId, TrainProgress } from '../../shared/contract/train';
import type { OpenEngine } from './engine-opener';
import { numberArg } from './flags';
import { createProgressBar } from './progress';
import { runJobInForeground } from './jobs';
import { registerTrainerProcessCommands } from './trainer-process';

export function printProgress(p: TrainProgress): void {
  const parts = [`step ${p.step}${p.totalSteps ? `/${p.totalSteps}` : ''}`, `epoch ${p.epoch.toFixed(2)}`];
  if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.valLoss !== undefined) parts.push(`val ${p.valLoss.toFixed(4)}`);
  if (p.tokensPerSecond !== undefined) parts.push(`${Math.round(p.tokensPerSecond)} tok/s`);
  if (p.etaSeconds !== undefined) parts.push(`eta ${Math.round(p.etaSeconds)} s`);
  if (p.memoryBytes !== undefined) parts.push(`${Math.round(p.memoryBytes / 2 ** 20)} MiB`);
  console.error(parts.join('  '));
}

/** Prints a training run's progress points (those `keep` passes) until the returned function is called. */
function followTraining(client: ToolsmithClient, runId: string, keep: (p: TrainProgress) => boolean = () => true): () => void {
  const offProgress = client.on('train.progress', (e) => {
    if (e.runId !== runId) return;
    for (const p of [...(e.earlier ?? []), e.progress]) if (keep(p)) printProgress(p);
  });
  const offLog = client.on('train.log', (e) => e.runId === runId && console.error(`[${e.level}] ${e.message}`));
  // Ctrl-C cancels the run (nothing is registered).
  const onSigint = () => void client.call('train.cancel', { runId });
  process.once('SIGINT', onSigint);
  return () => {
    offProgress();
    offLog();
    process.off('SIGINT', onSigint);
  };
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
        process.exitCode = await runContractProcess(opts.config);
        return;
      }
      for (const k of ['base', 'data', 'output'] as const) if (typeof opts[k] !== 'string') throw new Error(`train needs --${k}`);
      const hyper = Object.fromEntries(
        Object.entries({ epochs: opts.epochs, maxSteps: opts.maxSteps, learningRate: opts.lr, contextLength: opts.context }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      const { engine, client } = open(command);
      const runId = `cli-${process.pid}-${Date.now()}`;
      const stop = followTraining(client, runId);
      try {
        const result = await client.call('train.run', {
          runId,
          backend: opts.backend as TrainBackendId,
          base: opts.base as string,
          data: opts.data as string,
          output: opts.output as string,
          ...(opts.name ? { name: opts.name as string } : {}),
          register: opts.register !== false,
          hyper,
          ...(opts.validation !== undefined ? { validationShare: opts.validation as number } : {}),
          ...(opts.threads ? { threads: opts.threads as number } : {}),
          method: opts.method as 'lora' | 'full',
          ...(opts.preset ? { preset: opts.preset as string } : {}),
        });
        console.log(JSON.stringify(result, null, 2));
      } finally {
        stop();
        await engine.close();
      }
    });

  const trainer = program.command('trainer').description("The python trainer's managed environment");
  trainer
    .command('setup')
    .description('Create (or reuse) the virtual environment with the pinned requirements and check the device')
    .option('--venv <dir>', 'where the venv goes (default ~/.cache/toolsmith/trainer-venv-<hash>)')
    .option('--python <exe>', 'interpreter to create it with (default python3)')
    .option('--force', 'reinstall even when ready')
    .action(async (opts: { venv?: string; python?: string; force?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const settings = {
          force: Boolean(opts.force),
          ...(opts.venv ? { venv: opts.venv } : {}),
          ...(opts.python ? { python: opts.python } : {}),
        };
        const bar = createProgressBar({ stream: process.stderr });
        const job = await runJobInForeground(client, () => client.call('jobs.start', { kind: 'trainer.setup', settings }), bar);
        bar.finish();
        if (job.state !== 'done') {
          const detail = await client.call('jobs.get', { id: job.id });
          throw new Error(`the trainer set-up ${job.state}${detail.error ? `: ${detail.error}` : ''}`);
        }
        console.log(JSON.stringify(await client.call('trainer.setupStatus', opts.venv ? { venv: opts.venv } : {}), null, 2));
      } finally {
        await engine.close();
      }
    });
  registerTrainerProcessCommands(trainer);
  trainer
    .command('status')
    .description('Is the python trainer ready, where, on which device')
    .option('--venv <dir>', 'venv folder to check')
    .action(async (opts: { venv?: string }, command: Command) => {
      const { engine, client } = open(command);
      try {
        console.log(JSON.stringify(await client.call('trainer.setupStatus', opts.venv ? { venv: opts.venv } : {}), null, 2));
      } finally {
        await engine.close();
      }
    });
}

/** The native trainer as a contract process (its parent speaks to it over stdio): loaded only when asked for. */
async function runContractProcess(config: string): Promise<number> {
  const { runTrainerContractProcess } = await import('./trainer-process');
  return runTrainerContractProcess(config);
}

/** `toolsmith model create-starter --train`: pretrain the new starter on the seed corpus, report held-out accuracy. */
export async function trainStarter(client: ToolsmithClient, starterId: number, steps: number | undefined, json?: boolean): Promise<void> {
  const runId = `starter-${process.pid}-${Date.now()}`;
  const stop = followTraining(client, runId, (p) => p.step % 20 === 0);
  try {
    const result = await client.call('train.starter', { model: starterId, runId, ...(steps !== undefined ? { steps } : {}) });
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      const acc = result.heldOutAccuracy;
      console.log(`trained starter: model ${result.modelId} (${result.file})`);
      console.log(
        `loss ${result.firstLoss?.toFixed(3)} -> ${result.finalLoss?.toFixed(3)}; held-out token accuracy ${acc === null ? 'n/a' : (acc * 100).toFixed(1) + ' %'}`,
      );
    }
  } finally {
    stop();
  }
}
