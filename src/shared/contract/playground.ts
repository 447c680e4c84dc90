import { z } from 'zod';
import { method } from './define';
import { BackendSpec, Sampling } from './models';

/**
 * The playground: one exchange with any registered model (or a remote server) and a chosen set of pool tools,
 * shown whole — the prompt text the model received, its raw answer, the parsed calls, the verdicts, the tool
 * results from the sandbox and the refinement trace — and saved as a sample when it is good.
 */

/** Limits on what one exchange may carry (the engine refuses more, naming the field). */
export const PLAYGROUND_LIMITS = {
  messageChars: 20_000,
  systemChars: 4_000,
  turns: 40,
  tools: 32,
  maxTokens: 2_048,
  maxRefinements: 5,
} as const;

/** Chosen by the caller so that it can follow the exchange's events and cancel it before the answer returns. */
export const PlaygroundRequestId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a request id is 1 to 64 letters, digits, "-" or "_"');

export const PlaygroundTurn = z.object({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string().trim().min(1, 'a turn is not empty').max(PLAYGROUND_LIMITS.messageChars),
  /** For a tool turn: the tool whose result it is. */
  name: z.string().max(200).optional(),
});
export type PlaygroundTurn = z.infer<typeof PlaygroundTurn>;

const ToolIds = z
  .array(z.number().int().positive())
  .max(PLAYGROUND_LIMITS.tools, `at most ${PLAYGROUND_LIMITS.tools} tools`)
  .default([])
  .refine((ids) => new Set(ids).size === ids.length, 'a tool is chosen at most once');

const Conversation = z
  .array(PlaygroundTurn)
  .min(1)
  .max(PLAYGROUND_LIMITS.turns, `at most ${PLAYGROUND_LIMITS.turns} turns`)
  .refine((turns) => turns[turns.length - 1]!.role === 'user', 'the conversation ends with a user turn (the request to answer)');

const PlaygroundSampling = Sampling.extend({
  maxTokens: z.number().int().positive().max(PLAYGROUND_LIMITS.maxTokens).default(256),
});

export const PlaygroundRequest = z.object({
  requestId: PlaygroundRequestId,
  backend: BackendSpec.default({ kind: 'local' }),
  /** Generation threads, when the local model is not loaded yet. */
  threads: z.number().int().positive().max(256).optional(),
  /** Tools of the workspace's pools (`tools.list` ids) offered to the model. */
  toolIds: ToolIds,
  /** The system turn (default: the invocation instruction the rounds use). */
  system: z.string().max(PLAYGROUND_LIMITS.systemChars).optional(),
  messages: Conversation,
  /** 'calls': constrained to the call grammar (the model's call format); 'none': free text. */
  constrain: z.enum(['none', 'calls', 'calls-or-words']).default('none'),
  sampling: PlaygroundSampling.default({ temperature: 0, maxTokens: 256 }),
  /** Refinements after the answer (0: only the answer's own step); stops early when two answers agree. */
  maxRefinements: z.number().int().min(0).max(PLAYGROUND_LIMITS.maxRefinements).default(1),
  /** Run called tools that have an implementation in the sandbox. */
  execute: z.boolean().default(true),
});
export type PlaygroundRequest = z.input<typeof PlaygroundRequest>;

export const PlaygroundVerdict = z.object({ verifier: z.string(), passed: z.boolean(), reason: z.string() });
export type PlaygroundVerdict = z.infer<typeof PlaygroundVerdict>;

export const PlaygroundCall = z.object({ name: z.string(), args: z.record(z.string(), z.unknown()) });

export const PlaygroundToolResult = z.object({
  /** Index of the call in the parsed list. */
  index: z.number().int(),
  name: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  /** What went wrong (the sandbox's kind and message). */
  error: z.string().nullable(),
});
export type PlaygroundToolResult = z.infer<typeof PlaygroundToolResult>;

export const PlaygroundRefineStep = z.object({
  seq: z.number().int(),
  input: z.string(),
  output: z.string(),
  canonical: z.string().nullable(),
  verdicts: z.array(PlaygroundVerdict),
  tokens: z.number().int(),
  ms: z.number(),
});

export const PlaygroundExchange = z.object({
  requestId: PlaygroundRequestId,
  model: z.object({ id: z.number().int().nullable(), name: z.string(), backend: z.enum(['local', 'remote']) }),
  prompt: z.object({
    /** Local: the rendered chat template, exactly the text tokenized. Remote: the request body (the server renders it). */
    text: z.string(),
    segments: z.array(z.object({ text: z.string(), special: z.boolean() })),
    exact: z.boolean(),
    tokens: z.number().int().nullable(),
    templateHash: z.string().nullable(),
    toolMode: z.enum(['native', 'injected']).nullable(),
    callFormat: z.string().nullable(),
  }),
  /** What the model wrote. */
  raw: z.string(),
  /** The answer as the engine stores it: calls in canonical text, or the words. */
  answer: z.string(),
  tokens: z.number().int(),
  promptTokens: z.number().int(),
  ms: z.number(),
  finishReason: z.enum(['stop', 'length']).nullable(),
  parsed: z.object({
    kind: z.enum(['calls', 'words', 'invalid']),
    calls: z.array(PlaygroundCall),
    reason: z.string().nullable(),
  }),
  /** format, schema (when it parsed) and execution (when a called tool can run), as the verifiers give them. */
  verdicts: z.array(PlaygroundVerdict),
  toolResults: z.array(PlaygroundToolResult),
  refinement: z.object({
    stopReason: z.enum(['converged', 'max_refinements', 'no_refinement']),
    finalText: z.string(),
    changed: z.boolean(),
    steps: z.array(PlaygroundRefineStep),
  }),
  sampling: PlaygroundSampling,
});
export type PlaygroundExchange = z.infer<typeof PlaygroundExchange>;

export const PlaygroundSave = z.object({
  toolIds: ToolIds,
  system: z.string().max(PLAYGROUND_LIMITS.systemChars).optional(),
  messages: Conversation,
  /** The answer to store (the exchange's, or as the person corrected it): a call list, or words when no tool fits. */
  output: z.string().trim().min(1).max(100_000),
  /** Which model answered, its template and sampling: the sample's provenance. */
  modelId: z.number().int().positive().nullable().default(null),
  templateHash: z.string().max(100).nullable().default(null),
  sampling: PlaygroundSampling.optional(),
  note: z.string().max(2000).optional(),
});

export const playgroundMethods = {
  'playground.send': method(
    PlaygroundRequest,
    PlaygroundExchange,
    'One playground exchange: the model answers the conversation with the chosen tools; returns the exact prompt, the raw answer, parsed calls, verdicts, sandbox results and the refinement trace (streamed as playground.progress, cancel with playground.cancel).',
  ),
  'playground.cancel': method(
    z.object({ requestId: PlaygroundRequestId }),
    z.object({ cancelled: z.boolean() }),
    'Cancel a running playground exchange (false when none of that id runs).',
  ),
  'playground.save': method(
    PlaygroundSave,
    z.object({ sampleId: z.number().int(), created: z.boolean(), category: z.string(), verdicts: z.array(PlaygroundVerdict) }),
    'Save a playground exchange as an invocation sample (provenance "playground", checked and verified like an edit; created is false when the same sample already exists).',
  ),
} as const;

export const playgroundEvents = {
  'playground.progress': z.object({
    requestId: PlaygroundRequestId,
    stage: z.enum(['loading', 'generating', 'executing', 'refining', 'done']),
    /** With 'generating': the next piece of the answer's text. */
    text: z.string().default(''),
  }),
} as const;
