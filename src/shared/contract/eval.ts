import { z } from 'zod';
import { method } from './define';

/** The built-in held-out sets every workspace can install: in-domain (pool tools) and unseen tools. */
export const INDOMAIN_SET = 'toolsmith-indomain';
export const UNSEEN_SET = 'toolsmith-unseen';

const Id = z.number().int().positive();

/** A file the engine reads itself (`path`), or its text sent by a client that has no access to the disk. */
export const FileInput = z.union([z.object({ path: z.string().min(1) }), z.object({ fileName: z.string().min(1), text: z.string() })]);
export type FileInput = z.infer<typeof FileInput>;

export const CategoryCount = z.object({ category: z.string(), count: z.number().int() });

export const EvalSetSummary = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['bfcl', 'builtin', 'custom']),
  source: z.string().nullable(),
  itemCount: z.number().int(),
  createdAt: z.string(),
  categories: z.array(CategoryCount),
});
export type EvalSetSummary = z.infer<typeof EvalSetSummary>;

export const CategorySummary = z.object({
  category: z.string(),
  total: z.number().int(),
  correct: z.number().int(),
  accuracy: z.number(),
  /** BFCL error type → how many items failed with it. */
  errorTypes: z.record(z.string(), z.number().int()),
});
export type CategorySummary = z.infer<typeof CategorySummary>;

export const EvalSummary = z.object({
  total: z.number().int(),
  correct: z.number().int(),
  accuracy: z.number(),
  errorTypes: z.record(z.string(), z.number().int()),
  categories: z.array(CategorySummary),
});
export type EvalSummary = z.infer<typeof EvalSummary>;

/**
 * Two evaluations of the same items compared item by item (eval/paired-test.ts): the exact McNemar test on
 * the items that flipped and a seeded paired-bootstrap interval of the accuracy difference (fractions).
 */
export const PairedComparison = z.object({
  n: z.number().int(),
  correctBefore: z.number().int(),
  correctAfter: z.number().int(),
  accuracyBefore: z.number(),
  accuracyAfter: z.number(),
  difference: z.number(),
  /** wrong→right */
  fixed: z.number().int(),
  /** right→wrong */
  broken: z.number().int(),
  pValue: z.number(),
  interval: z.object({ low: z.number(), high: z.number(), level: z.number(), iterations: z.number().int(), seed: z.number().int() }),
  fixedKeys: z.array(z.string()),
  brokenKeys: z.array(z.string()),
});
export type PairedComparison = z.infer<typeof PairedComparison>;

export const EvalRunSummary = z.object({
  id: Id,
  setId: Id,
  setName: z.string(),
  label: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  summary: EvalSummary.nullable(),
});
export type EvalRunSummary = z.infer<typeof EvalRunSummary>;

export const EvalResultRow = z.object({
  itemId: Id,
  itemKey: z.string(),
  category: z.string(),
  valid: z.boolean(),
  errorType: z.string().nullable(),
  error: z.array(z.string()),
  output: z.string(),
  /** The item's question (BFCL: a list of turns of chat messages) and its possible answer. */
  question: z.json(),
  answer: z.json().nullable(),
});
export type EvalResultRow = z.infer<typeof EvalResultRow>;

const SetRef = z.union([Id, z.string().min(1)]);

/**
 * One evaluation run as the leaderboard lists it: which model on which set, how many items it got right of how
 * many, and where it came from (a round of a self-evolution run, an evaluation of a model, or checked outputs).
 */
export const LeaderboardEntry = z.object({
  runId: Id,
  setId: Id,
  set: z.string(),
  modelId: Id.nullable(),
  /** The model's name; null for outputs checked from a file (no model of the registry). */
  model: z.string().nullable(),
  /** The round whose evaluation this was: its self-evolution run and its number within that run. */
  round: z.object({ id: Id, run: z.string(), seq: z.number().int() }).nullable(),
  source: z.enum(['round', 'model', 'checked']),
  /** 'constrained': under the call grammar (a round's second look, not its main metric). */
  mode: z.enum(['free', 'constrained']),
  label: z.string(),
  correct: z.number().int(),
  /** Items with a result (a run still going, or stopped, counts those it has). */
  total: z.number().int(),
  accuracy: z.number().nullable(),
  finished: z.boolean(),
  createdAt: z.string(),
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

export const evalMethods = {
  'eval.import': method(
    z.object({
      questions: FileInput,
      /** The possible-answer file; irrelevance sets have none. */
      answers: FileInput.optional(),
      /** Default: the questions file's name without extension (e.g. BFCL_v4_simple_python). */
      name: z.string().min(1).max(200).optional(),
    }),
    z.object({ set: EvalSetSummary }),
    'Import a BFCL question file (+ possible answers) as an evaluation set: all or nothing, with progress events.',
  ),
  'eval.importBfclSample': method(
    z.object({
      /** A folder of BFCL's files (BFCL_v4_<category>.json + possible_answer/); the non-live ones are read. */
      dir: z.string().min(1),
      sample: z.number().int().min(1).max(100_000).default(200),
      seed: z.number().int().default(1),
      name: z.string().min(1).max(200).default('bfcl-heldout'),
    }),
    z.object({
      set: EvalSetSummary,
      categories: z.array(z.object({ category: z.string(), available: z.number().int(), sampled: z.number().int() })),
    }),
    "A held-out set from BFCL's non-live files: a stratified seeded sample (equal shares per category), stored as one evaluation set.",
  ),
  'eval.listSets': method(
    z.object({}).default({}),
    z.object({ items: z.array(EvalSetSummary) }),
    'Evaluation sets with their category counts.',
  ),
  'eval.deleteSet': method(z.object({ set: SetRef }), z.object({ deleted: z.boolean() }), 'Delete an evaluation set with its runs.'),
  'eval.items': method(
    z.object({
      set: SetRef,
      category: z.string().optional(),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    z.object({
      items: z.array(
        z.object({ id: Id, key: z.string(), category: z.string(), question: z.json(), tools: z.json(), answer: z.json().nullable() }),
      ),
      total: z.number().int(),
    }),
    'Items of an evaluation set.',
  ),
  'eval.check': method(
    z.object({
      set: SetRef,
      /** BFCL's result-file shape: one raw model text per item id. Items without an output count as failed. */
      outputs: z.array(z.object({ id: z.string().min(1), result: z.string() })),
      label: z.string().max(200).default(''),
      /** 'bfcl': decode as BFCL does for prompting models; 'any': also JSON/Hermes/OpenAI tool-call forms. */
      decoder: z.enum(['bfcl', 'any']).default('bfcl'),
      /** Also return every item's verdict in set order (for line-by-line comparison). */
      includeResults: z.boolean().default(false),
    }),
    z.object({
      run: EvalRunSummary,
      results: z.array(z.object({ id: z.string(), valid: z.boolean(), errorType: z.string().nullable() })).optional(),
    }),
    'Check given model outputs against an evaluation set (BFCL rules) and store the run.',
  ),
  'eval.runs': method(
    z.object({ set: SetRef.optional() }).default({}),
    z.object({ items: z.array(EvalRunSummary) }),
    'Evaluation runs, newest first.',
  ),
  'eval.leaderboard': method(
    z.object({ set: SetRef.optional() }).default({}),
    z.object({ entries: z.array(LeaderboardEntry) }),
    "Every evaluation run (rounds' own included) as model × set, with correct/total and where each came from, newest first.",
  ),
  'eval.run': method(
    z.object({
      runId: Id,
      onlyFailing: z.boolean().default(false),
      category: z.string().optional(),
      errorType: z.string().optional(),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    z.object({ run: EvalRunSummary, results: z.array(EvalResultRow), total: z.number().int() }),
    "One run: its per-category summary and its items' results (e.g. the failing ones).",
  ),
} as const;

export const evalEvents = {
  'eval.importProgress': z.object({
    name: z.string(),
    phase: z.enum(['questions', 'answers', 'storing', 'done']),
    lines: z.number().int(),
    items: z.number().int(),
  }),
  'eval.changed': z.object({ setId: z.number().int().nullable() }),
} as const;
