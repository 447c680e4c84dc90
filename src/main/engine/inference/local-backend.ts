import {
  LlamaGrammarEvaluationState,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGpuType,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
  TokenBias,
} from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult, GeneratedOutput, GenerationBackend } from './backend';
import { callGrammar, startsLikeCalls, type CallGrammarOptions } from './call-grammar';
import { toGbnfJsonSchema } from './json-schema-grammar';
import { readBareCalls, toCanonicalText, type CallFormat } from './call-formats';
import { printCalls } from '../tools/call-print';
import { chatTemplateFromMetadata, renderChat, type ChatTemplate } from './chat-render';
import { readGguf } from '../lib/gguf/read';
import { deviceReport, loadModel, type DeviceReport, type GpuSetting } from './runtime';

/**
 * The local generation backend: one GGUF model (optionally with a LoRA adapter) in node-llama-cpp, one
 * context with several sequences. A request for k samples evaluates the prompt once on the first sequence,
 * copies that state to k − 1 more sequences and samples them in parallel (one batch per step), each with
 * its own seed and grammar state. A prompt that shares a prefix with the previous request reuses the
 * evaluated prefix.
 *
 * Costs measured on CPU (bench/generation.bench.ts), which shape how the context is made:
 * - node-llama-cpp gives every sequence its own KV stream (kv_unified is off in its addon), so a sample
 *   attends over its own copy of the prompt and a copy is a whole-stream memcpy: each sequence gets only
 *   the cells the requests need (`cellsFor`), not the full `contextSize`.
 * - llama.cpp's CPU flash attention runs one query row at a time per stream, several times slower than
 *   plain attention for k parallel samples; and its F16 dot product of 32-value heads falls back to scalar
 *   code on AVX-512, while the Q8_0 one stays vectorised. So on CPU: no flash attention, and Q8_0 keys
 *   where heads have 32 values (`useQ8Keys`; values stay F16).
 */

export interface LocalBackendOptions {
  modelPath: string;
  loraPath?: string;
  /** LoRA scale (default 1). */
  loraScale?: number;
  /** Threads for evaluation (default: llama.cpp's physical-core count). Tests use 1–2. */
  threads?: number;
  /**
   * Tokens each sequence can hold at most, prompt and output (default min(4096, the model's training
   * context)). The context is allocated for what requests need (powers of two, at least 256) up to this.
   */
  contextSize?: number;
  gpu?: GpuSetting;
  /** Parallel sequences to allocate up front (default 8, grown when a request asks for more). */
  sequences?: number;
  /** Limits of the call grammar (string length, list sizes, number of calls). */
  grammar?: CallGrammarOptions;
  /** The model's call format when it differs from what its template teaches (a registry setting). */
  callFormat?: CallFormat | null;
  skipMemoryCheck?: boolean;
}

export type FinishReason = 'stop' | 'length';

export interface LocalGeneratedOutput extends GeneratedOutput {
  finishReason: FinishReason;
}

export interface LocalGenerateResult extends GenerateResult {
  outputs: LocalGeneratedOutput[];
  /** Prompt tokens actually evaluated for this request: the new part of the prompt once, plus one per extra sample. */
  evaluatedPromptTokens: number;
  /**
   * Tokens the context evaluated without sampling from them, summed over the sequences (node-llama-cpp's
   * token meters): the prompt tokens that were evaluated, counted independently of our own bookkeeping.
   */
  contextInputTokens: number;
}

export interface LocalGenerateRequest extends GenerateRequest {
  /** Forbid end-of-generation tokens so every sample runs to maxTokens (benchmarks). */
  banEog?: boolean;
}

export interface LocalBackend extends GenerationBackend {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly template: ChatTemplate;
  readonly device: DeviceReport;
  generate(request: LocalGenerateRequest): Promise<LocalGenerateResult>;
  /** The prompt text and tokens a request renders to. */
  renderPrompt(request: Pick<GenerateRequest, 'messages' | 'tools'>): { text: string; tokens: Token[] };
}

export class GenerationCancelledError extends Error {
  constructor() {
    super('Generation was cancelled');
    this.name = 'AbortError';
  }
}

/** Serialises requests: one context, one generation at a time. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

type StateCopy = (other: LlamaContextSequence, upToTokenIndex: number) => Promise<boolean>;

/**
 * node-llama-cpp's state copy between sequences (`_copyStateFromOtherSequence`, internal and undocumented in
 * 3.22: `llama_memory_seq_cp` underneath), which is what lets k samples evaluate their prompt once. Without
 * it every sample would evaluate the whole prompt again (k times the prompt's work), so a node-llama-cpp
 * that dropped it fails here with a clear line instead of slowing down unnoticed.
 */
export function stateCopyOf(seq: LlamaContextSequence): StateCopy {
  const copy: unknown = (seq as unknown as { _copyStateFromOtherSequence?: unknown })._copyStateFromOtherSequence;
  if (typeof copy !== 'function')
    throw new Error(
      'Cannot share a prompt between samples: this node-llama-cpp LlamaContextSequence has no _copyStateFromOtherSequence (an internal of node-llama-cpp 3.22 that Toolsmith relies on)',
    );
  return (copy as StateCopy).bind(seq);
}

/**
 * Holds each sample after it got its token until every sample still running got its own, so that all of
 * them queue their next token together and node-llama-cpp decodes one step as one batch of k tokens.
 * (Left alone, the sample sampled last misses the batch the others start, and 32 steps take ~37 decodes.)
 */
export class StepBarrier {
  private waiting: (() => void)[] = [];
  constructor(private parties: number) {}
  /** Resolves when every party still running has arrived. */
  arrive(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.release();
    });
  }
  /** A party that finished (or failed) stops counting. */
  leave(): void {
    this.parties--;
    this.release();
  }
  private release(): void {
    if (this.waiting.length === 0 || this.waiting.length < this.parties) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * Whether keys are cached as Q8_0 on the CPU: where they are vectorised and F16 keys are not, i.e. heads of
 * 32 values (a multiple of Q8_0's 32-value block — with other sizes llama.cpp would fail or misread them —
 * and shorter than the 64 values AVX-512 F16 code handles at once).
 */
export function useQ8Keys(metadata: Record<string, unknown>): boolean {
  const arch = metadata['general.architecture'];
  const num = (key: string) => {
    const v = metadata[`${String(arch)}.${key}`];
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
  };
  const embedding = num('embedding_length');
  const heads = num('attention.head_count');
  const keyLength = num('attention.key_length') ?? (embedding && heads ? embedding / heads : undefined);
  return keyLength === 32;
}

/** KV cells per sequence for a request of `needed` tokens: a power of two, at least 256, at most `max`. */
/**
 * Context options for the device and the model: on the CPU no flash attention (its CPU kernel is several
 * times slower with many sequences), and Q8_0 keys where heads are 32 wide (`useQ8Keys`). On a GPU, node-llama-cpp's defaults.
 */
export function deviceContextOptions(
  gpu: LlamaGpuType,
  metadata: Record<string, unknown>,
): { flashAttention?: false; experimentalKvCacheKeyType?: 'Q8_0' } {
  if (gpu !== false) return {};
  return { flashAttention: false, ...(useQ8Keys(metadata) ? { experimentalKvCacheKeyType: 'Q8_0' as const } : {}) };
}

export function cellsFor(needed: number, max: number): number {
  return Math.min(max, Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, needed)))));
}

export async function createLocalBackend(options: LocalBackendOptions): Promise<LocalBackend> {
  const header = await readGguf(options.modelPath);
  const template = chatTemplateFromMetadata(header.metadata, options.callFormat);
  const { llama, model, fallbackReason } = await loadModel(options.modelPath, {
    gpu: options.gpu ?? 'auto',
    skipMemoryCheck: options.skipMemoryCheck,
  });
  const device = await deviceReport(llama, fallbackReason);
  const trainContext = model.trainContextSize || 4096;
  const contextSize = options.contextSize ?? Math.min(4096, trainContext);
  const mutex = new Mutex();
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  let context: LlamaContext | undefined;
  let sequences: LlamaContextSequence[] = [];
  let disposed = false;

  /**
   * The context, with at least k sequences of at least `cells` tokens each. It only grows (a new context
   * drops the evaluated prefix), so a backend re-creates it a few times at most.
   */
  async function ensureContext(k: number, cells: number): Promise<LlamaContextSequence[]> {
    if (context && sequences.length >= k && context.contextSize >= cells) return sequences;
    const n = Math.max(k, sequences.length, options.sequences ?? 8);
    const size = Math.max(cells, context?.contextSize ?? 0);
    await context?.dispose();
    context = undefined;
    sequences = [];
    const base = {
      // Per sequence: node-llama-cpp allocates contextSize cells for each of the n sequences.
      contextSize: size,
      sequences: n,
      threads: options.threads,
      batchSize: Math.min(512, size * n),
      ...(options.loraPath ? { lora: { adapters: [{ filePath: options.loraPath, scale: options.loraScale ?? 1 }] } } : {}),
    };
    const { experimentalKvCacheKeyType, ...tuned } = deviceContextOptions(llama.gpu, header.metadata);
    if (experimentalKvCacheKeyType) {
      try {
        context = await model.createContext({ ...base, ...tuned, experimentalKvCacheKeyType });
      } catch {
        // Q8_0 keys refused (an experimental node-llama-cpp option): F16 keys, only slower.
      }
    }
    context ??= await model.createContext({ ...base, ...tuned });
    for (let i = 0; i < n; i++) sequences.push(context.getSequence());
    return sequences;
  }

  function grammarFor(request: GenerateRequest): Promise<LlamaGrammar> | undefined {
    const mode = request.constrain ?? 'none';
    if (mode === 'none') return undefined;
    const schema = mode === 'json' && request.jsonSchema ? toGbnfJsonSchema(request.jsonSchema) : undefined;
    const key =
      mode === 'json'
        ? schema
          ? `json-schema:${JSON.stringify(schema)}`
          : 'json'
        : callGrammar(request.tools, { ...options.grammar, format: template.callFormat, allowWords: mode === 'calls-or-words' });
    let g = grammars.get(key);
    if (!g) {
      g =
        mode !== 'json'
          ? llama.createGrammar({ grammar: key })
          : schema
            ? // A schema known only at run time: its static type (what the grammar's parse returns) is not used.
              llama.createGrammarForJsonSchema(schema as never)
            : llama.getGrammarFor('json');
      if (grammars.size > 64) grammars.clear();
      grammars.set(key, g);
    }
    return g;
  }

  function renderPrompt(request: Pick<GenerateRequest, 'messages' | 'tools'>) {
    const text = renderChat(template, { messages: request.messages, tools: request.tools, addGenerationPrompt: true });
    const tokens = model.tokenize(text, true);
    const bos = model.tokens.bos;
    if (model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) tokens.unshift(bos);
    return { text, tokens };
  }

  async function generate(request: LocalGenerateRequest): Promise<LocalGenerateResult> {
    if (disposed) throw new Error('The local backend was disposed');
    const k = Math.max(1, Math.floor(request.k ?? 1));
    const { sampling, signal, onText } = request;
    const started = performance.now();
    const { tokens: prompt } = renderPrompt(request);
    if (prompt.length + sampling.maxTokens > contextSize) {
      throw new Error(
        `The prompt (${prompt.length} tokens) plus maxTokens (${sampling.maxTokens}) exceed the context size (${contextSize} tokens per sequence)`,
      );
    }
    const grammarPromise = grammarFor(request);
    const grammar = grammarPromise ? await grammarPromise : undefined;

    return mutex.run(async () => {
      if (signal?.aborted) throw new GenerationCancelledError();
      const seqs = (await ensureContext(k, cellsFor(prompt.length + sampling.maxTokens, contextSize))).slice(0, k);
      const first = seqs[0]!;
      const meterBefore = seqs.map((s) => s.tokenMeter.usedInputTokens);
      // Everything but the last prompt token is evaluated once, on the first sequence (reusing any common
      // prefix with what it already holds); each sample then evaluates the last token itself, in one batch.
      const head = prompt.slice(0, -1);
      const last = prompt[prompt.length - 1]!;
      let common = 0;
      const held = first.contextTokens;
      while (common < head.length && common < held.length && held[common] === head[common]) common++;
      if (common < held.length) await first.eraseContextTokenRanges([{ start: common, end: first.nextTokenIndex }]);
      if (common < head.length) await first.evaluateWithoutGeneratingNewTokens(head.slice(common));
      for (const seq of seqs.slice(1)) {
        const copied = await stateCopyOf(seq)(first, head.length);
        if (!copied) {
          // The copy did not end where the prompt does (node-llama-cpp reports it): evaluate the prompt here too.
          await seq.clearHistory();
          if (head.length) await seq.evaluateWithoutGeneratingNewTokens(head);
        }
      }
      const evaluatedPromptTokens = head.length - common + k;

      const tokenBias = request.banEog ? banTokens(model, eogTokens(model)) : undefined;
      const stops = (request.stop ?? []).filter((t) => t !== '');
      const toolNames = new Set(request.tools.map((t) => t.name));
      const jsonMode = request.constrain === 'json';
      // Stop sequences end answers in words; inside a call list they would cut a call in two.
      const stopsApply = (text: string): boolean =>
        stops.length > 0 &&
        request.constrain !== 'calls' &&
        (request.constrain !== 'calls-or-words' || (text.trim() !== '' && !startsLikeCalls(text)));
      // allSettled: a cancelled sample must not release the context while its siblings still run.
      const step = new StepBarrier(k);
      const settled = await Promise.allSettled(
        seqs.map(async (seq, i): Promise<LocalGeneratedOutput> => {
          try {
            return await sample(seq, i);
          } finally {
            step.leave();
          }
        }),
      );
      async function sample(seq: LlamaContextSequence, i: number): Promise<LocalGeneratedOutput> {
        const out: Token[] = [];
        let finishReason: FinishReason = 'stop';
        const grammarEvaluationState = grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined;
        const iterator = seq.evaluate([last], {
          temperature: sampling.temperature,
          topK: sampling.topK ?? 40,
          topP: sampling.topP ?? 1,
          minP: 0,
          seed: (sampling.seed ?? 0) + i,
          grammarEvaluationState,
          ...(tokenBias ? { tokenBias } : {}),
        });
        // Streaming: the text of the tokens not yet passed on, decoded with the tokens before them as context
        // (leading spaces), held back while it ends inside a UTF-8 character.
        let pendingFrom = 0;
        let decoded = '';
        let streamed = '';
        let stopped = false;
        try {
          for await (const token of iterator) {
            if (signal?.aborted) throw new GenerationCancelledError();
            out.push(token);
            if (onText || stops.length > 0 || jsonMode) {
              const piece = model.detokenize(out.slice(pendingFrom), false, out.slice(Math.max(0, pendingFrom - 4), pendingFrom));
              if (piece !== '' && !piece.endsWith('\uFFFD')) {
                pendingFrom = out.length;
                decoded += piece;
                // Up to a stop sequence, and never the start of one that may still complete.
                let safe = decoded.length;
                if (stopsApply(decoded)) {
                  const at = firstStop(decoded, stops);
                  if (at >= 0) {
                    stopped = true;
                    safe = at;
                  } else safe = decoded.length - heldForStop(decoded, stops);
                }
                if (onText && safe > streamed.length) {
                  const next = decoded.slice(streamed.length, safe);
                  streamed += next;
                  await onText(i, next);
                  if (signal?.aborted) throw new GenerationCancelledError();
                }
                if (stopped) break;
                // The JSON grammar allows white space after the value for as long as maxTokens lasts: a
                // complete value followed by a new line is the end of the answer.
                if (jsonMode && /\n\s*$/.test(decoded) && isCompleteJson(decoded)) break;
              }
            }
            if (out.length >= sampling.maxTokens) {
              finishReason = 'length';
              break;
            }
            if (k > 1) await step.arrive();
          }
        } finally {
          await iterator.return?.();
        }
        if (signal?.aborted) throw new GenerationCancelledError();
        let raw = model.detokenize(out);
        if (jsonMode) raw = raw.trimEnd();
        if (stopsApply(raw)) {
          const at = firstStop(raw, stops);
          if (at >= 0) {
            raw = raw.slice(0, at);
            // A stop sequence completed by the last token counts as a stop, not as running out of tokens.
            finishReason = 'stop';
          }
        }
        // Whatever was held back (a character cut by maxTokens, a stop prefix that never completed) goes out
        // last, so the pieces join up to `text`.
        if (onText && raw.length > streamed.length && raw.startsWith(streamed)) await onText(i, raw.slice(streamed.length));
        // Calls in the model's own format are read back into the canonical text the engine stores; an answer
        // in words stays as written (it could otherwise be misread as a call).
        const words = request.constrain === 'calls-or-words' && !startsLikeCalls(raw);
        const bare = words ? readBareCalls(raw, toolNames) : null;
        const text = bare ? printCalls(bare) : words ? raw : toCanonicalText(template.callFormat, raw);
        return { text, tokens: out.length, finishReason, ...(text !== raw ? { raw } : {}) };
      }
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const outputs = settled.map((r) => (r as PromiseFulfilledResult<LocalGeneratedOutput>).value);
      const contextInputTokens = seqs.reduce((sum, s, i) => sum + s.tokenMeter.usedInputTokens - meterBefore[i]!, 0);
      return {
        outputs,
        promptTokens: prompt.length,
        evaluatedPromptTokens,
        contextInputTokens,
        ms: performance.now() - started,
        templateHash: template.hash,
      };
    });
  }

  return {
    id: `local:${options.modelPath}${options.loraPath ? `+${options.loraPath}` : ''}`,
    llama,
    model,
    template,
    device,
    generate,
    renderPrompt,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await mutex.run(async () => {
        await context?.dispose();
        context = undefined;
        await model.dispose();
      });
    },
  };
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Index of the earliest stop sequence in `text`, or -1. */
export function firstStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** Length of the longest end of `text` that a stop sequence starts with (held back until it is known). */
export function heldForStop(text: string, stops: readonly string[]): number {
  let held = 0;
  for (const stop of stops)
    for (let n = Math.min(stop.length - 1, text.length); n > held; n--)
      if (text.endsWith(stop.slice(0, n))) {
        held = n;
        break;
      }
  return held;
}

/**
 * Every end-of-generation token of the model's vocabulary, not only `tokens.eos`/`eot`: SmolLM2's ChatML
 * vocabulary has two (`<|endoftext|>` and `<|im_end|>`), and banning one lets a sample stop on the other.
 */
export function eogTokens(model: LlamaModel): Token[] {
  const out: Token[] = [];
  for (const t of model.iterateAllTokens()) if (model.isEogToken(t)) out.push(t);
  for (const t of [model.tokens.eos, model.tokens.eot]) if (t !== null && !out.includes(t)) out.push(t);
  return out;
}

/**
 * A token bias that forbids `tokens`, end-of-generation ones included. node-llama-cpp's `TokenBias.set`
 * silently skips every end-of-generation token (its docs: "has no effect and will be ignored"), so a 'never'
 * set through it left the bias empty and samples still stopped. Its sampler reads the bias's token → logit
 * map as is (`getTokenBiasesForAddon`), so -Infinity is written there; llama.cpp's logit-bias sampler then
 * removes the token at every step, for every sequence.
 */
export function banTokens(model: LlamaModel, tokens: readonly Token[]): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  const biases: unknown = (bias as unknown as { _biases?: unknown })._biases;
  if (!(biases instanceof Map))
    throw new Error('Cannot ban end-of-generation tokens: this node-llama-cpp TokenBias has no token → logit map (_biases)');
  for (const t of tokens) (biases as Map<Token, number>).set(t, -Infinity);
  return bias;
}
