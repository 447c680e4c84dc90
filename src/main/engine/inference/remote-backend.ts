import crypto from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../../../shared/contract/errors';
import type { ChatMessage, GenerateRequest, GenerateResult, GeneratedOutput, GenerationBackend, ToolSpec } from './backend';
import { callsToText, textToCalls } from './call-text';
import { toWireTool, toWireToolCalls, wireArguments, WireToolCall } from './openai-wire';

/**
 * A `GenerationBackend` over any OpenAI-compatible chat-completions server (vLLM, SGLang, llama.cpp server,
 * Ollama, OpenAI itself, or `toolsmith serve-model`).
 *
 * The rest of the engine speaks Toolsmith's call syntax (`[name(arg=value)]`), so tool calls that come back in
 * the OpenAI shape are printed in that syntax, and assistant turns written in it are sent as `tool_calls`.
 * k samples use the server's `n` where it honours it and parallel requests otherwise, all under one
 * concurrency limit per backend; each request has a timeout and is retried with exponential backoff on
 * connection errors, timeouts, 408, 429 and 5xx.
 */

export interface RemoteBackendOptions {
  /** The API root, e.g. `http://127.0.0.1:8080/v1` (a trailing `/chat/completions` is accepted and dropped). */
  baseUrl: string;
  /** The model name the server knows. */
  model: string;
  apiKey?: string;
  /** Most requests in flight at once across every `generate` call of this backend (default 4). */
  concurrency?: number;
  /** Per-request timeout in milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff in milliseconds, doubled each retry with jitter (default 500). */
  backoffMs?: number;
  /** Longest single backoff in milliseconds (default 8 000). */
  maxBackoffMs?: number;
  /** How k samples are obtained: the `n` parameter, parallel requests, or `n` first then parallel (default). */
  samples?: 'n' | 'parallel' | 'auto';
  /** Send `top_k` (not part of OpenAI's API; vLLM, llama.cpp and Ollama accept it). Default true. */
  sendTopK?: boolean;
  headers?: Record<string, string>;
}

/** A remote server failed in a way the caller should see: which server, which request, what happened. */
export class RemoteBackendError extends ApiError {
  constructor(
    message: string,
    readonly server: string,
    readonly status?: number,
    readonly attempts?: number,
    code: 'unavailable' | 'bad_file' | 'unauthorized' | 'invalid_input' | 'cancelled' = 'unavailable',
  ) {
    super(code, message, { server, status, attempts });
    this.name = 'RemoteBackendError';
  }
}

const ChoiceSchema = z.object({
  index: z.number().int().optional(),
  message: z.object({
    role: z.string().optional(),
    content: z.string().nullable().optional(),
    tool_calls: z.array(WireToolCall).nullable().optional(),
  }),
  finish_reason: z.string().nullable().optional(),
});

export const ChatCompletionResponse = z.object({
  id: z.string().optional(),
  choices: z.array(ChoiceSchema).min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative().optional(), completion_tokens: z.number().int().nonnegative().optional() })
    .nullable()
    .optional(),
});
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponse>;

const ErrorBody = z
  .object({ error: z.union([z.string(), z.object({ message: z.string().optional(), type: z.string().optional() }).loose()]) })
  .loose();

/** Limits how many async tasks run at once, in arrival order. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', abort, { once: true });
        this.waiting.push(go);
      });
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

interface Attempt {
  choices: { text: string; finishReason: string | null }[];
  promptTokens: number;
  completionTokens: number | undefined;
  templateHash: string | null;
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError('invalid_input', `"${raw}" is not a server URL; expected something like http://127.0.0.1:8080/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ApiError('invalid_input', `"${raw}": the server URL must start with http:// or https://.`);
  return url.href.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
}

export function createRemoteBackend(options: RemoteBackendOptions): GenerationBackend {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const endpoint = `${baseUrl}/chat/completions`;
  const server = `${baseUrl} (model "${options.model}")`;
  const limit = new Semaphore(Math.max(1, options.concurrency ?? 4));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const retries = Math.max(0, options.retries ?? 3);
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 8_000;
  const sendTopK = options.sendTopK ?? true;
  let samplesMode = options.samples ?? 'auto';
  const fallbackHash = crypto.createHash('sha256').update(`remote|${baseUrl}|${options.model}`).digest('hex').slice(0, 16);
  const inFlight = new Set<AbortController>();
  let disposed = false;

  function body(request: GenerateRequest, n: number, seedOffset: number): Record<string, unknown> {
    const { sampling } = request;
    const out: Record<string, unknown> = {
      model: options.model,
      messages: toOpenAiMessages(request.messages),
      temperature: sampling.temperature,
      max_tokens: sampling.maxTokens,
      stream: false,
    };
    if (n > 1) out.n = n;
    if (sampling.topP !== undefined) out.top_p = sampling.topP;
    if (sampling.topK !== undefined && sendTopK) out.top_k = sampling.topK;
    if (sampling.seed !== undefined) out.seed = sampling.seed + seedOffset;
    if (request.tools.length > 0 && request.constrain !== 'json') {
      out.tools = request.tools.map(toOpenAiTool);
      // 'calls' must call (OpenAI's "required"); otherwise the model decides, calls or words.
      out.tool_choice = request.constrain === 'calls' ? 'required' : 'auto';
    }
    if (request.constrain === 'json')
      out.response_format = request.jsonSchema
        ? { type: 'json_schema', json_schema: { name: 'answer', schema: request.jsonSchema, strict: true } }
        : { type: 'json_object' };
    if (request.stop && request.stop.length > 0) out.stop = request.stop.slice(0, 4);
    return out;
  }

  /** One HTTP request, no retry. */
  async function once(payload: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    inFlight.add(controller);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new RetryableError(`no answer within ${Math.round(timeoutMs / 100) / 10} s`)),
      timeoutMs,
    );
    try {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            ...options.headers,
          },
          body: JSON.stringify(payload),
          signal: controller.signal,
        });
      } catch (error) {
        throw networkError(error, controller.signal);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw networkError(error, controller.signal);
      }
      if (!response.ok) {
        const detail = errorDetail(text);
        const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        const message = `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`;
        if (retryable) throw new RetryableError(message, response.status, retryAfterMs(response.headers.get('retry-after')));
        const code =
          response.status === 401 || response.status === 403
            ? 'unauthorized'
            : response.status === 404 || response.status === 400
              ? 'invalid_input'
              : 'unavailable';
        const hint =
          code === 'unauthorized' ? ' (check the API key)' : response.status === 404 ? ' (check the URL and the model name)' : '';
        throw new RemoteBackendError(`${server}: POST ${endpoint} was refused with ${message}${hint}`, server, response.status, 1, code);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RemoteBackendError(
          `${server}: the answer to POST ${endpoint} is not JSON (it starts with ${JSON.stringify(text.slice(0, 80))}).`,
          server,
          response.status,
          1,
          'bad_file',
        );
      }
      const parsed = ChatCompletionResponse.safeParse(json);
      if (!parsed.success) {
        const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw new RemoteBackendError(
          `${server}: the answer to POST ${endpoint} is not a chat completion (${where}).`,
          server,
          response.status,
          1,
          'bad_file',
        );
      }
      const choices = [...parsed.data.choices]
        .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
        .map((choice, i) => ({
          text: choiceText(choice, `${server}: choices[${i}].message.`),
          finishReason: choice.finish_reason ?? null,
        }));
      return {
        choices,
        promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
        completionTokens: parsed.data.usage?.completion_tokens,
        templateHash: response.headers.get('x-toolsmith-template-hash'),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      inFlight.delete(controller);
    }
  }

  /** One request under the concurrency limit, retried with backoff. */
  async function request(payload: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Attempt> {
    let last: RetryableError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (disposed) throw new RemoteBackendError(`${server}: the backend was disposed.`, server, undefined, attempt, 'cancelled');
      if (signal?.aborted) throw cancelledError(signal);
      try {
        return await limit.run(() => once(payload, signal), signal);
      } catch (error) {
        if (signal?.aborted) throw cancelledError(signal);
        if (!(error instanceof RetryableError)) throw error;
        last = error;
        if (attempt === retries) break;
        const exp = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
        const wait = Math.max(error.retryAfterMs ?? 0, exp * (0.5 + Math.random() * 0.5));
        await sleep(Math.min(wait, maxBackoffMs * 4), signal);
      }
    }
    const attempts = retries + 1;
    throw new RemoteBackendError(
      `${server}: POST ${endpoint} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last?.message ?? 'unknown error'}`,
      server,
      last?.status,
      attempts,
    );
  }

  function cancelledError(signal: AbortSignal): RemoteBackendError {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
    return new RemoteBackendError(`${server}: generation cancelled${reason}`, server, undefined, undefined, 'cancelled');
  }

  return {
    id: `remote:${options.model}@${baseUrl}`,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const k = Math.max(1, req.k ?? 1);
      const started = performance.now();
      const attempts: Attempt[] = [];
      let have = 0;
      if (k > 1 && samplesMode !== 'parallel') {
        const first = await request(body(req, k, 0), req.signal);
        attempts.push(first);
        have = first.choices.length;
        // A server that ignores `n` answers with one choice: ask the rest in parallel from now on.
        if (have < k && samplesMode === 'auto') samplesMode = 'parallel';
      }
      if (have < k) {
        const rest = await Promise.all(Array.from({ length: k - have }, (_, i) => request(body(req, 1, have + i), req.signal)));
        attempts.push(...rest);
      }
      const outputs: GeneratedOutput[] = [];
      for (const attempt of attempts) outputs.push(...splitTokens(attempt));
      const templateHash = attempts.find((a) => a.templateHash)?.templateHash ?? fallbackHash;
      return {
        outputs: outputs.slice(0, k),
        // Each request evaluates the prompt once on the server; report what was evaluated in total.
        promptTokens: attempts.reduce((sum, a) => sum + a.promptTokens, 0),
        ms: performance.now() - started,
        templateHash,
      };
    },
    async dispose() {
      disposed = true;
      for (const controller of inFlight) controller.abort(new Error('backend disposed'));
    },
  };
}

/** Per-choice token counts: exact with one choice, shared out by text length when the server reports a total. */
function splitTokens(attempt: Attempt): GeneratedOutput[] {
  const total = attempt.completionTokens;
  if (attempt.choices.length === 1) return [{ text: attempt.choices[0]!.text, tokens: total ?? estimateTokens(attempt.choices[0]!.text) }];
  const chars = attempt.choices.reduce((sum, c) => sum + c.text.length, 0);
  return attempt.choices.map((c) => ({
    text: c.text,
    tokens:
      total === undefined
        ? estimateTokens(c.text)
        : chars === 0
          ? Math.round(total / attempt.choices.length)
          : Math.round((total * c.text.length) / chars),
  }));
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A choice as call text; `where` prefixes errors with the server and the choice. */
function choiceText(choice: z.infer<typeof ChoiceSchema>, where: string): string {
  const calls = choice.message.tool_calls ?? [];
  if (calls.length === 0) return choice.message.content ?? '';
  return callsToText(
    calls.map((call, i) => {
      const read = wireArguments(call.function.arguments);
      if ('problem' in read) {
        const raw = call.function.arguments;
        const shown = typeof raw === 'string' && read.problem === 'not JSON' ? `: ${raw.slice(0, 120)}` : '.';
        throw new RemoteBackendError(
          `${where}tool_calls[${i}].function.arguments of "${call.function.name}" is ${read.problem}${shown}`,
          where,
          undefined,
          undefined,
          'bad_file',
        );
      }
      return { name: call.function.name, args: read.args };
    }),
  );
}

export function toOpenAiTool(tool: ToolSpec): Record<string, unknown> {
  return toWireTool(tool);
}

/**
 * Toolsmith's messages in OpenAI's shape: an assistant turn written in the call syntax becomes `tool_calls`
 * with ids, and each following tool message answers those ids in order (OpenAI requires `tool_call_id`).
 */
export function toOpenAiMessages(messages: ChatMessage[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let pendingIds: string[] = [];
  let counter = 0;
  for (const message of messages) {
    if (message.role === 'assistant') {
      const calls = textToCalls(message.content);
      if (calls && calls.length > 0) {
        pendingIds = calls.map(() => `call_${counter++}`);
        out.push({ role: 'assistant', content: null, tool_calls: toWireToolCalls(calls, (i) => pendingIds[i]!) });
        continue;
      }
      pendingIds = [];
      out.push({ role: 'assistant', content: message.content });
    } else if (message.role === 'tool') {
      const id = pendingIds.shift() ?? `call_${counter++}`;
      out.push({ role: 'tool', tool_call_id: id, content: message.content });
    } else {
      out.push({ role: message.role, content: message.content });
    }
  }
  return out;
}

function networkError(error: unknown, signal: AbortSignal): Error {
  if (signal.aborted && signal.reason instanceof RetryableError) return signal.reason;
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error('aborted');
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running?)',
    ECONNRESET: 'connection reset by the server',
    EPIPE: 'connection closed by the server',
    ETIMEDOUT: 'connection timed out',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  const what = (code && words[code]) ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new RetryableError(code && !what.includes(code) ? `${what} (${code})` : what);
}

function errorDetail(text: string): string {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return typeof parsed.data.error === 'string' ? parsed.data.error : (parsed.data.error.message ?? '');
  } catch {
    // not JSON: show the start of the text
  }
  return text.trim().slice(0, 200);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
