import { z } from 'zod';
import { method } from './define';
import { SampleFilter, SampleStatus, Subtask } from './samples';

/** The pass@k buckets of model-aware selection (method.md). */
export const PassBucket = z.enum(['mastered', 'learnable', 'unreachable']);

/** Everything the Samples browser can narrow by, on top of the basic selection. */
export const BrowseFilter = SampleFilter.extend({
  /** Full-text search over the query and the output (FTS5 syntax: words, "phrases", prefix*). */
  search: z.string().trim().min(1).max(500).optional(),
  voteShare: z.object({ min: z.number().min(0).max(1).default(0), max: z.number().min(0).max(1).default(1) }).optional(),
  bucket: z.array(PassBucket).min(1).optional(),
  /** Samples with a verdict of this verifier that passed (or failed). */
  verdict: z.object({ verifier: z.enum(['format', 'schema', 'consistency', 'execution', 'human']), passed: z.boolean() }).optional(),
  model: z.array(z.number().int()).min(1).optional(),
  /** Samples generated in the rounds of this self-evolution run (its name). */
  run: z.string().trim().min(1).max(200).optional(),
  /**
   * One round's own lists: the candidates it scored with pass@k, or those it selected for training (its
   * training set: the mix is built from them). They may come from earlier rounds or imports.
   */
  roundSet: z.object({ round: z.number().int().positive(), only: z.enum(['candidates', 'selected']) }).optional(),
});
export type BrowseFilter = z.infer<typeof BrowseFilter>;

export const SortKey = z.enum(['id', 'updated', 'voteShare', 'passAtK', 'status', 'category']);

export const SampleRow = z.object({
  id: z.number().int(),
  subtask: Subtask,
  status: SampleStatus,
  category: z.string().nullable(),
  roundId: z.number().int().nullable(),
  modelId: z.number().int().nullable(),
  version: z.number().int(),
  /** In a page of the list, the first 300 characters of the query and the output; whole in a sample's detail. */
  query: z.string(),
  output: z.string(),
  voteShare: z.number().nullable(),
  passAtK: z.number().nullable(),
  bucket: PassBucket.nullable(),
  tags: z.array(z.string()),
  /** With a search: the query and output with matches wrapped in \u0001…\u0002 markers. */
  highlight: z.object({ query: z.string(), output: z.string() }).nullable(),
  updatedAt: z.string(),
});
export type SampleRow = z.infer<typeof SampleRow>;

/** Where a page ended (its last row's id and sort value): pass it back as `after` for the next page. */
export const PageCursor = z.object({ id: z.number().int(), key: z.union([z.number(), z.string(), z.null()]) });
export type PageCursor = z.infer<typeof PageCursor>;

const PageInput = z.object({
  filter: BrowseFilter.default({}),
  sort: z.object({ key: SortKey.default('id'), dir: z.enum(['asc', 'desc']).default('desc') }).default({ key: 'id', dir: 'desc' }),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
  /** Keyset paging: the previous page's `next`. The page then starts right after it and `offset` is only echoed. */
  after: PageCursor.optional(),
});

const Verdict = z.object({
  verifier: z.string(),
  passed: z.boolean(),
  reason: z.string(),
  version: z.number().int(),
  details: z.unknown().nullable(),
  createdAt: z.string(),
});

export const SampleDetail = z.object({
  row: SampleRow,
  input: z.unknown(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      query: z.string(),
      output: z.string(),
      author: z.string(),
      note: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  verdicts: z.array(Verdict),
  passHistory: z.array(
    z.object({
      roundId: z.number().int(),
      roundSeq: z.number().int().nullable(),
      k: z.number().int(),
      matches: z.number().int(),
      p: z.number(),
      bucket: PassBucket,
      selected: z.boolean(),
    }),
  ),
  provenance: z.object({
    roundId: z.number().int().nullable(),
    roundSeq: z.number().int().nullable(),
    model: z.string().nullable(),
    templateHash: z.string().nullable(),
    sampling: z.unknown().nullable(),
    source: z.object({ file: z.string(), line: z.number().int().nullable(), format: z.string().nullable() }).nullable(),
    createdAt: z.string(),
  }),
  /** The vote over the k outputs, when the sample came from self-consistency voting. */
  votes: z.array(z.object({ answer: z.string(), count: z.number().int() })).nullable(),
});
export type SampleDetail = z.infer<typeof SampleDetail>;

/** What a person can do to samples; every action is stored and can be undone. */
export const CurationAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accept') }),
  z.object({ kind: z.literal('reject'), reason: z.string().max(2000).optional() }),
  z.object({ kind: z.literal('tag'), tag: z.string().trim().min(1).max(100) }),
  z.object({ kind: z.literal('untag'), tag: z.string().trim().min(1).max(100) }),
  z.object({ kind: z.literal('edit'), output: z.string().min(1).max(100_000), note: z.string().max(2000).optional() }),
]);
export type CurationAction = z.infer<typeof CurationAction>;

const ActionResult = z.object({ actionId: z.number().int(), affected: z.number().int() });

export const DatasetStats = z.object({
  subtasks: z.array(
    z.object({
      subtask: Subtask,
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      byCategory: z.record(z.string(), z.number().int()),
      /**
       * Training examples of this sub-task the rounds trained on (their mixes). Doc adaption and refinement
       * examples are built from the selected samples at training time, so they are counted here, not stored.
       */
      trained: z.number().int(),
      /**
       * Where the sub-task's dataset size comes from: 'samples' (stored samples: invocation, tool generation) or
       * 'training' (doc adaption, refinement: examples built when a round trains, so `trained` is their size).
       */
      source: z.enum(['samples', 'training']),
      /** Training examples of this sub-task per round that trained, with the running total. */
      trainedByRound: z.array(
        z.object({
          roundId: z.number().int(),
          runId: z.string(),
          seq: z.number().int(),
          count: z.number().int(),
          cumulative: z.number().int(),
        }),
      ),
      /** Samples added per round (round seq; null = not from a round: imports, seeds). */
      byRound: z.array(
        z.object({
          roundId: z.number().int().nullable(),
          seq: z.number().int().nullable(),
          count: z.number().int(),
          cumulative: z.number().int(),
        }),
      ),
    }),
  ),
});
export type DatasetStats = z.infer<typeof DatasetStats>;

/** What an edit reads as (`samples.checkEdit`): `ok` false carries the reason saving it is refused. */
export const EditReading = z.object({
  ok: z.boolean(),
  kind: z.enum(['calls', 'words', 'invalid']),
  calls: z.number().int(),
  reason: z.string().nullable(),
});
export type EditReading = z.infer<typeof EditReading>;

export const curationMethods = {
  'samples.page': method(
    PageInput,
    z.object({ rows: z.array(SampleRow), offset: z.number().int(), hasMore: z.boolean(), next: PageCursor.nullable() }),
    'One page of samples, filtered, searched and sorted on the server (by offset, or after a cursor).',
  ),
  'samples.count': method(
    z.object({ filter: BrowseFilter.default({}) }),
    z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
    'How many samples a filter selects, by status.',
  ),
  'samples.detail': method(
    z.object({ id: z.number().int() }),
    SampleDetail,
    'One sample with its versions, verdicts, votes, pass@k history and provenance.',
  ),
  'samples.curate': method(
    z.object({
      action: CurationAction,
      /** Either explicit ids, or every sample a filter selects (bulk over a filter result). */
      target: z.union([z.object({ ids: z.array(z.number().int()).min(1).max(100_000) }), z.object({ filter: BrowseFilter })]),
    }),
    ActionResult,
    'Accept, reject, tag, untag or edit samples (edits add a version; the action is stored for undo).',
  ),
  'samples.undo': method(
    z.object({ actionId: z.number().int().optional() }).default({}),
    z.object({ actionId: z.number().int().nullable(), affected: z.number().int() }),
    'Undo a curation action (the latest not yet undone by default).',
  ),
  'datasets.stats': method(z.object({}).default({}), DatasetStats, 'Per sub-task: counts by status, category and round.'),
  'samples.checkEdit': method(
    z.object({ id: z.number().int(), output: z.string().max(100_000) }),
    EditReading,
    'Reads an edit as typed, without storing it: a call list or an answer in words, and whether saving it would be refused (why).',
  ),
} as const;

export const curationEvents = {
  'samples.changed': z.object({ ids: z.array(z.number().int()).max(1000), count: z.number().int() }),
} as const;
