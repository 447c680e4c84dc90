import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledStarter } from '../../src/main/engine/evolution/demo-setup';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { smolLM2File, SMOLLM2_SKIP } from '../helpers/real-model';
import { sharedDir } from '../helpers/tmp';

/**
 * serve-model driven by the official `openai` client (the Node SDK; its requests have the same shape as the
 * Python SDK's) over real HTTP on 127.0.0.1, with SmolLM2-135M-Instruct where it is cached and the bundled
 * starter otherwise. Every request is greedy (temperature 0), so each answer is the model's one answer.
 * What depends on what the model chooses to say runs with SmolLM2 only.
 */

const smol = smolLM2File();
const MODEL_FILE = smol ?? bundledStarter()?.file ?? path.join(sharedDir, 'models', 'stories260K.gguf');
const NAME = 'served';

const WEATHER = {
  type: 'function' as const,
  function: {
    name: 'get_current_weather',
    description: 'Get the current weather in a given location',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string', description: 'The city, e.g. Paris' } },
      required: ['location'],
    },
  },
};

let backend: LocalBackend;
let server: ModelServer;
let client: OpenAI;

beforeAll(async () => {
  backend = await createLocalBackend({ modelPath: MODEL_FILE, threads: 1, contextSize: 2048, sequences: 1, gpu: false });
  server = await startModelServer({ backend, modelName: NAME, port: 0, apiKey: 'sk-test' });
  client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  await backend?.dispose();
});

async function badRequest(request: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
  const error = await request.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  return error as InstanceType<typeof OpenAI.BadRequestError>;
}

describe('tool_choice with the openai client', () => {
  it.runIf(smol)('"auto" (the default) lets the model answer in words: a joke is not a weather call', async () => {
    const completion = await client.chat.completions.create({
      model: NAME,
      messages: [{ role: 'user', content: 'Tell me a joke about cats' }],
      tools: [WEATHER],
      temperature: 0,
      max_tokens: 40,
    });
    const choice = completion.choices[0]!;
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toMatch(/cat/i);
    expect(['stop', 'length']).toContain(choice.finish_reason);
  });

  it.runIf(smol)('"auto" after a tool result: the model answers in words from it', async () => {
    const completion = await client.chat.completions.create({
      model: NAME,
      messages: [
        { role: 'user', content: 'What is the weather like in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location": "Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 22, "unit": "celsius", "sky": "sunny"}' },
      ],
      tools: [WEATHER],
      temperature: 0,
      max_tokens: 60,
    });
    const choice = completion.choices[0]!;
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toMatch(/22/);
  });

  it('"required" and a named function still force a call', async () => {
    for (const tool_choice of ['required', { type: 'function', function: { name: 'get_current_weather' } }] as const) {
      const completion = await client.chat.completions.create({
        model: NAME,
        messages: [{ role: 'user', content: 'Tell me a joke about cats' }],
        tools: [WEATHER],
        tool_choice,
        temperature: 0,
        max_tokens: 300, // room for the longest string the grammar allows
      });
      const choice = completion.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0]!;
      expect(call.type === 'function' && call.function.name).toBe('get_current_weather');
    }
  });

  it.runIf(smol)('runTools: the loop calls the tool once and ends with an answer in words', async () => {
    const calls: { location: string }[] = [];
    const runner = client.chat.completions.runTools({
      model: NAME,
      // SmolLM2-135M answers a weather question in words; asked with the call itself, it writes that call
      // (without the list's brackets, which serve-model reads as the call).
      messages: [{ role: 'user', content: 'get_current_weather(location="Paris")' }],
      tools: [
        {
          type: 'function',
          function: {
            ...WEATHER.function,
            parse: (text: string) => JSON.parse(text) as { location: string },
            function: (args: { location: string }) => {
              calls.push(args);
              // A sentence (as many tools return): given a bare number, this small model calls again.
              return `It is sunny and 22 degrees Celsius in ${args.location}.`;
            },
          },
        },
      ],
      temperature: 0,
      max_tokens: 60,
    });
    const final = await runner.finalContent();
    expect(calls).toEqual([{ location: 'Paris' }]);
    expect(typeof final).toBe('string');
    expect(final!.length).toBeGreaterThan(0);
    expect(final).toMatch(/22 degrees/);
    const messages = runner.messages;
    expect(messages.filter((m) => m.role === 'tool')).toHaveLength(1);
    expect(messages.at(-1)).toMatchObject({ role: 'assistant' });
  });
  if (!smol) it.skip(SMOLLM2_SKIP, () => undefined);
});

describe('stop sequences', () => {
  const ask = {
    model: NAME,
    messages: [{ role: 'user' as const, content: 'Count from 1 to 10, separated by commas.' }],
    temperature: 0,
    max_tokens: 40,
  };

  it('ends the answer before the stop text, non-streaming and streaming, with finish_reason "stop"', async () => {
    const free = (await client.chat.completions.create(ask)).choices[0]!.message.content!;
    expect(free.length).toBeGreaterThan(6);
    // A stop taken from the model's own answer: the same greedy answer must end just before it.
    const stop = free.slice(Math.floor(free.length / 2), Math.floor(free.length / 2) + 3);
    const before = free.slice(0, free.indexOf(stop));
    const cut = (await client.chat.completions.create({ ...ask, stop: [stop, 'never-said-stop'] })).choices[0]!;
    expect(cut.message.content).toBe(before);
    expect(cut.finish_reason).toBe('stop');

    const pieces: string[] = [];
    let finish: string | null = null;
    const stream = await client.chat.completions.create({ ...ask, stop, stream: true });
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) pieces.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(pieces.join('')).toBe(before);
    expect(finish).toBe('stop');
  });

  it('holds back the start of a stop sequence that never completes, then sends it', async () => {
    const free = (await client.chat.completions.create(ask)).choices[0]!.message.content!;
    // The text's own first characters, followed by what the model never writes.
    const stop = `${free.slice(0, 2)}\u0007`;
    const pieces: string[] = [];
    const stream = await client.chat.completions.create({ ...ask, stop, stream: true });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces.join('')).toBe(free);
  });
});

describe('response_format json_schema', () => {
  it('is enforced: the answer is JSON with exactly the keys, types and enum values of the schema', async () => {
    const completion = await client.chat.completions.create({
      model: NAME,
      messages: [{ role: 'user', content: 'Give me a person as JSON.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string', maxLength: 20 },
              age: { type: 'integer' },
              role: { type: 'string', enum: ['admin', 'user'] },
            },
            required: ['name', 'age', 'role'],
            additionalProperties: false,
          },
        },
      },
      temperature: 0,
      max_tokens: 80,
    });
    const choice = completion.choices[0]!;
    const value = JSON.parse(choice.message.content!) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['age', 'name', 'role']);
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(['admin', 'user']).toContain(value.role);
    expect(choice.finish_reason).toBe('stop');
  });

  it('refuses a schema the grammar cannot enforce, naming the keyword', async () => {
    const error = await badRequest(
      client.chat.completions.create({
        model: NAME,
        messages: [{ role: 'user', content: 'Hi' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } } } },
        },
      }),
    );
    expect(error.status).toBe(400);
    expect(error.param).toBe('response_format.json_schema.schema.properties.code.pattern');
    expect(error.message).toMatch(/"pattern"/);
  });
});

describe('errors as OpenAI gives them', () => {
  const hi = [{ role: 'user' as const, content: 'Hi' }];

  it('a request without model', async () => {
    const error = await badRequest(
      client.chat.completions.create({ messages: hi } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
    );
    expect(error.param).toBe('model');
    expect(error.message).toMatch(/must provide a model/);
  });

  it('tool_choice "required" without tools', async () => {
    const error = await badRequest(client.chat.completions.create({ model: NAME, messages: hi, tool_choice: 'required' }));
    expect(error.param).toBe('tool_choice');
  });

  it('a tool message without tool_call_id, and one answering no call that was made', async () => {
    const made = {
      role: 'assistant' as const,
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function' as const, function: { name: 'get_current_weather', arguments: '{"location": "Paris"}' } },
      ],
    };
    const missing = await badRequest(
      client.chat.completions.create({
        model: NAME,
        tools: [WEATHER],
        messages: [...hi, made, { role: 'tool', content: '{}' } as unknown as OpenAI.ChatCompletionToolMessageParam],
      }),
    );
    expect(missing.param).toBe('messages.2.tool_call_id');
    expect(missing.code).toBe('missing_required_parameter');
    const unknown = await badRequest(
      client.chat.completions.create({
        model: NAME,
        tools: [WEATHER],
        messages: [...hi, made, { role: 'tool', tool_call_id: 'call_9', content: '{}' }],
      }),
    );
    expect(unknown.param).toBe('messages.2.tool_call_id');
    expect(unknown.message).toMatch(/call_9/);
  });
});
