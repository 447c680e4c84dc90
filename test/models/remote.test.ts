import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, GenerationBackend } from '../../src/main/engine/inference/backend';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { createRemoteBackend, RemoteBackendError, toOpenAiMessages } from '../../src/main/engine/inference/remote-backend';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { normalizeTools, toToolSpec } from '../../src/main/engine/tools/normalize';
import { sharedDir } from '../helpers/tmp';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    description: 'Local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, utc: { type: 'boolean' } }, required: ['city'] },
  },
];

const ASK: GenerateRequest = {
  messages: [{ role: 'user', content: 'What time is it in Oslo?' }],
  tools: TOOLS,
  sampling: { temperature: 0.8, maxTokens: 96, seed: 11 },
  constrain: 'calls',
};

let local: LocalBackend;
const servers: ModelServer[] = [];
const remotes: GenerationBackend[] = [];

beforeAll(async () => {
  local = await createLocalBackend({
    modelPath: STORIES,
    threads: 1,
    contextSize: 512,
    sequences: 4,
    gpu: false,
    grammar: { maxCalls: 1, maxStringLength: 8, maxItems: 2, maxDigits: 3 },
  });
});

afterAll(async () => {
  for (const remote of remotes) await remote.dispose();
  for (const server of servers) await server.close();
  await local?.dispose();
});

async function serve(options: { port?: number; apiKey?: string; backend?: GenerationBackend } = {}): Promise<ModelServer> {
  const server = await startModelServer({
    backend: options.backend ?? local,
    modelName: 'stories',
    port: options.port ?? 0,
    apiKey: options.apiKey,
  });
  servers.push(server);
  return server;
}

function remote(options: Partial<Parameters<typeof createRemoteBackend>[0]> & { baseUrl: string }): GenerationBackend {
  const backend = createRemoteBackend({ model: 'stories', retries: 3, backoffMs: 50, maxBackoffMs: 200, timeoutMs: 20_000, ...options });
  remotes.push(backend);
  return backend;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function expectCalls(text: string): void {
  const parsed = parseCalls(text);
  expect(parsed.ok, `${text} parses`).toBe(true);
  if (!parsed.ok) return;
  expect(parsed.calls.length).toBeGreaterThan(0);
  for (const call of parsed.calls) {
    expect(['get_weather', 'get_time']).toContain(call.name);
    expect(typeof call.args.city).toBe('string');
  }
}

describe('remote backend against serve-model over real HTTP', () => {
  it('gets k samples back as parsed calls, via n and via parallel requests', async () => {
    const server = await serve({ apiKey: 'k1' });
    for (const samples of ['n', 'parallel'] as const) {
      const backend = remote({ baseUrl: server.url, apiKey: 'k1', samples, concurrency: 2 });
      const result = await backend.generate({ ...ASK, k: 3 });
      expect(result.outputs).toHaveLength(3);
      for (const output of result.outputs) {
        expectCalls(output.text);
        expect(output.tokens).toBeGreaterThan(0);
      }
      expect(result.templateHash).toBe(local.template.hash);
      expect(result.promptTokens).toBeGreaterThan(0);
    }
  });

  it('returns the same calls as the local backend for the same greedy request', async () => {
    const server = await serve();
    const request: GenerateRequest = { ...ASK, sampling: { temperature: 0, maxTokens: 96, seed: 2 } };
    const viaHttp = await remote({ baseUrl: `${server.url}/chat/completions` }).generate(request);
    // The server normalises the tools it receives, as every tool in Toolsmith is.
    const direct = await local.generate({ ...request, tools: normalizeTools(TOOLS).map(toToolSpec) });
    const a = parseCalls(viaHttp.outputs[0]!.text);
    const b = parseCalls(direct.outputs[0]!.text);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.calls).toEqual(b.calls);
  });

  it('retries while the server is not up yet, then succeeds', async () => {
    const port = await freePort();
    const backend = remote({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 6, backoffMs: 100, maxBackoffMs: 400 });
    const pending = backend.generate(ASK);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await serve({ port });
    const result = await pending;
    expectCalls(result.outputs[0]!.text);
  });

  it('when the server is killed mid-run: retries, then a clear error naming the server', async () => {
    let started!: () => void;
    const generating = new Promise<void>((resolve) => (started = resolve));
    // The real local backend, observed: the test kills the server once generation has begun.
    const observed: GenerationBackend = {
      id: local.id,
      generate: (request) => {
        started();
        return local.generate(request);
      },
      dispose: async () => undefined,
    };
    const server = await serve({ backend: observed });
    const backend = remote({ baseUrl: server.url, retries: 2, backoffMs: 50 });
    const run = backend.generate({ ...ASK, constrain: 'none', tools: [], sampling: { temperature: 0.8, maxTokens: 400, seed: 1 } });
    await generating;
    await server.close();
    const error = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteBackendError);
    const message = (error as Error).message;
    expect(message).toContain(server.url);
    expect(message).toContain('model "stories"');
    expect(message).toMatch(/failed after 3 attempts/);
    expect(message).toMatch(/connection refused/);
    expect((error as RemoteBackendError).attempts).toBe(3);
  });

  it('does not retry a wrong API key or an unknown model, and says which', async () => {
    const server = await serve({ apiKey: 'right' });
    await expect(remote({ baseUrl: server.url, apiKey: 'wrong' }).generate(ASK)).rejects.toThrow(
      /refused with HTTP 401.*Incorrect API key.*check the API key/,
    );
    await expect(remote({ baseUrl: server.url, apiKey: 'right', model: 'nope' }).generate(ASK)).rejects.toThrow(
      /model "nope".*HTTP 404.*check the URL and the model name/,
    );
  });

  it('stops when the caller cancels', async () => {
    const server = await serve();
    const controller = new AbortController();
    const run = remote({ baseUrl: server.url }).generate({
      ...ASK,
      constrain: 'none',
      tools: [],
      sampling: { temperature: 0.8, maxTokens: 400 },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('remote backend against servers that answer badly (real HTTP)', () => {
  async function answering(handler: (count: number) => { status: number; body: string; headers?: Record<string, string> }) {
    let count = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      const { status, body, headers } = handler(++count);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`;
    return { url, requests: () => count, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('rejects an answer that is not a chat completion, naming the field', async () => {
    const server = await answering(() => ({ status: 200, body: JSON.stringify({ choices: [] }) }));
    try {
      await expect(remote({ baseUrl: server.url }).generate(ASK)).rejects.toThrow(/is not a chat completion \(choices: .*\)/);
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('rejects tool_calls whose arguments are not JSON', async () => {
    const body = {
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'a', type: 'function', function: { name: 'get_time', arguments: '{city: Oslo' } }],
          },
        },
      ],
    };
    const server = await answering(() => ({ status: 200, body: JSON.stringify(body) }));
    try {
      await expect(remote({ baseUrl: server.url }).generate(ASK)).rejects.toThrow(
        /choices\[0\]\.message\.tool_calls\[0\]\.function\.arguments of "get_time" is not JSON/,
      );
    } finally {
      await server.close();
    }
  });

  it('retries a 503 and succeeds when the server recovers', async () => {
    const ok = {
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ type: 'function', function: { name: 'get_time', arguments: '{"city":"Oslo"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    };
    const server = await answering((n) =>
      n < 3
        ? { status: 503, body: JSON.stringify({ error: { message: 'loading model' } }), headers: { 'retry-after': '0' } }
        : { status: 200, body: JSON.stringify(ok) },
    );
    try {
      const result = await remote({ baseUrl: server.url }).generate(ASK);
      expect(result.outputs).toEqual([{ text: '[get_time(city="Oslo")]', tokens: 4 }]);
      expect(result.promptTokens).toBe(9);
      expect(server.requests()).toBe(3);
    } finally {
      await server.close();
    }
  });
});

describe('OpenAI message shape', () => {
  it('sends assistant turns written as calls as tool_calls, answered by tool messages in order', () => {
    const messages = toOpenAiMessages([
      { role: 'user', content: 'Weather in Oslo and Rome?' },
      { role: 'assistant', content: '[get_weather(city="Oslo"), get_weather(city="Rome")]' },
      { role: 'tool', content: '{"temp": 3}' },
      { role: 'tool', content: '{"temp": 18}' },
      { role: 'assistant', content: 'Oslo is colder.' },
    ]);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    });
    expect(messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_0', content: '{"temp": 3}' });
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"temp": 18}' });
    expect(messages[4]).toEqual({ role: 'assistant', content: 'Oslo is colder.' });
  });
});
