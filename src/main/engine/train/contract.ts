import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../../shared/contract/errors';
import { machineThreads } from '../lib/threads';
import type { TrainExample, TrainProgress, TrainSpec } from '../../../shared/contract/train';

/**
 * The external-trainer contract (docs/trainer-contract.md): what Toolsmith hands a trainer process (a
 * config JSON and JSON-lines datasets) and what it reads back (JSON-lines events on stdout, an exit code,
 * a GGUF file). The native trainer speaks it too, so every backend that runs in a process shares one parser.
 */

export const CONTRACT_VERSION = 1;

export const EXIT = { ok: 0, failed: 1, badInput: 2, missingEnvironment: 3 } as const;

export const ContractConfig = z.object({
  contract_version: z.literal(CONTRACT_VERSION),
  base_model: z.string().min(1),
  hf_model: z.string().nullable().default(null),
  output: z.string().min(1),
  output_kind: z.enum(['model', 'adapter']),
  work_dir: z.string().min(1),
  dataset: z.object({
    train: z.string().min(1),
    validation: z.string().nullable(),
    chat_train: z.string().nullable().default(null),
    chat_validation: z.string().nullable().default(null),
    train_count: z.number().int().min(0),
    validation_count: z.number().int().min(0),
  }),
  hyper: z.object({
    epochs: z.number().positive(),
    max_steps: z.number().int().positive().nullable(),
    learning_rate: z.number().positive(),
    min_learning_rate_ratio: z.number().min(0).max(1),
    warmup_steps: z.number().int().min(0),
    schedule: z.enum(['constant', 'linear', 'cosine']),
    optimizer: z.enum(['adamw', 'sgd']),
    weight_decay: z.number().min(0),
    context_length: z.number().int().min(8),
    batch_size: z.number().int().positive(),
    seed: z.number().int(),
  }),
  native: z
    .object({
      train_layers: z.union([z.literal('last'), z.literal('all'), z.number().int().positive()]),
      threads: z.number().int().positive(),
    })
    .default(() => ({ train_layers: 'last' as const, threads: machineThreads().training })),
  lora: z
    .object({
      rank: z.number().int().positive(),
      alpha: z.number().positive(),
      dropout: z.number().min(0).max(1),
      target_modules: z.array(z.string()),
      /** A PEFT adapter folder to continue training (null: a fresh adapter). */
      init_adapter: z.string().nullable().default(null),
    })
    .nullable()
    .default(null),
});
export type ContractConfig = z.infer<typeof ContractConfig>;

/** One line of a JSON-lines dataset file: rendered text and the [start, end) character spans to learn. */
export const DatasetLine = z.object({
  text: z.string().min(1),
  spans: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});
export type DatasetLine = z.infer<typeof DatasetLine>;

const num = z.number().finite();
const ProgressLine = z.object({
  event: z.literal('progress'),
  step: z.number().int().min(0),
  total_steps: z.number().int().min(0).optional(),
  epoch: num.min(0),
  loss: num.optional(),
  val_loss: num.optional(),
  accuracy: num.min(0).max(1).optional(),
  val_accuracy: num.min(0).max(1).optional(),
  learning_rate: num.optional(),
  tokens_per_second: num.min(0).optional(),
  eta_seconds: num.min(0).optional(),
  memory_bytes: num.min(0).optional(),
  elapsed_seconds: num.min(0).optional(),
});
const DoneLine = z.object({
  event: z.literal('done'),
  output: z.string().min(1),
  kind: z.enum(['model', 'adapter']),
  metrics: z.record(z.string(), z.number()).default({}),
});
export const ContractLine = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('start'),
    total_steps: z.number().int().min(0).optional(),
    info: z.record(z.string(), z.unknown()).optional(),
  }),
  ProgressLine,
  z.object({ event: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']).default('info'), message: z.string() }),
  DoneLine,
  z.object({ event: z.literal('error'), message: z.string(), fix: z.string().optional() }),
]);
export type ContractLine = z.infer<typeof ContractLine>;
export type ProgressLine = z.infer<typeof ProgressLine>;
export type DoneLine = z.infer<typeof DoneLine>;

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Parses one stdout line; a line that is not a contract event is an error naming the line and the field. */
export function parseContractLine(line: string, lineNo: number, source = 'stdout'): ContractLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
    throw new ContractError(
      `${source}:${lineNo}: not a JSON object: ${JSON.stringify(shown)} (trainer output must be JSON lines, see docs/trainer-contract.md; print logs to stderr)`,
    );
  }
  const parsed = ContractLine.safeParse(json);
  if (!parsed.success) throw new ContractError(`${source}:${lineNo}: invalid event: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function progressFromLine(line: ProgressLine): TrainProgress {
  return {
    step: line.step,
    totalSteps: line.total_steps,
    epoch: line.epoch,
    loss: line.loss,
    valLoss: line.val_loss,
    accuracy: line.accuracy,
    valAccuracy: line.val_accuracy,
    learningRate: line.learning_rate,
    tokensPerSecond: line.tokens_per_second,
    etaSeconds: line.eta_seconds,
    memoryBytes: line.memory_bytes,
    elapsedSeconds: line.elapsed_seconds,
  };
}

export function lineFromProgress(p: TrainProgress): ProgressLine {
  const line: ProgressLine = { event: 'progress', step: p.step, epoch: p.epoch };
  const set = <K extends keyof ProgressLine>(k: K, v: ProgressLine[K] | undefined) => {
    if (v !== undefined && (typeof v !== 'number' || Number.isFinite(v))) line[k] = v;
  };
  set('total_steps', p.totalSteps);
  set('loss', p.loss);
  set('val_loss', p.valLoss);
  set('accuracy', p.accuracy);
  set('val_accuracy', p.valAccuracy);
  set('learning_rate', p.learningRate);
  set('tokens_per_second', p.tokensPerSecond);
  set('eta_seconds', p.etaSeconds);
  set('memory_bytes', p.memoryBytes);
  set('elapsed_seconds', p.elapsedSeconds);
  return line;
}

/** Deterministic split: a seeded shuffle, then the last `share` of examples is held out. */
export function splitExamples<T>(examples: T[], share: number, seed: number): { train: T[]; validation: T[] } {
  const order = examples.map((_, i) => i);
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const nVal = examples.length >= 2 ? Math.min(examples.length - 1, Math.round(examples.length * share)) : 0;
  const cut = order.length - nVal;
  return { train: order.slice(0, cut).map((i) => examples[i]!), validation: order.slice(cut).map((i) => examples[i]!) };
}

async function writeJsonl(file: string, rows: unknown[]): Promise<void> {
  await fs.writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

/** Writes the datasets and the config JSON into `workDir`; returns the config's path and content. */
export async function writeContractInputs(
  spec: TrainSpec,
  workDir: string,
  output: string,
  outputKind: 'model' | 'adapter',
): Promise<{ configFile: string; config: ContractConfig }> {
  await fs.mkdir(workDir, { recursive: true });
  const { train, validation } = splitExamples(spec.examples, spec.validationShare, spec.hyper.seed);
  const toLine = (e: TrainExample): DatasetLine => ({ text: e.text, spans: e.spans.map((s) => [s.start, s.end] as [number, number]) });
  const trainFile = path.join(workDir, 'train.jsonl');
  await writeJsonl(trainFile, train.map(toLine));
  let valFile: string | null = null;
  if (validation.length) {
    valFile = path.join(workDir, 'validation.jsonl');
    await writeJsonl(valFile, validation.map(toLine));
  }
  // The unrendered conversations, for trainers that apply their own template (MLX-LM's tools format).
  let chatTrain: string | null = null;
  let chatVal: string | null = null;
  if (spec.examples.every((e) => e.messages)) {
    await fs.mkdir(path.join(workDir, 'chat'), { recursive: true });
    chatTrain = path.join(workDir, 'chat', 'train.jsonl');
    await writeJsonl(
      chatTrain,
      train.map((e) => ({ messages: e.messages, ...(e.tools ? { tools: e.tools } : {}) })),
    );
    chatVal = path.join(workDir, 'chat', 'valid.jsonl');
    await writeJsonl(
      chatVal,
      validation.map((e) => ({ messages: e.messages, ...(e.tools ? { tools: e.tools } : {}) })),
    );
  }
  const h = spec.hyper;
  const config: ContractConfig = {
    contract_version: CONTRACT_VERSION,
    base_model: path.resolve(spec.baseModel),
    hf_model: spec.python.hfModel ?? null,
    output: path.resolve(output),
    output_kind: outputKind,
    work_dir: path.resolve(workDir),
    dataset: {
      train: trainFile,
      validation: valFile,
      chat_train: chatTrain,
      chat_validation: chatVal,
      train_count: train.length,
      validation_count: validation.length,
    },
    hyper: {
      epochs: h.epochs,
      max_steps: h.maxSteps ?? null,
      learning_rate: h.learningRate,
      min_learning_rate_ratio: h.minLearningRateRatio,
      warmup_steps: h.warmupSteps,
      schedule: h.schedule,
      optimizer: h.optimizer,
      weight_decay: h.weightDecay,
      context_length: h.contextLength,
      batch_size: h.batchSize,
      seed: h.seed,
    },
    native: { train_layers: spec.native.trainLayers, threads: spec.native.threads ?? defaultThreads() },
    lora: {
      rank: spec.python.lora.rank,
      alpha: spec.python.lora.alpha,
      dropout: spec.python.lora.dropout,
      target_modules: spec.python.lora.targetModules,
      init_adapter: spec.python.initAdapter ? path.resolve(spec.python.initAdapter) : null,
    },
  };
  const configFile = path.join(workDir, 'config.json');
  await fs.writeFile(configFile, JSON.stringify(config, null, 2));
  return { configFile, config };
}

/** The optimizer steps a run makes: max_steps, else epochs × examples / batch size (at least 1). */
export function plannedSteps(config: ContractConfig): number {
  const h = config.hyper;
  return h.max_steps ?? Math.max(1, Math.ceil((h.epochs * config.dataset.train_count) / h.batch_size));
}

/** All cores but one, at most 8 (at least 1). */
/** A trainer process given no thread count: the machine's choice (lib/threads.ts), as the engine makes it. */
export function defaultThreads(): number {
  return machineThreads().training;
}

/** Reads and validates a contract config file (what a trainer process does first). */
export async function readContractConfig(file: string): Promise<ContractConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new ContractError(`${file}: cannot read the config JSON: ${(error as Error).message}`);
  }
  const parsed = ContractConfig.safeParse(json);
  if (!parsed.success) throw new ContractError(`${file}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Reads a JSON-lines dataset, naming file:line for a bad line. */
export async function readDataset(file: string): Promise<DatasetLine[]> {
  const text = await fs.readFile(file, 'utf8');
  const out: DatasetLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ContractError(`${file}:${i + 1}: not valid JSON`);
    }
    const parsed = DatasetLine.safeParse(json);
    if (!parsed.success) throw new ContractError(`${file}:${i + 1}: ${describeZodError(parsed.error)}`);
    out.push(parsed.data);
  });
  return out;
}

/** The learning rate of optimizer step `step` (0-based) under warm-up then decay. */
export function learningRateAt(
  step: number,
  totalSteps: number,
  h: { learning_rate: number; min_learning_rate_ratio: number; warmup_steps: number; schedule: 'constant' | 'linear' | 'cosine' },
): number {
  const peak = h.learning_rate;
  if (h.warmup_steps > 0 && step < h.warmup_steps) return (peak * (step + 1)) / h.warmup_steps;
  if (h.schedule === 'constant') return peak;
  const floor = peak * h.min_learning_rate_ratio;
  const span = Math.max(1, totalSteps - h.warmup_steps);
  const t = Math.min(1, Math.max(0, (step - h.warmup_steps) / span));
  if (h.schedule === 'linear') return floor + (peak - floor) * (1 - t);
  return floor + ((peak - floor) * (1 + Math.cos(Math.PI * t))) / 2;
}
