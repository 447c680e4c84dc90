import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { normalizeTools, toToolSpec } from '../../src/main/engine/tools/normalize';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { sharedDir } from '../helpers/tmp';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');
const KEY = 'test-key-123';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'Local time in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

let backend: LocalBackend;
let server: ModelServer;

beforeAll(async () => {
  backend = await createLocalBackend({
    modelPath: STORIES,
    threads: 1,
    contextSize: 512,
    sequences: 2,
    gpu: false,
    grammar: { maxCalls: 1, maxStringLength: 8, maxItems: 2, maxDigits: 3 },
  });
  server = await startModelServer({ backend, modelName: 'stories260K', aliases: ['7'], port: 0, apiKey: KEY });
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
});

function post(body: unknown, key: string | null = KEY): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
}

const ASK = {
  model: 'stories260K',
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: TOOLS,
  tool_choice: 'required',
  temperature: 0,
  max_tokens: 48,
  seed: 1,
};

describe('serve-model over real HTTP', () => {
  it('binds 127.0.0.1 by default and lists the model', async () => {
    expect(server.host).toBe('127.0.0.1');
    const response = await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['stories260K']);
    expect((await fetch(`${server.url}/models/7`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
  });

  it('requires the API key, and says so in OpenAI error shape', async () => {
    const missing = await fetch(`${server.url}/models`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string; code: string } }).error).toMatchObject({
      code: 'invalid_api_key',
      message: expect.stringMatching(/Missing API key/),
    });
    const wrong = await post(ASK, 'nope');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/Incorrect API key/);
  });

  it('answers with tool_calls parsed from constrained output, in the OpenAI shape', async () => {
    const response = await post(ASK);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-toolsmith-template-hash')).toBe(backend.template.hash);
    const body = (await response.json()) as {
      object: string;
      choices: {
        message: {
          role: string;
          content: string | null;
          tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
        };
        finish_reason: string;
      }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.object).toBe('chat.completion');
    const choice = body.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const calls = choice.message.tool_calls!;
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.type).toBe('function');
      expect(['get_weather', 'get_time']).toContain(call.function.name);
      const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
      expect(typeof args.city).toBe('string');
    }
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    // The same request through the backend directly gives the same calls.
    const direct = await backend.generate({
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: normalizeTools(TOOLS).map(toToolSpec), // as the server normalises them
      sampling: { temperature: 0, maxTokens: 48, seed: 1 },
      constrain: 'calls',
    });
    const parsed = parseCalls(direct.outputs[0]!.text);
    expect(parsed.ok && parsed.calls.map((c) => ({ name: c.name, arguments: JSON.stringify(c.args) }))).toEqual(
      calls.map((c) => c.function),
    );
  });

  it('streams the same answer as server-sent events, ending with [DONE]', async () => {
    const plain = (await (await post(ASK)).json()) as { choices: { message: { tool_calls: { function: unknown }[] } }[] };
    const response = await post({ ...ASK, stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await response.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => block.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e) as {
          object: string;
          choices: { delta: { role?: string; tool_calls?: { function: unknown }[] }; finish_reason: string | null }[];
          usage?: { total_tokens: number };
        },
    );
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const streamedCalls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(streamedCalls.map((c) => c.function)).toEqual(plain.choices[0]!.message.tool_calls.map((c) => c.function));
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('returns n choices and plain text without tools', async () => {
    const many = (await (await post({ ...ASK, n: 2, temperature: 0.9, seed: 5 })).json()) as { choices: { index: number }[] };
    expect(many.choices.map((c) => c.index)).toEqual([0, 1]);
    const story = (await (
      await post({ model: 'stories260K', messages: [{ role: 'user', content: 'Once upon a time' }], temperature: 0, max_tokens: 12 })
    ).json()) as {
      choices: { message: { content: string; tool_calls?: unknown }; finish_reason: string }[];
    };
    expect(typeof story.choices[0]!.message.content).toBe('string');
    expect(story.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(story.choices[0]!.message.tool_calls).toBeUndefined();
    expect(['stop', 'length']).toContain(story.choices[0]!.finish_reason);
  });

  it('rejects bad requests with the field that is wrong', async () => {
    const noMessages = await post({ model: 'stories260K', messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'messages' });
    const badTemp = await post({ ...ASK, temperature: 7 });
    expect(((await badTemp.json()) as { error: { param: string } }).error.param).toBe('temperature');
    const badTool = await post({
      ...ASK,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'complex' } } } } }],
    });
    expect(badTool.status).toBe(400);
    expect(((await badTool.json()) as { error: { param: string; message: string } }).error).toMatchObject({
      param: 'tools.0.function.parameters.properties.x.type',
      message: expect.stringMatching(/unknown type "complex"/),
    });
    const otherModel = await post({ ...ASK, model: 'gpt-4o' });
    expect(otherModel.status).toBe(404);
    expect(((await otherModel.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    const notJson = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    const wrongMethod = await fetch(`${server.url}/chat/completions`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(wrongMethod.status).toBe(405);
  });
});
