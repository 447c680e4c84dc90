import { z } from 'zod';
import { method } from './define';
import { GpuSetting, ModelRef, RemoteBackendSettings } from './models';
import { RoundCounts } from './round-counts';

/**
 * Where a round's generation runs (query writing, tool-making, tool-using): the round's current model in
 * the engine's local runtime (GPU when one is found; a trained LoRA adapter is applied on its base), or an
 * OpenAI-compatible server. Training and evaluation always run on the local model: it is what a round trains,
 * and accept / roll back compares two evaluations of the same runtime (docs/evolution.md).
 */
export const RoundBackend = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), gpu: GpuSetting.default('auto') }),
  RemoteBackendSettings.extend({ kind: z.literal('remote') }),
]);
export type RoundBackend = z.infer<typeof RoundBackend>;

/**
 * Every setting of a self-evolution run, with method.md's defaults. The parsed settings are stored with the
 * job and with every round (`rounds.settings_json`), so each number in a report can be traced to the setting
 * that produced it. Settings marked "ours" are not fixed by the papers or method.md.
 */
export const EvolveSettings = z.object({
  /** Names the run (rounds are grouped by it); generated when absent. */
  runId: z
    .string()
    .min(1)
    .max(100)
    .default(() => `run-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${Math.random().toString(36).slice(2, 6)}`),
  /** Registry id of the model to start from. */
  modelId: z.number().int().positive(),
  /** Tool pool whose tools the model writes queries for. */
  pool: z.string().min(1).default('builtin'),
  rounds: z.number().int().min(1).max(50).default(3),
  /** Stop early when a round selects no new sample or does not improve the main metric. */
  earlyStop: z.boolean().default(true),

  // ---- queries in (ours: budgets) ----
  /** Labelled queries (imports, seeds) taken per round, not yet used by this run. */
  importsPerRound: z.number().int().min(0).default(48),
  /** New queries the model writes for pool tools, per round. */
  generatedPerRound: z.number().int().min(0).default(16),
  /** Targeted synthesis: split the generated-query budget by where the last evaluation failed (off = uniform). */
  targeted: z.boolean().default(true),

  // ---- tool-using and verification (method.md) ----
  k: z.number().int().min(1).max(64).default(8),
  temperature: z.number().min(0).max(2).default(0.7),
  voteThreshold: z.number().min(0).max(1).default(0.5),
  /** 'answer': the most frequent whole answer (method.md); 'per-call': every call a threshold share of the samples made (ours). */
  voteMode: z.enum(['answer', 'per-call']).default('answer'),
  maxTokens: z.number().int().min(8).max(4096).default(160),
  /** 'calls' constrains outputs to the call syntax by grammar (then no answer in words is possible). */
  constrain: z.enum(['none', 'calls']).default('none'),
  execute: z.boolean().default(true),

  // ---- curation ----
  /** 'wait': the round pauses after verification until the person marks it curated. */
  curation: z.enum(['auto', 'wait']).default('auto'),

  // ---- model-aware selection (ToolACE-R) ----
  selection: z.enum(['model-aware', 'random']).default('model-aware'),
  passK: z.number().int().min(1).max(64).default(4),
  replayShare: z.number().min(0).max(1).default(0.1),
  unreachableCap: z.number().min(0).max(1).default(0.3),
  /**
   * Fewest samples a round trains on (0 = off; ours): below it the selection is topped up with the easiest
   * unreachable candidates left, then mastered ones, so a weak model's round is not a handful of samples.
   */
  minSelected: z.number().int().min(0).max(100_000).default(0),

  // ---- training mix ----
  mix: z
    .object({
      invocation: z.number().min(0).default(0.6),
      toolGeneration: z.number().min(0).default(0.2),
      docAdaption: z.number().min(0).default(0.2),
    })
    .default({ invocation: 0.6, toolGeneration: 0.2, docAdaption: 0.2 }),
  /** Refinement samples (wrong→corrected : right→unchanged at `refineRatio`), as a share of the invocation examples (ours). */
  refinementShare: z.number().min(0).max(2).default(0.2),
  refineRatio: z.number().positive().default(1),

  // ---- training ----
  backend: z.enum(['native', 'python', 'command']).default('native'),
  train: z
    .object({
      epochs: z.number().positive().default(2),
      maxSteps: z.number().int().positive().optional(),
      learningRate: z.number().positive().default(3e-4),
      contextLength: z.number().int().min(8).default(512),
      trainLayers: z.union([z.literal('last'), z.literal('all'), z.number().int().positive()]).default('last'),
      /** Trainer threads; none: the workspace's setting, else chosen from the cores free when the run starts. */
      threads: z.number().int().positive().max(256).optional(),
      command: z.array(z.string()).optional(),
    })
    .default({ epochs: 2, learningRate: 3e-4, contextLength: 512, trainLayers: 'last' }),

  // ---- evaluation and acceptance ----
  /** Held-out evaluation sets (names in eval_sets); the first is the main metric unless `mainSet` says otherwise. */
  evalSets: z.array(z.string().min(1)).default(['toolsmith-unseen', 'toolsmith-indomain']),
  mainSet: z.string().optional(),
  /** Items per set evaluated (0 = all). */
  evalLimit: z.number().int().min(0).default(0),
  /**
   * Items per set evaluated a second time under the call grammar each round (evenly spread; 0 = off). The
   * round's own evaluation is free text; this pass shows how much of the accuracy the grammar supplies.
   */
  constrainedEvalItems: z.number().int().min(0).default(80),
  /** Regression tolerance, in accuracy points (the 'tolerance' accept rule). */
  tolerance: z.number().min(0).default(0.5),
  /**
   * Accept / roll back (ours; docs/evolution.md "Statistics"): 'tolerance' accepts unless the main metric falls
   * more than `tolerance` points; 'significant' accepts only a gain on the main set that the exact McNemar
   * test against the last accepted round's evaluation (same items) finds significant at 95 %.
   */
  acceptRule: z.enum(['tolerance', 'significant']).default('tolerance'),
  /** Refinement decoding in evaluation: adaptive (ToolACE-R), fixed (always maxRefinements), or off. */
  evalRefinement: z.enum(['adaptive', 'fixed', 'off']).default('adaptive'),
  maxRefinements: z.number().int().min(0).max(10).default(3),

  /** Which backend generates (`backend` above is the trainer's). */
  generation: RoundBackend.default({ kind: 'local', gpu: 'auto' }),
  /** Generation threads of the local backend; none: the workspace's setting, else chosen from the cores free. */
  threads: z.number().int().positive().max(256).optional(),
  seed: z.number().int().default(1),
  /** Test-only: subtract this many points from every round's main metric, forcing a regression. */
  simulateRegression: z.number().min(0).default(0),
});
export type EvolveSettings = z.infer<typeof EvolveSettings>;
/** What `evolution.start` takes: the settings, with the model by name or id. */
export type EvolveSettingsInput = Omit<z.input<typeof EvolveSettings>, 'modelId'> & { modelId: ModelRef };

const RoundState = z.enum(['running', 'accepted', 'rolled_back', 'failed', 'cancelled']);

export const RoundMetric = z.object({ name: z.string(), category: z.string(), value: z.number() });
export type RoundMetric = z.infer<typeof RoundMetric>;

export const RoundSummary = z.object({
  id: z.number().int(),
  runId: z.string(),
  seq: z.number().int(),
  jobId: z.number().int().nullable(),
  state: RoundState,
  /** The step the round is in (queries, tool-making, …, done). */
  stage: z.string().nullable(),
  baseModelId: z.number().int().nullable(),
  resultModelId: z.number().int().nullable(),
  templateHash: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  curatedAt: z.string().nullable(),
  metrics: z.array(RoundMetric),
  /** Generated, verified, selected and trained: the counts every view, the CLI and the model card share. */
  counts: RoundCounts,
});
export type RoundSummary = z.infer<typeof RoundSummary>;

/** A round waiting for the person to curate it: its samples (all, and those still candidates). */
export const WaitingRound = z.object({
  id: z.number().int(),
  runId: z.string(),
  seq: z.number().int(),
  jobId: z.number().int().nullable(),
  samples: z.number().int(),
  /** Samples still candidates: not yet accepted, rejected or edited. */
  candidates: z.number().int(),
});
export type WaitingRound = z.infer<typeof WaitingRound>;

export const RunSummary = z.object({
  runId: z.string(),
  jobId: z.number().int().nullable(),
  rounds: z.number().int(),
  startedAt: z.string(),
  /** Main metric per round, round 0 first (null while a round has none yet). */
  mainTrend: z.array(z.number().nullable()),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const SelectionRecord = z.object({
  sampleId: z.number().int(),
  k: z.number().int(),
  matches: z.number().int(),
  p: z.number(),
  bucket: z.enum(['mastered', 'learnable', 'unreachable']),
  selected: z.boolean(),
  difficulty: z.number().nullable(),
  reason: z.string().nullable(),
});

export const RoundDetail = z.object({
  round: RoundSummary,
  settings: z.record(z.string(), z.unknown()),
  /** Samples the round made, by sub-task and status. */
  samples: z.array(z.object({ subtask: z.string(), status: z.string(), count: z.number().int() })),
  selection: z.array(SelectionRecord),
  evalRuns: z.array(
    z.object({
      id: z.number().int(),
      set: z.string(),
      /** 'unconstrained': the round's evaluation (free text); 'constrained': the same items under the call grammar. */
      mode: z.enum(['constrained', 'unconstrained']),
      modelId: z.number().int().nullable(),
      summary: z.unknown(),
    }),
  ),
  /** Refinement traces of this round's evaluation: count and stop reasons. */
  traces: z.object({ count: z.number().int(), byStopReason: z.record(z.string(), z.number().int()) }),
});
export type RoundDetail = z.infer<typeof RoundDetail>;

export const evolutionMethods = {
  'evolution.start': method(
    // The model by name or id; the engine stores the id it resolves to, so a later rename changes nothing.
    EvolveSettings.extend({ modelId: ModelRef }),
    z.object({ jobId: z.number().int(), runId: z.string() }),
    'Start a self-evolution run (a job of kind evolution.run).',
  ),
  'evolution.runs': method(
    z.object({}).default({}),
    z.object({ items: z.array(RunSummary) }),
    'Self-evolution runs with their accuracy trend.',
  ),
  'evolution.rounds': method(
    z.object({ runId: z.string().optional() }),
    z.object({ items: z.array(RoundSummary) }),
    'Rounds (of one run, or all) with their metrics.',
  ),
  'evolution.round': method(
    z.object({ id: z.number().int().positive() }),
    RoundDetail,
    "One round's details: settings, samples, selection, evaluation, traces.",
  ),
  'evolution.continue': method(
    z.object({ runId: z.string().min(1).max(100) }),
    z.object({ round: RoundSummary, waiting: WaitingRound }),
    'Marks the round of a run that waits at its curation point as curated, so it goes on to selection; an error names the run when none waits. Returns the round and what it held when continued.',
  ),
  'evolution.waiting': method(
    z.object({ runId: z.string().optional() }).default({}),
    z.object({ items: z.array(WaitingRound) }),
    'Rounds waiting at their curation point (of one run, or all), with how many of their samples await review.',
  ),
} as const;

export const evolutionEvents = {} as const;
