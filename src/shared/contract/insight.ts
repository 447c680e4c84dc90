import { z } from 'zod';
import { method } from './define';
import { PairedComparison } from './eval';
import { RoundCounts } from './round-counts';
import { TrainProgress } from './train';

/** Read models for the dashboards: rounds, evaluation comparisons, refinement traces, the overview. */

const Metric = z.object({ name: z.string(), category: z.string(), value: z.number() });
const Buckets = z.object({ mastered: z.number().int(), learnable: z.number().int(), unreachable: z.number().int() });

export const RoundSummary = z.object({
  id: z.number().int(),
  runId: z.string(),
  seq: z.number().int(),
  state: z.string(),
  stage: z.string().nullable(),
  baseModel: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  resultModel: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  generated: z.number().int(),
  verified: z.number().int(),
  selected: z.number().int(),
  /** Every count of the round, from the one source the CLI and the model card read too. */
  counts: RoundCounts,
  buckets: Buckets,
  /** Bucket counts of the samples this round and the round before both scored: where they moved. */
  movement: z.array(z.object({ from: z.string(), to: z.string(), count: z.number().int() })),
  metrics: z.array(Metric),
  evalRuns: z.array(
    z.object({
      id: z.number().int(),
      set: z.string(),
      /** 'unconstrained': the round's evaluation (free text); 'constrained': the same items under the call grammar. */
      mode: z.enum(['constrained', 'unconstrained']),
      accuracy: z.number().nullable(),
      correct: z.number().int(),
      items: z.number().int(),
    }),
  ),
  /** The round's training curve, as the trainer reported it. */
  trainCurve: z.array(TrainProgress),
});
export type RoundSummary = z.infer<typeof RoundSummary>;

const CategoryCompare = z.object({
  category: z.string(),
  a: z.object({ correct: z.number().int(), total: z.number().int(), accuracy: z.number() }).nullable(),
  b: z.object({ correct: z.number().int(), total: z.number().int(), accuracy: z.number() }).nullable(),
  delta: z.number().nullable(),
});

const Flip = z.object({
  itemId: z.number().int(),
  itemKey: z.string(),
  category: z.string(),
  change: z.enum(['fixed', 'broken']),
  outputA: z.string(),
  outputB: z.string(),
  errorA: z.string().nullable(),
  errorB: z.string().nullable(),
  traceA: z.number().int().nullable(),
  traceB: z.number().int().nullable(),
});

/** A round's evaluation on one set against round 0 or the last accepted round before it, item by item. */
export const RoundComparison = z.object({
  set: z.string(),
  against: z.enum(['round0', 'previous']),
  referenceSeq: z.number().int(),
  referenceRunId: z.number().int(),
  runId: z.number().int(),
  test: PairedComparison,
});
export type RoundComparison = z.infer<typeof RoundComparison>;

export const RoundVerdict = z.object({ accepted: z.boolean(), reason: z.string(), rule: z.string() });

export const EvalRunInfo = z.object({
  id: z.number().int(),
  set: z.string(),
  setId: z.number().int(),
  label: z.string(),
  model: z.string().nullable(),
  roundSeq: z.number().int().nullable(),
  createdAt: z.string(),
  correct: z.number().int(),
  total: z.number().int(),
});

const TraceRow = z.object({
  id: z.number().int(),
  query: z.string(),
  stopReason: z.string(),
  iterations: z.number().int(),
  changed: z.boolean(),
  finalText: z.string(),
  totalTokens: z.number().int(),
  totalMs: z.number(),
  model: z.string().nullable(),
  roundSeq: z.number().int().nullable(),
  evalRunId: z.number().int().nullable(),
  createdAt: z.string(),
});

const TraceFilter = z.object({
  changed: z.boolean().optional(),
  stopReason: z.string().optional(),
  iterations: z.number().int().optional(),
  evalRunId: z.number().int().optional(),
});

export const insightMethods = {
  'insight.rounds': method(
    z.object({ runId: z.string().optional() }).default({}),
    z.object({ rounds: z.array(RoundSummary) }),
    'Every evolution round with its counts, buckets, metrics and evaluations.',
  ),
  'insight.evalRuns': method(z.object({}).default({}), z.object({ runs: z.array(EvalRunInfo) }), 'Every evaluation run, newest first.'),
  'insight.evalCompare': method(
    z.object({ a: z.number().int(), b: z.number().int() }),
    z.object({ a: EvalRunInfo, b: EvalRunInfo, categories: z.array(CategoryCompare), flips: z.array(Flip), paired: PairedComparison }),
    'Two evaluation runs of one set side by side: accuracy per category with deltas, the items that flipped, and the paired test (McNemar, bootstrap interval).',
  ),
  'insight.roundComparison': method(
    z.object({ id: z.number().int().positive() }),
    z.object({
      seq: z.number().int(),
      acceptRule: z.string(),
      /** The decide step's verdict and why; null for round 0 and before the round is decided. */
      verdict: RoundVerdict.nullable(),
      comparisons: z.array(RoundComparison),
    }),
    "A round's change against round 0 and the last accepted round, per set, with the paired test on the same items and the flipped items; and its verdict.",
  ),
  'insight.traces': method(
    z.object({
      filter: TraceFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.object({
      rows: z.array(TraceRow),
      total: z.number().int(),
      histogram: z.array(z.object({ iterations: z.number().int(), count: z.number().int() })),
      stopReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    }),
    'Refinement traces with filters, and the histogram of iterations to stop.',
  ),
  'insight.trace': method(
    z.object({ id: z.number().int() }),
    z.object({
      trace: TraceRow,
      tools: z.unknown(),
      steps: z.array(
        z.object({
          seq: z.number().int(),
          input: z.string(),
          output: z.string(),
          canonical: z.unknown().nullable(),
          verdicts: z.unknown().nullable(),
          tokens: z.number().int(),
          ms: z.number(),
        }),
      ),
    }),
    'One refinement trace with every step.',
  ),
  'insight.overview': method(
    z.object({}).default({}),
    z.object({
      currentModel: z.object({ id: z.number().int(), name: z.string(), kind: z.string(), createdAt: z.string() }).nullable(),
      lastRound: RoundSummary.nullable(),
      /**
       * Held-out accuracy (a fraction) of every round's evaluation, per run in round order. `inTrend` is false
       * for a round that was rolled back, cancelled or failed, and for an unfinished evaluation: charts mark
       * those and leave them out of the line.
       */
      trend: z.array(
        z.object({
          label: z.string(),
          accuracy: z.number(),
          set: z.string(),
          runId: z.string(),
          seq: z.number().int(),
          state: z.string(),
          correct: z.number().int(),
          items: z.number().int(),
          inTrend: z.boolean(),
        }),
      ),
      runningJob: z.object({ id: z.number().int(), title: z.string(), state: z.string() }).nullable(),
    }),
    'The headline: current model, last round, accuracy trend, running job.',
  ),
} as const;
