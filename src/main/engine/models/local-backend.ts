import {
  LlamaGrammarEvaluationState,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
  TokenBias,
} from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult, GeneratedOutput, GenerationBackend } from './backend';
import { callGrammar, type CallGrammarOptions } from './call-grammar';
import { chatTemplateFromMetadata, renderChat, type ChatTemplate } from './chat-render';
import { readGguf } from './gguf/read';
import { deviceReport, loadModel, type DeviceReport, type GpuSetting } from './runtime';

/**
 * The local generation backend: one GGUF model (optionally with a LoRA adapter) in node-llama-cpp, one
 * context with several sequences. A request for k samples evaluates the prompt once on the first sequence,
 * copies that state to k − 1 more sequences and samples them in parallel (one batch per step), each with
 * its own seed and grammar state. A prompt that shares a prefix with the previous request reuses the
 * evaluated prefix.
 */

export interface LocalBackendOptions {
  modelPath: string;
  loraPath?: string;
  /** LoRA scale (default 1). */
  loraScale?: number;
  /** Threads for evaluation (default: llama.cpp's physical-core count). Tests use 1–2. */
  threads?: number;
  /** Tokens each sequence can hold, prompt and output (default min(4096, the model's training context)). */
  contextSize?: number;
  gpu?: GpuSetting;
  /** Parallel sequences to allocate up front (default 8, grown when a request asks for more). */
  sequences?: number;
  /** Limits of the call grammar (string length, list sizes, number of calls). */
  grammar?: CallGrammarOptions;
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

interface SequenceWithCopy extends LlamaContextSequence {
  _copyStateFromOtherSequence?: (other: LlamaContextSequence, upToTokenIndex: number) => Promise<boolean>;
}

export async function createLocalBackend(options: LocalBackendOptions): Promise<LocalBackend> {
  const header = await readGguf(options.modelPath);
  const template = chatTemplateFromMetadata(header.metadata);
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
  let sequences: SequenceWithCopy[] = [];
  let disposed = false;
  // How many sequences take part in the current decode step (the samples still running).
  let expected = 1;

  /**
   * Batch dispatch: wait until every running sample has queued its next token, so that one step is one
   * decode of k tokens. (node-llama-cpp's default, the next event-loop cycle, dispatches whichever samples
   * finished sampling first, which splits a step into several decodes.) Bounded: at most ~20 ms of waiting.
   */
  const dispatchSchedule = (dispatch: () => void) => {
    const queued = (context as unknown as { _queuedDecodeSequenceIds?: Set<number> } | undefined)?._queuedDecodeSequenceIds;
    if (!queued) {
      setImmediate(dispatch);
      return;
    }
    const started = performance.now();
    let spins = 0;
    const check = () => {
      if (queued.size >= expected || performance.now() - started > 20) dispatch();
      else if (++spins < 8) setImmediate(check);
      else setTimeout(check, 0);
    };
    check();
  };

  async function ensureContext(k: number): Promise<SequenceWithCopy[]> {
    if (context && sequences.length >= k) return sequences;
    await context?.dispose();
    const n = Math.max(k, options.sequences ?? 8);
    context = await model.createContext({
      contextSize: contextSize * n,
      sequences: n,
      threads: options.threads,
      batchSize: Math.min(512, contextSize * n),
      batching: { dispatchSchedule },
      ...(options.loraPath ? { lora: { adapters: [{ filePath: options.loraPath, scale: options.loraScale ?? 1 }] } } : {}),
    });
    sequences = [];
    for (let i = 0; i < n; i++) sequences.push(context.getSequence() as SequenceWithCopy);
    return sequences;
  }

  function grammarFor(request: GenerateRequest): Promise<LlamaGrammar> | undefined {
    const mode = request.constrain ?? 'none';
    if (mode === 'none') return undefined;
    const text = mode === 'json' ? 'json' : callGrammar(request.tools, options.grammar);
    let g = grammars.get(text);
    if (!g) {
      g = mode === 'json' ? llama.getGrammarFor('json') : llama.createGrammar({ grammar: text });
      if (grammars.size > 64) grammars.clear();
      grammars.set(text, g);
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
      const seqs = (await ensureContext(k)).slice(0, k);
      const first = seqs[0]!;
      const meterBefore = seqs.map((s) => s.tokenMeter.usedInputTokens);
      // Everything but the last prompt token is evaluated once, on the first sequence (reusing any common
      // prefix with what it already holds); each sample then evaluates the last token itself, in one batch.
      expected = 1;
      const head = prompt.slice(0, -1);
      const last = prompt[prompt.length - 1]!;
      let common = 0;
      const held = first.contextTokens;
      while (common < head.length && common < held.length && held[common] === head[common]) common++;
      if (common < held.length) await first.eraseContextTokenRanges([{ start: common, end: first.nextTokenIndex }]);
      if (common < head.length) await first.evaluateWithoutGeneratingNewTokens(head.slice(common));
      for (const seq of seqs.slice(1)) {
        const copied = seq._copyStateFromOtherSequence ? await seq._copyStateFromOtherSequence(first, head.length) : false;
        if (!copied) {
          // No state copy in this node-llama-cpp: evaluate the prompt on this sequence too.
          await seq.clearHistory();
          if (head.length) await seq.evaluateWithoutGeneratingNewTokens(head);
        }
      }
      const evaluatedPromptTokens = head.length - common + k;

      const eog = [model.tokens.eos, model.tokens.eot].filter((t): t is Token => t !== null);
      const tokenBias = request.banEog ? banTokens(model, eog) : undefined;
      // allSettled: a cancelled sample must not release the context while its siblings still run.
      expected = k;
      const settled = await Promise.allSettled(
        seqs.map(async (seq, i): Promise<LocalGeneratedOutput> => {
          try {
            return await sample(seq, i);
          } finally {
            expected--;
          }
        }),
      );
      async function sample(seq: SequenceWithCopy, i: number): Promise<LocalGeneratedOutput> {
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
        let streamed = '';
        try {
          for await (const token of iterator) {
            if (signal?.aborted) throw new GenerationCancelledError();
            out.push(token);
            if (onText) {
              const piece = model.detokenize(out.slice(pendingFrom), false, out.slice(Math.max(0, pendingFrom - 4), pendingFrom));
              if (piece !== '' && !piece.endsWith('\uFFFD')) {
                pendingFrom = out.length;
                streamed += piece;
                await onText(i, piece);
                if (signal?.aborted) throw new GenerationCancelledError();
              }
            }
            if (out.length >= sampling.maxTokens) {
              finishReason = 'length';
              break;
            }
          }
        } finally {
          await iterator.return?.();
        }
        if (signal?.aborted) throw new GenerationCancelledError();
        const text = model.detokenize(out);
        // Whatever was held back (a character cut by maxTokens) goes out last, so the pieces join up to `text`.
        if (onText && text.length > streamed.length && text.startsWith(streamed)) await onText(i, text.slice(streamed.length));
        return { text, tokens: out.length, finishReason };
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

function banTokens(model: LlamaModel, tokens: Token[]): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  for (const t of tokens) bias.set(t, 'never');
  return bias;
}
