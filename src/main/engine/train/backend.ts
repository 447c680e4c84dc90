import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TrainMetrics, TrainProgress, TrainSpec } from '../../../shared/contract/train';
import { writeContractInputs, type ContractConfig, type DoneLine } from './contract';
import { runContractProcess, TrainCancelledError, type ContractProcessOptions } from './process';

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Called with the trainer process's pid once it started. */
  onSpawn?: (pid: number) => void;
}

/** What a backend hands back to `runTraining`, before registration. */
export interface BackendOutcome {
  kind: 'model' | 'adapter';
  file: string;
  metrics: TrainMetrics;
  info: Record<string, unknown>;
}

export type ProcessPlan = Pick<ContractProcessOptions, 'command' | 'args' | 'cwd' | 'env' | 'protocol' | 'label' | 'totalSteps'>;

/** Turns the contract's `done.metrics` (snake_case, trainer-defined) into the engine's metrics. */
export function metricsFromDone(done: DoneLine, progress: TrainProgress[]): TrainMetrics {
  const m = done.metrics;
  const last = progress[progress.length - 1];
  const losses = progress.map((p) => p.loss).filter((l): l is number => l !== undefined);
  const peak = Math.max(0, ...progress.map((p) => p.memoryBytes ?? 0));
  return {
    steps: Math.round(m.steps ?? last?.step ?? 0),
    tokens: Math.round(m.tokens ?? 0),
    seconds: m.seconds ?? last?.elapsedSeconds ?? 0,
    firstLoss: m.first_loss ?? losses[0],
    finalLoss: m.final_loss ?? losses[losses.length - 1],
    valLoss: m.val_loss ?? [...progress].reverse().find((p) => p.valLoss !== undefined)?.valLoss,
    valAccuracy: m.val_accuracy ?? [...progress].reverse().find((p) => p.valAccuracy !== undefined)?.valAccuracy,
    tokensPerSecond: m.tokens_per_second ?? last?.tokensPerSecond,
    peakMemoryBytes: m.peak_memory_bytes ?? (peak || undefined),
    details: { ...m },
  };
}

/** Removes the output and any temporary sibling a killed writer left (`.<name>.*.tmp`). */
export async function removeOutputLeftovers(output: string): Promise<void> {
  await fs.rm(output, { force: true });
  const dir = path.dirname(output);
  const prefix = `.${path.basename(output)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}

/**
 * The shared life of a process backend: write the contract inputs into a private work folder beside the
 * output, run the process, check its output, and in every case remove the work folder; on failure or
 * cancel also remove the output, so that nothing half-made is left to be registered.
 */
export async function runContractBackend(
  spec: TrainSpec,
  hooks: RunHooks,
  outputKind: 'model' | 'adapter',
  plan: (configFile: string, config: ContractConfig) => ProcessPlan | Promise<ProcessPlan>,
  after?: (done: DoneLine, config: ContractConfig) => Promise<string>,
): Promise<BackendOutcome> {
  const output = path.resolve(spec.output);
  await fs.mkdir(path.dirname(output), { recursive: true });
  const workDir = path.join(path.dirname(output), `.train-${path.basename(output)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  let succeeded = false;
  try {
    const { configFile, config } = await writeContractInputs(spec, workDir, output, outputKind);
    const p = await plan(configFile, config);
    const result = await runContractProcess({
      ...p,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      onLog: hooks.onLog,
      onSpawn: hooks.onSpawn,
      impliedDone: { event: 'done', output, kind: outputKind, metrics: {} },
    });
    if (hooks.signal?.aborted) throw new TrainCancelledError();
    const file = after ? await after(result.done, config) : path.resolve(result.done.output);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw new Error(`${p.label} reported ${file} as its output, but there is no such file.`);
    succeeded = true;
    return { kind: result.done.kind, file, metrics: metricsFromDone(result.done, result.progress), info: result.startInfo ?? {} };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
    if (!succeeded) await removeOutputLeftovers(output);
  }
}
