import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ChatMessage, GenerateRequest, GenerateResult, GenerationBackend, ToolSpec } from '../inference/backend';
import { normalizeTool, toToolSpec, ToolValidationError } from '../tools/normalize';
import { callsToText, textToCalls } from '../inference/call-text';
import { toWireToolCalls, wireArguments, WireToolCall } from '../inference/openai-wire';
import { startsLikeCalls } from '../inference/call-grammar';
import { JsonSchemaError, toGbnfJsonSchema } from '../inference/json-schema-grammar';
import { callId, CompletionStream, type ChatCompletion } from './serve-stream';
import {
  allowedHostnames,
  answerClientError,
  checkHostAndOrigin,
  isJsonContentType,
  parseRequestUrl,
  safeDecode,
} from '../http/request-guard';

/**
 * `toolsmith serve-model`: one model behind OpenAI's chat-completions API, so that any OpenAI client (the
 * official SDKs, LangChain, another Toolsmith's remote backend) can use a model Toolsmith evolved.
 *
 * Routes: `GET /v1/models`, `GET /v1/models/:id`, `POST /v1/chat/completions` (tools, `n`, non-streaming and
 * SSE streaming), `GET /health`. With tools the model's output is constrained to Toolsmith's call syntax and
 * parsed into OpenAI `tool_calls`; what does not parse as calls is returned as the message content (an answer in
 * words). Binds 127.0.0.1 unless told otherwise; with an API key every `/v1` request needs `Authorization:
 * Bearer <key>`. Every request's Host must name this server (no DNS rebinding, key or not) and a POST must be
 * `application/json` (415 otherwise: a cross-origin page cannot send that without a preflight, which is never
 * granted); no malformed or aborted request can take the server down. Requests are served one generation at a time (a local model has one context), queued.
 *
 * Streaming (`serve-stream.ts`): text is sent as it is generated (the backend's `onText`), tool calls one by one
 * as each closes; a client that disconnects stops its generation. With a refiner (`--refine`) a tool-call answer
 * is only known once refinement ends, so it is streamed whole at the end; so is everything from a backend that
 * cannot stream.
 */

import type { ServeRefiner } from '../inference/backend';
export type { ServeRefiner };

export interface ServeModelOptions {
  backend: GenerationBackend;
  /** The id clients use (`model` in requests, `/v1/models`). */
  modelName: string;
  /** Other names that address the same model (e.g. its numeric id). */
  aliases?: string[];
  host?: string;
  /** 0 = any free port. Default 8080. */
  port?: number;
  apiKey?: string;
  refiner?: ServeRefiner;
  /** Used when a request does not say. */
  defaults?: { temperature?: number; maxTokens?: number };
  /** Requests waiting for the model beyond this are answered 503 (default 64). */
  maxQueue?: number;
  /** Largest request body in bytes (default 4 MiB). */
  maxBodyBytes?: number;
  /** One line per request (method, path, status, ms), for the CLI's log. */
  log?: (line: string) => void;
}

export interface ModelServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).loose();

const RequestToolCall = WireToolCall.extend({ type: z.literal('function').optional() });

const RequestMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  tool_calls: z.array(RequestToolCall).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

const RequestTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const ChatCompletionRequest = z
  .object({
    model: z.string({ error: (issue) => (issue.input === undefined ? 'you must provide a model parameter' : undefined) }),
    messages: z.array(RequestMessage).min(1),
    tools: z.array(RequestTool).optional(),
    tool_choice: z
      .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
      .optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    seed: z.number().int().optional(),
    max_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
    n: z.number().int().min(1).max(32).optional(),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .nullable()
      .optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }).loose(),
        z.object({ type: z.literal('json_object') }).loose(),
        z
          .object({
            type: z.literal('json_schema'),
            json_schema: z
              .object({
                name: z.string().min(1).max(64),
                description: z.string().optional(),
                schema: z.record(z.string(), z.unknown()).optional(),
                strict: z.boolean().nullable().optional(),
              })
              .loose(),
          })
          .loose(),
      ])
      .optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** One generation at a time, the rest waiting in order (a bounded queue). */
class Queue {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.busy) {
      if (this.waiting.length >= this.max)
        throw new HttpError(
          503,
          `The model is busy: ${this.waiting.length} requests are already waiting.`,
          'server_error',
          null,
          'queue_full',
        );
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.busy = true;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }
}

export async function startModelServer(options: ServeModelOptions): Promise<ModelServer> {
  const host = options.host ?? '127.0.0.1';
  const names = new Set([options.modelName, ...(options.aliases ?? [])]);
  const created = Math.floor(Date.now() / 1000);
  const queue = new Queue(options.maxQueue ?? 64);
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const keyDigest = options.apiKey ? sha256(options.apiKey) : null;
  const log = options.log;
  const hostnames = allowedHostnames(host);
  let port = 0; // known once listening, before any request arrives

  const server = http.createServer((req, res) => {
    // A client that resets mid-request or mid-response must not become an unhandled 'error'.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const started = performance.now();
    res.on('finish', () => log?.(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)} ms`));
    handle(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(500, `Generation failed: ${error instanceof Error ? error.message : String(error)}`, 'server_error');
      if (res.headersSent) {
        // Mid-stream: the status is already sent, so report the error as an event and end the stream.
        if (!res.writableEnded && !res.destroyed) res.end(`data: ${JSON.stringify(errorBody(httpError))}\n\ndata: [DONE]\n\n`);
        return;
      }
      if (httpError.status === 413) {
        // Answer, then drop the rest of the upload instead of reading it.
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
      }
      sendJson(res, httpError.status, errorBody(httpError));
    });
  });
  server.on('clientError', answerClientError);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = parseRequestUrl(req.url);
    if (!url) throw new HttpError(400, 'The request URL does not parse.');
    const misdirected = checkHostAndOrigin(req, hostnames, port, { checkOrigin: false });
    if (misdirected) throw new HttpError(misdirected.status, misdirected.message, 'invalid_request_error', null, 'forbidden_host');
    const route = url.pathname.replace(/\/+$/, '') || '/';
    if (route === '/health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok', model: options.modelName });
    if (!route.startsWith('/v1/'))
      throw new HttpError(
        404,
        `No route ${req.method} ${url.pathname}. This server offers GET /v1/models and POST /v1/chat/completions.`,
        'invalid_request_error',
        null,
        'not_found',
      );
    authorize(req);
    if (route === '/v1/models') {
      if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
      return sendJson(res, 200, { object: 'list', data: [modelEntry()] });
    }
    if (route.startsWith('/v1/models/')) {
      if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
      const id = safeDecode(route.slice('/v1/models/'.length));
      if (id === null) throw new HttpError(400, 'The model id in the path has a bad % escape.');
      if (!names.has(id)) throw unknownModel(id);
      return sendJson(res, 200, modelEntry());
    }
    if (route === '/v1/chat/completions') {
      if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
      return chatCompletions(req, res);
    }
    throw new HttpError(
      404,
      `No route ${req.method} ${url.pathname}. This server offers GET /v1/models and POST /v1/chat/completions.`,
      'invalid_request_error',
      null,
      'not_found',
    );
  }

  function authorize(req: http.IncomingMessage): void {
    if (!keyDigest) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !crypto.timingSafeEqual(sha256(match[1]!), keyDigest)) {
      throw new HttpError(
        401,
        match ? 'Incorrect API key.' : 'Missing API key: send "Authorization: Bearer <key>".',
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    }
  }

  function modelEntry() {
    return { id: options.modelName, object: 'model', created, owned_by: 'toolsmith' };
  }

  async function chatCompletions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readJson(req, maxBody);
    const parsed = ChatCompletionRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.map(String).join('.');
      throw new HttpError(
        400,
        `Invalid request: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ')}`,
        'invalid_request_error',
        param || null,
      );
    }
    const body = parsed.data;
    if (!names.has(body.model)) throw unknownModel(body.model);
    const request = toGenerateRequest(body, options.defaults);

    // A client that goes away stops its generation (queued or running).
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort(new Error('client disconnected'));
    });
    request.signal = abort.signal;

    const id = completionId();
    const callsWanted = request.constrain === 'calls' || request.constrain === 'calls-or-words';
    const refines = options.refiner !== undefined && callsWanted;
    let stream: CompletionStream | undefined;
    if (body.stream) {
      stream = new CompletionStream(
        res,
        { id, created: Math.floor(Date.now() / 1000), model: options.modelName },
        request.constrain === 'calls' ? 'calls' : request.constrain === 'calls-or-words' ? 'auto' : 'text',
        request.k ?? 1,
      );
      stream.open();
      // A refined answer is only known at the end: nothing of the first answer is streamed.
      if (!refines) request.onText = (sample, text) => stream!.text(sample, text);
    }
    const result = await queue.run(async () => {
      abort.signal.throwIfAborted();
      const first = await options.backend.generate(request);
      // Under "auto" an answer in words is the model's choice: only call lists are refined.
      const refinable = refines && (request.constrain === 'calls' || startsLikeCalls(first.outputs[0]?.text ?? ''));
      if (refinable) return options.refiner!.refine({ request: { ...request, onText: undefined }, first, backend: options.backend });
      return first;
    });
    if (abort.signal.aborted) return;
    const completion = toCompletion(result, request, options.modelName, id);
    if (stream) {
      stream.finish(completion, body.stream_options?.include_usage === true);
      return;
    }
    res.setHeader('x-toolsmith-template-hash', result.templateHash);
    sendJson(res, 200, completion);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/v1`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Turns an OpenAI request into the backend's request: messages in Toolsmith's call syntax, tools, sampling.
 * `tool_choice` as OpenAI defines it: "auto" (the default with tools) lets the model call or answer in
 * words, "required" and a named function force calls, "none" forbids them.
 */
export function toGenerateRequest(body: ChatCompletionRequest, defaults: ServeModelOptions['defaults'] = {}): GenerateRequest {
  checkToolMessages(body);
  const messages: ChatMessage[] = body.messages.map((message, i) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
      const calls = message.tool_calls.map((call, j) => ({
        name: call.function.name,
        args: parseArguments(call.function.arguments, `messages.${i}.tool_calls.${j}.function.arguments`),
      }));
      return { role, content: callsToText(calls) };
    }
    return { role, content: contentText(message.content) };
  });
  // Normalised like every tool in Toolsmith (BFCL's `dict`, missing `required`, …), with the bad field named.
  let tools: ToolSpec[] = (body.tools ?? []).map((tool, i) => {
    try {
      return toToolSpec(normalizeTool(tool, `tools.${i}`));
    } catch (error) {
      if (error instanceof ToolValidationError)
        throw new HttpError(400, `Invalid request: ${error.message}`, 'invalid_request_error', error.path);
      throw error;
    }
  });
  const choice = body.tool_choice;
  if (choice === 'required' && tools.length === 0)
    throw new HttpError(
      400,
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'invalid_request_error',
      'tool_choice',
      'invalid_value',
    );
  if (choice && typeof choice === 'object') {
    tools = tools.filter((tool) => tool.name === choice.function.name);
    if (tools.length === 0)
      throw new HttpError(
        400,
        `tool_choice names "${choice.function.name}", which is not in tools.`,
        'invalid_request_error',
        'tool_choice',
      );
  }
  const format = body.response_format;
  let jsonSchema: Record<string, unknown> | undefined;
  if (format?.type === 'json_schema') {
    jsonSchema = format.json_schema.schema ?? { type: 'object', additionalProperties: true };
    try {
      toGbnfJsonSchema(jsonSchema); // refused here, with the keyword named, rather than ignored later
    } catch (error) {
      if (error instanceof JsonSchemaError)
        throw new HttpError(
          400,
          error.message,
          'invalid_request_error',
          `response_format.json_schema.schema${error.path ? `.${error.path}` : ''}`,
          'invalid_json_schema',
        );
      throw error;
    }
  }
  const constrain: GenerateRequest['constrain'] =
    tools.length > 0 && choice !== 'none'
      ? choice === undefined || choice === 'auto'
        ? 'calls-or-words'
        : 'calls'
      : format?.type === 'json_object' || format?.type === 'json_schema'
        ? 'json'
        : 'none';
  const stop = body.stop == null ? [] : (typeof body.stop === 'string' ? [body.stop] : body.stop).filter((t) => t !== '');
  return {
    messages,
    tools: choice === 'none' ? [] : tools,
    k: body.n ?? 1,
    sampling: {
      temperature: body.temperature ?? defaults.temperature ?? 0.7,
      topP: body.top_p,
      topK: body.top_k,
      seed: body.seed,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? defaults.maxTokens ?? 256,
    },
    constrain,
    ...(constrain === 'json' && jsonSchema ? { jsonSchema } : {}),
    ...(stop.length > 0 ? { stop } : {}),
  };
}

/**
 * Tool messages as OpenAI checks them: each names, in `tool_call_id`, a call that an earlier assistant message
 * made (Toolsmith's prompts pair results with calls by order, so a result for no call would be misread).
 */
function checkToolMessages(body: ChatCompletionRequest): void {
  const made = new Set<string>();
  body.messages.forEach((message, i) => {
    for (const call of message.tool_calls ?? []) if (call.id) made.add(call.id);
    if (message.role !== 'tool') return;
    if (message.tool_call_id === undefined)
      throw new HttpError(
        400,
        `Missing required parameter: 'messages.${i}.tool_call_id'.`,
        'invalid_request_error',
        `messages.${i}.tool_call_id`,
        'missing_required_parameter',
      );
    if (!made.has(message.tool_call_id))
      throw new HttpError(
        400,
        `Invalid parameter: messages.${i}.tool_call_id "${message.tool_call_id}" answers no tool call of an earlier assistant message; ` +
          "messages with role 'tool' must be a response to a preceding message with 'tool_calls'.",
        'invalid_request_error',
        `messages.${i}.tool_call_id`,
        'invalid_value',
      );
  });
}

/** The backend's outputs as an OpenAI chat completion: call text becomes `tool_calls` when tools were offered. */
export function toCompletion(result: GenerateResult, request: GenerateRequest, model: string, id = completionId()): ChatCompletion {
  const choices = result.outputs.map((output, index) => {
    // Under "auto" the first character tells calls from words (the grammar keeps them apart).
    const calls =
      request.constrain === 'calls' || (request.constrain === 'calls-or-words' && startsLikeCalls(output.text))
        ? textToCalls(output.text)
        : null;
    if (calls && calls.length > 0) {
      return {
        index,
        message: {
          role: 'assistant' as const,
          content: null,
          tool_calls: toWireToolCalls(calls, (j) => callId(id, index, j)),
        },
        finish_reason: 'tool_calls' as const,
      };
    }
    // The local backend says why it stopped; for others, reaching maxTokens means it was cut.
    const reported = (output as { finishReason?: string }).finishReason;
    const finish =
      reported === 'length' || (reported === undefined && output.tokens >= request.sampling.maxTokens)
        ? ('length' as const)
        : ('stop' as const);
    return { index, message: { role: 'assistant' as const, content: output.text }, finish_reason: finish };
  });
  const completionTokens = result.outputs.reduce((sum, o) => sum + o.tokens, 0);
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: result.templateHash,
    choices,
    usage: {
      prompt_tokens: result.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: result.promptTokens + completionTokens,
    },
  };
}

function contentText(content: string | { type: string; text?: string }[] | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
}

function parseArguments(raw: WireToolCall['function']['arguments'], where: string): Record<string, never> {
  const read = wireArguments(raw);
  if ('problem' in read) {
    throw new HttpError(
      400,
      `${where} ${read.problem === 'not JSON' ? 'is not JSON' : 'must be a JSON object'}.`,
      'invalid_request_error',
      where,
    );
  }
  return read.args;
}

async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (!isJsonContentType(type))
    throw new HttpError(
      415,
      `Send the request as JSON (content-type: application/json), not ${type ? JSON.stringify(type) : 'without a content type'}.`,
    );
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new HttpError(413, `The request body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new HttpError(413, `The request body is larger than ${limit} bytes.`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'The client went away before the request body ended.'); // nobody reads this answer
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The request body is not JSON: ${(error as Error).message}`);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function errorBody(error: HttpError) {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

function methodNotAllowed(req: http.IncomingMessage, allowed: string): HttpError {
  return new HttpError(405, `${req.method} is not allowed here; use ${allowed}.`, 'invalid_request_error', null, 'method_not_allowed');
}

function unknownModel(name: string): HttpError {
  return new HttpError(
    404,
    `The model "${name}" is not served here (this server serves only the one in GET /v1/models).`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );
}

function completionId(): string {
  return `chatcmpl-${crypto.randomBytes(12).toString('hex')}`;
}

function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
