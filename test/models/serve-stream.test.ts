import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, GenerateResult, GenerationBackend } from '../../src/main/engine/inference/backend';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { CallScan } from '../../src/main/engine/serving/serve-stream';
import { sharedDir } from '../helpers/tmp';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

/**
 * The real local backend, watched: every piece of text it generates is a token event, counted here. A test can
 * hold generation inside the event (as a slow model would be) until the client has seen what was sent.
 */
class Watched implements GenerationBackend {
  readonly id: string;
  events = 0;
  banEog = false;
  hold: ((request: GenerateRequest) => Promise<void>) | undefined;
  outcome: Promise<unknown> | undefined;
  constructor(private readonly inner: LocalBackend) {
    this.id = inner.id;
  }
  generate(request: GenerateRequest): Promise<GenerateResult> {
    const onText = request.onText;
    const run = this.inner.generate({
      ...request,
      banEog: this.banEog,
      onText:
        onText &&
        (async (sample, text) => {
          this.events++;
          await onText(sample, text);
          await this.hold?.(request);
        }),
    });
    this.outcome = run.then(
      () => 'done',
      (error: unknown) => error,
    );
    return run;
  }
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

let backend: LocalBackend;
let watched: Watched;
let server: ModelServer;

beforeAll(async () => {
  backend = await createLocalBackend({
    modelPath: STORIES,
    threads: 1,
    contextSize: 512,
    sequences: 2,
    gpu: false,
    grammar: { maxCalls: 3, maxStringLength: 8, maxItems: 2, maxDigits: 3 },
  });
  watched = new Watched(backend);
  server = await startModelServer({ backend: watched, modelName: 'stories260K', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
});

interface Chunk {
  object: string;
  choices: {
    index: number;
    delta: { role?: string; content?: string; tool_calls?: { index: number; id: string; function: { name: string; arguments: string } }[] };
    finish_reason: string | null;
  }[];
}

function post(body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** Reads SSE events as they come, calling `onEvent` with each data payload. */
async function readEvents(response: Response, onEvent: (data: string) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith('data: ')) onEvent(block.slice('data: '.length));
    }
  }
}

const STORY = { model: 'stories260K', messages: [{ role: 'user', content: 'Once upon a time' }], temperature: 0, max_tokens: 40, seed: 3 };

describe('serve-model streaming, token by token', () => {
  it('sends each piece while generation is still running, and the pieces join up to the non-streaming answer', async () => {
    const plain = (await (await post(STORY)).json()) as { choices: { message: { content: string }; finish_reason: string }[] };
    const expected = plain.choices[0]!.message.content;
    expect(expected.length).toBeGreaterThan(0);

    // Generation waits inside each token event until the client has received that event's chunk (a bounded
    // wait: a server that buffered would fail the assertions below, not hang).
    let received = 0;
    let waiter: (() => void) | undefined;
    let buffered = false;
    watched.events = 0;
    watched.hold = () =>
      buffered || received >= watched.events
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              buffered = true;
              resolve();
            }, 10_000);
            waiter = () => {
              if (received >= watched.events) {
                clearTimeout(timer);
                resolve();
              }
            };
          });
    const eventsAtChunk: number[] = [];
    const contents: string[] = [];
    let finish: string | null = null;
    try {
      const response = await post({ ...STORY, stream: true });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const done: string[] = [];
      await readEvents(response, (data) => {
        if (data === '[DONE]') return void done.push(data);
        const chunk = JSON.parse(data) as Chunk;
        expect(chunk.object).toBe('chat.completion.chunk');
        const choice = chunk.choices[0]!;
        if (choice.finish_reason) finish = choice.finish_reason;
        if (choice.delta.content) {
          contents.push(choice.delta.content);
          eventsAtChunk.push(watched.events);
          received++;
          waiter?.();
        }
      });
      expect(done).toEqual(['[DONE]']);
    } finally {
      watched.hold = undefined;
    }
    const total = watched.events;
    expect(buffered).toBe(false);
    expect(contents.length).toBeGreaterThan(1);
    // The k-th chunk reached the client while the model had produced only k pieces: the first before the last token.
    expect(eventsAtChunk).toEqual(eventsAtChunk.map((_, k) => k + 1));
    expect(eventsAtChunk[0]).toBeLessThan(total);
    expect(contents.join('')).toBe(expected);
    expect(finish).toBe(plain.choices[0]!.finish_reason);
  });

  it('streams n choices, each joining up to its non-streaming choice', async () => {
    const request = { ...STORY, n: 2, temperature: 0.9, seed: 11, max_tokens: 24 };
    const plain = (await (await post(request)).json()) as { choices: { index: number; message: { content: string } }[] };
    const joined = ['', ''];
    await readEvents(await post({ ...request, stream: true }), (data) => {
      if (data === '[DONE]') return;
      for (const c of (JSON.parse(data) as Chunk).choices) joined[c.index] += c.delta.content ?? '';
    });
    expect(joined).toEqual(plain.choices.map((c) => c.message.content));
  });

  it('streams tool calls as tool_calls deltas (never as content), equal to the non-streaming calls', async () => {
    const ask = {
      model: 'stories260K',
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tool_choice: 'required',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      temperature: 0,
      max_tokens: 240,
      seed: 2,
    };
    const plain = (await (await post(ask)).json()) as {
      choices: { message: { tool_calls: { id: string; function: unknown }[] }; finish_reason: string }[];
    };
    expect(plain.choices[0]!.finish_reason).toBe('tool_calls');
    expect(plain.choices[0]!.message.tool_calls.length).toBeGreaterThan(1);
    const calls: { id: string; function: unknown }[] = [];
    const perChunk: number[][] = [];
    let content = '';
    let finish: string | null = null;
    let chunkId = '';
    await readEvents(await post({ ...ask, stream: true }), (data) => {
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data) as Chunk & { id: string };
      chunkId = chunk.id;
      const choice = chunk.choices[0]!;
      content += choice.delta.content ?? '';
      if (choice.delta.tool_calls) perChunk.push(choice.delta.tool_calls.map((c) => c.index));
      for (const call of choice.delta.tool_calls ?? []) calls[call.index] = { id: call.id, function: call.function };
      finish = choice.finish_reason ?? finish;
    });
    expect(content).toBe('');
    expect(calls.map((c) => c.function)).toEqual(plain.choices[0]!.message.tool_calls.map((c) => c.function));
    // One chunk per call, each sent as its closing parenthesis was generated.
    expect(perChunk).toEqual(calls.map((_, j) => [j]));
    expect(calls.map((c) => c.id)).toEqual(calls.map((_, j) => `call_${chunkId.slice(-8)}_0_${j}`));
    expect(finish).toBe('tool_calls');
  });

  it('stops generating when the client disconnects mid-stream, and serves the next request', async () => {
    const client = new AbortController();
    watched.banEog = true; // without the disconnect, generation would run all 200 tokens
    watched.events = 0;
    // Generation waits after its first piece until the server has seen the client go (bounded).
    watched.hold = (request) =>
      request.signal!.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5000);
            request.signal!.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
          });
    try {
      const response = await post({ ...STORY, max_tokens: 200, stream: true }, client.signal);
      await readEvents(response, (data) => {
        if (data !== '[DONE]' && (JSON.parse(data) as Chunk).choices[0]?.delta.content) client.abort();
      }).catch((error: unknown) => expect((error as Error).name).toBe('AbortError'));
      const outcome = await watched.outcome;
      expect((outcome as Error).name).toBe('AbortError');
      expect(watched.events).toBeLessThan(5);
    } finally {
      watched.hold = undefined;
      watched.banEog = false;
    }
    const next = (await (await post({ ...STORY, max_tokens: 8 })).json()) as { choices: { message: { content: string } }[] };
    expect(next.choices[0]!.message.content.length).toBeGreaterThan(0);
  });

  it('finds where each call of a partial call list ends, ignoring brackets inside strings', () => {
    const scan = new CallScan();
    const text = '[f(a="x)", b=[1, (2)]), g(c={"k": "]"})';
    scan.feed(text.slice(0, 10));
    expect(scan.lastClosedEnd).toBe(0);
    scan.feed(text.slice(0, 23));
    expect(text.slice(0, scan.lastClosedEnd)).toBe('[f(a="x)", b=[1, (2)])');
    scan.feed(text);
    expect(scan.lastClosedEnd).toBe(text.length);
  });
});
