import { z } from 'zod';
import { method } from './define';

/**
 * Training: one spec for every backend (native llama.cpp, managed python LoRA, external command), one
 * progress event shape, one result. The engine renders examples once, through the model's own chat
 * template, so a backend receives text plus the character spans whose tokens it should learn.
 */

export const TrainBackendId = z.enum(['native', 'python', 'command']);
export type TrainBackendId = z.infer<typeof TrainBackendId>;

/** [start, end) character offsets into `text` (the shape chat rendering returns). */
export const LearnSpan = z
  .object({ start: z.number().int().min(0), end: z.number().int().min(0) })
  .refine((s) => s.end > s.start, { message: 'a span must end after it starts' });

export const TrainExample = z
  .object({
    text: z.string().min(1, 'an example needs rendered text'),
    spans: z.array(LearnSpan).default([]),
    /** The unrendered conversation, for external trainers that render it themselves (MLX-LM, LLaMA-Factory). */
    messages: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
    tools: z.array(z.unknown()).optional(),
  })
  .superRefine((ex, ctx) => {
    ex.spans.forEach(({ end }, i) => {
      if (end > ex.text.length) {
        ctx.addIssue({ code: 'custom', path: ['spans', i], message: `span ends at ${end}, past the text's ${ex.text.length} characters` });
      }
    });
  });
export type TrainExample = z.infer<typeof TrainExample>;

export const TrainHyper = z.object({
  epochs: z.number().positive().default(1),
  /** Stops after this many optimizer steps when set (the last epoch may be partial). */
  maxSteps: z.number().int().positive().optional(),
  learningRate: z.number().positive().default(2e-4),
  /** Floor of the decay, as a fraction of learningRate. */
  minLearningRateRatio: z.number().min(0).max(1).default(0.1),
  warmupSteps: z.number().int().min(0).default(0),
  schedule: z.enum(['constant', 'linear', 'cosine']).default('cosine'),
  optimizer: z.enum(['adamw', 'sgd']).default('adamw'),
  weightDecay: z.number().min(0).default(0),
  /** Tokens per training window (native: exactly n_ctx tokens per optimizer step). */
  contextLength: z.number().int().min(8).default(256),
  batchSize: z.number().int().positive().default(1),
  seed: z.number().int().default(42),
});
export type TrainHyper = z.infer<typeof TrainHyper>;

export const NativeOptions = z.object({
  /**
   * Which tensors train. 'last' (default) = the last block + output: the only exact gradients in this
   * llama.cpp build. A number = the last N blocks + output; 'all' = experimental (K/V and embeddings get
   * no gradient, lower blocks an incomplete one).
   */
  trainLayers: z.union([z.literal('last'), z.literal('all'), z.number().int().positive()]).default('last'),
  /**
   * CPU threads; default: all cores but one (at most 8). ggml's worker threads spin while they wait, so on a
   * busy or 2-core machine 1 is best (measured here under load: 1 thread ~2,000 tok/s, 2 threads ~230).
   */
  threads: z.number().int().positive().optional(),
});

export const LoraOptions = z.object({
  rank: z.number().int().positive().default(8),
  alpha: z.number().positive().default(16),
  dropout: z.number().min(0).max(1).default(0),
  targetModules: z.array(z.string()).default(['q_proj', 'k_proj', 'v_proj', 'o_proj']),
});

export const PythonOptions = z.object({
  /** 'lora' (default): a GGUF LoRA adapter. 'full': every weight trains and a full GGUF is written (small models). */
  method: z.enum(['lora', 'full']).default('lora'),
  lora: LoraOptions.default(LoraOptions.parse({})),
  /** 'auto' picks cuda, then mps, then cpu. */
  device: z.enum(['auto', 'cuda', 'mps', 'cpu']).default('auto'),
  /** An HF folder to load instead of the GGUF (transformers can also load the GGUF itself). */
  hfModel: z.string().optional(),
  threads: z.number().int().positive().optional(),
  /**
   * LoRA only: a PEFT adapter folder to start from instead of a fresh adapter (a previous round's, kept as
   * `<adapter>.gguf.peft/`), so that round after round the training adds up rather than starting over.
   */
  initAdapter: z.string().optional(),
  /** The managed venv to use (default: $TOOLSMITH_TRAINER_VENV, else ~/.cache/toolsmith/trainer-venv-<hash>). */
  venv: z.string().optional(),
});

export const CommandOptions = z.object({
  /** A preset id (unsloth, mlx-lm, llama-factory) or 'custom'. */
  preset: z.string().default('custom'),
  /** argv; placeholders {config} {dataset_dir} {output} {work_dir} {base_model} {hf_model} {epochs} {learning_rate} ... */
  command: z.array(z.string()).min(1).optional(),
  /** How stdout is read: the strict JSON-lines contract, or a preset's own log format. */
  protocol: z.enum(['jsonl', 'mlx-lm', 'hf-log']).default('jsonl'),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
  /** What the command writes: a full GGUF model or a GGUF LoRA adapter. */
  outputKind: z.enum(['model', 'adapter']).default('model'),
});

export const TrainSpec = z.object({
  backend: TrainBackendId,
  /** Path of the base GGUF. */
  baseModel: z.string().min(1),
  /** Registry id of the base, for lineage. */
  baseModelId: z.number().int().optional(),
  examples: z.array(TrainExample),
  /** Share of examples held out for validation (0 = none). */
  validationShare: z.number().min(0).max(0.9).default(0.1),
  hyper: TrainHyper.default(TrainHyper.parse({})),
  /** Where the result goes: a .gguf file (model, or adapter for LoRA). */
  output: z.string().min(1),
  /** Registry name of the result; derived from the output file name when absent. */
  name: z.string().optional(),
  roundId: z.number().int().optional(),
  /** Hash of the chat template that rendered the examples (stored with the run). */
  templateHash: z.string().optional(),
  native: NativeOptions.default(NativeOptions.parse({})),
  python: PythonOptions.default(PythonOptions.parse({})),
  command: CommandOptions.default(CommandOptions.parse({})),
  /** Register the result in the workspace's model registry (default true). */
  register: z.boolean().default(true),
});
export type TrainSpec = z.infer<typeof TrainSpec>;
export type TrainSpecInput = z.input<typeof TrainSpec>;

export const TrainProgress = z.object({
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0).optional(),
  epoch: z.number().min(0),
  loss: z.number().optional(),
  valLoss: z.number().optional(),
  /** Next-token accuracy (share of label tokens predicted by argmax), where the backend knows it. */
  accuracy: z.number().min(0).max(1).optional(),
  valAccuracy: z.number().min(0).max(1).optional(),
  learningRate: z.number().optional(),
  tokensPerSecond: z.number().min(0).optional(),
  etaSeconds: z.number().min(0).optional(),
  memoryBytes: z.number().min(0).optional(),
  elapsedSeconds: z.number().min(0).optional(),
});
export type TrainProgress = z.infer<typeof TrainProgress>;

export const TrainMetrics = z.object({
  steps: z.number().int(),
  tokens: z.number().int(),
  seconds: z.number(),
  firstLoss: z.number().optional(),
  finalLoss: z.number().optional(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  tokensPerSecond: z.number().optional(),
  peakMemoryBytes: z.number().optional(),
  /** Everything the trainer reported, as it named it. */
  details: z.record(z.string(), z.number()).default({}),
});
export type TrainMetrics = z.infer<typeof TrainMetrics>;

export const TrainResult = z.object({
  backend: TrainBackendId,
  kind: z.enum(['model', 'adapter']),
  /** The trained GGUF model, or the GGUF LoRA adapter. */
  file: z.string(),
  baseModel: z.string(),
  modelId: z.number().int().optional(),
  metrics: TrainMetrics,
  templateHash: z.string().optional(),
});
export type TrainResult = z.infer<typeof TrainResult>;

export const TrainerEnvStatus = z.object({
  python: z.string().nullable(),
  venv: z.string(),
  ready: z.boolean(),
  requirementsHash: z.string(),
  device: z.enum(['cuda', 'mps', 'cpu']).nullable(),
  problem: z.string().nullable(),
});
export type TrainerEnvStatus = z.infer<typeof TrainerEnvStatus>;

/** One training run's stored curve: every progress point, in the order the trainer reported them. */
export const TrainRunCurve = z.object({
  /** The run's key (`<evolution run>-r<round>` for an evolution round): the `runId` of its `train.progress` events. */
  runId: z.string(),
  jobId: z.number().int().nullable(),
  roundId: z.number().int().nullable(),
  points: z.array(TrainProgress),
});
export type TrainRunCurve = z.infer<typeof TrainRunCurve>;

/**
 * A training run's live progress. Events are throttled (at most ~10 a second per run): the points reported
 * since the previous event ride along in `earlier`, so a listener that keeps every point misses none.
 */
export const TrainProgressEvent = z.object({
  runId: z.string(),
  /** The job whose step is training, when it runs as a job. */
  jobId: z.number().int().optional(),
  roundId: z.number().int().optional(),
  /** The newest point. */
  progress: TrainProgress,
  /** Points reported since the previous event, oldest first (absent when there were none). */
  earlier: z.array(TrainProgress).optional(),
});
export type TrainProgressEvent = z.infer<typeof TrainProgressEvent>;

/** What `train.run` takes: files on this machine, a base by file or by registered model. */
export const TrainRunInput = z.object({
  /** Names the run: its `train.progress` / `train.log` events carry it, and `train.cancel` takes it. */
  runId: z.string().min(1).max(100),
  backend: TrainBackendId.default('native'),
  /** A GGUF file, else a registered model's name or id (an adapter model is refused: train on its base). */
  base: z.string().min(1),
  /** JSON lines of {"text": ..., "spans": [[start, end], ...]}. */
  data: z.string().min(1),
  /** Where the trained model (or LoRA adapter) goes. */
  output: z.string().min(1),
  name: z.string().min(1).max(200).optional(),
  register: z.boolean().default(true),
  hyper: TrainHyper.partial().default({}),
  validationShare: z.number().min(0).max(0.9).optional(),
  /** Native backend: CPU threads. */
  threads: z.number().int().min(1).max(1024).optional(),
  /** Python backend: a LoRA adapter, or every weight. */
  method: z.enum(['lora', 'full']).default('lora'),
  /** Command backend: a preset (unsloth, mlx-lm, llama-factory, toolsmith-native). */
  preset: z.string().min(1).optional(),
});

export const trainMethods = {
  'train.run': method(
    TrainRunInput,
    TrainResult,
    'Train a model from a dataset file with the native, python or command backend, and register the result (with its lineage when the base is registered).',
  ),
  'train.starter': method(
    z.object({
      model: z.union([z.number().int().positive(), z.string().min(1)]),
      steps: z.number().int().min(1).max(1_000_000).optional(),
      runId: z.string().min(1).max(100).optional(),
    }),
    z.object({
      modelId: z.number().int(),
      file: z.string(),
      firstLoss: z.number().nullable(),
      finalLoss: z.number().nullable(),
      heldOutAccuracy: z.number().nullable(),
    }),
    'Teach a starter model the call format on the built-in seed corpus (native trainer) and register the result; progress as train.progress events.',
  ),
  'train.cancel': method(
    z.object({ runId: z.string().min(1) }),
    z.object({ cancelled: z.boolean() }),
    'Cancel a running `train.run` of this process (nothing is registered).',
  ),
  'trainer.setupStatus': method(
    z.object({ venv: z.string().min(1).optional() }).default({}),
    TrainerEnvStatus,
    "State of the python trainer's environment in a given venv folder (default: the managed one).",
  ),
  'trainer.status': method(
    z.object({}).default({}),
    TrainerEnvStatus,
    "State of the python trainer's managed environment (interpreter, venv, device).",
  ),
  'train.curves': method(
    z
      .object({ jobId: z.number().int().optional(), runId: z.string().optional() })
      .refine((i) => i.jobId !== undefined || i.runId !== undefined, { message: 'give a jobId or a runId' }),
    z.object({ runs: z.array(TrainRunCurve) }),
    'The stored training curves of a job (one per training run, oldest first) or of one run: what `train.progress` sent so far.',
  ),
} as const;

export const trainEvents = {
  'train.progress': TrainProgressEvent,
  /** A trainer's log line during `train.run`. */
  'train.log': z.object({ runId: z.string(), level: z.string(), message: z.string() }),
} as const;
