import { z } from 'zod';
import { method } from './define';
import { INDOMAIN_SET, UNSEEN_SET } from './eval';

/** The model `toolsmith demo` runs on by default: a catalog entry (pulled once, cached), else the bundled starter. */
export const DEMO_MODEL = 'smollm2-135m-instruct';

/** The demo's defaults, shown by `toolsmith demo --help` and completed by `demo.setup`. */
export const DEMO_DEFAULTS = { rounds: 3, starterSteps: 30 } as const;

/** A starter small enough to train on two CPU cores in the demo's time. */
export const DEMO_STARTER_SHAPE = { embedding: 96, layers: 2, heads: 4, feedForward: 256, contextLength: 1024 } as const;

/** The demo's budgets (every one recorded with the rounds; the rest are method.md's defaults). */
export const DEMO_SETTINGS = {
  rounds: 3,
  earlyStop: false,
  importsPerRound: 16,
  generatedPerRound: 4,
  k: 4,
  passK: 4,
  maxTokens: 48,
  evalSets: [UNSEEN_SET, INDOMAIN_SET],
  evalLimit: 12,
  backend: 'native' as const,
  train: { epochs: 2, learningRate: 1e-3, contextLength: 1024, trainLayers: 'all' as const, maxSteps: 8 },
};

/**
 * The demo's settings for its starter: the bundled one was trained in full by the python trainer, so the
 * rounds train only what the native trainer's gradients are exact for (last block + output), on windows of
 * its 2048-token context; a freshly taught random starter keeps the small, all-layers settings above.
 */
export function demoSettings(bundled: boolean) {
  if (!bundled) return DEMO_SETTINGS;
  return {
    ...DEMO_SETTINGS,
    evalLimit: 20,
    // Its vocabulary is characters: a call with its arguments is 40–80 tokens, two calls up to 160.
    maxTokens: 160,
    train: { ...DEMO_SETTINGS.train, contextLength: 2048, trainLayers: 'last' as const, learningRate: 5e-4, maxSteps: 12 },
  };
}

/**
 * The demo's budgets for a pretrained instruct model on CPU (SmolLM2-135M-Instruct): LoRA through the python
 * trainer, the k answers under the call grammar (well-formed by construction: a weak model's unconstrained
 * answers are prose), evaluations of 20 items per set without refinement decoding (each refinement is another
 * generation per item, the slowest part on two cores).
 */
export const REAL_MODEL_DEMO_SETTINGS = {
  rounds: 3,
  earlyStop: false,
  importsPerRound: 16,
  generatedPerRound: 4,
  k: 4,
  passK: 2,
  maxTokens: 96,
  constrain: 'calls' as const,
  // Per-call voting keeps the calls most samples agree on (a weak model's k answers rarely agree whole).
  voteMode: 'per-call' as const,
  evalSets: [UNSEEN_SET, INDOMAIN_SET],
  evalLimit: 20,
  evalRefinement: 'off' as const,
  backend: 'python' as const,
  train: { epochs: 2, learningRate: 2e-4, contextLength: 1024, trainLayers: 'last' as const, maxSteps: 24 },
};

const Count = z.number().int().min(0);

export const demoMethods = {
  'demo.setup': method(
    z
      .object({
        /** A registered pretrained model to run on (pulled or imported by the caller); absent: the starter model. */
        modelId: z.number().int().positive().optional(),
        /** Native pretraining steps of a fresh starter (when the bundled one is not used). */
        starterSteps: z.number().int().min(0).max(100_000).default(DEMO_DEFAULTS.starterSteps),
        /** Use the bundled, already trained starter when there is one. */
        bundledStarter: z.boolean().default(true),
        /** Threads to teach a fresh starter with; none: the workspace's setting, else chosen from the cores free. */
        threads: z.number().int().min(1).max(1024).optional(),
      })
      .default({ bundledStarter: true, starterSteps: DEMO_DEFAULTS.starterSteps }),
    z.object({
      tools: Count,
      seedsInserted: Count,
      evalSets: z.array(z.string()),
      modelId: z.number().int().positive(),
      /** How the starter was had (null with `modelId`): reused, the bundled one, or taught the call format now. */
      starter: z.object({ trained: z.boolean(), bundled: z.boolean(), seconds: z.number(), finalLoss: z.number().optional() }).nullable(),
      /** The demo's settings for `evolution.start` (budgets for this model; the model id included). */
      settings: z.record(z.string(), z.unknown()),
    }),
    "Prepares a workspace for the demo: the built-in tool pool, its seed samples and held-out sets (each only when missing), the starter model when no model is given, and the demo's run settings for that model.",
  ),
} as const;

export const demoEvents = {
  /** A line of the set-up's log (`done` null), or the starter's training progress. */
  'demo.progress': z.object({ message: z.string().nullable(), done: z.number().nullable(), total: z.number().nullable() }),
} as const;
