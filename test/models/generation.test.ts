import fs from 'node:fs';
import path from 'node:path';
import { LlamaCompletion } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/main/engine/inference/backend';
import { cellsFor, createLocalBackend, StepBarrier, useQ8Keys, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { checkModelFits, getRuntimeLlama, ModelTooLargeError } from '../../src/main/engine/inference/runtime';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { sharedDir, tempDir } from '../helpers/tmp';
import { tinyQwen2Model } from './llama-vocab';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
      required: ['city'],
    },
  },
  {
    name: 'math.add',
    description: 'Add numbers',
    parameters: {
      type: 'object',
      properties: { values: { type: 'array', items: { type: 'number' } }, exact: { type: 'boolean' } },
      required: ['values'],
    },
  },
];

describe('stories260K (a real trained tiny llama)', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = await createLocalBackend({ modelPath: STORIES, threads: 1, contextSize: 256, sequences: 8, gpu: false });
  });
  afterAll(() => backend?.dispose());

  it('greedy continuation of "Once upon a time" begins ", there was a little girl named Lily"', async () => {
    // A context of its own, on the backend's model, disposed here: the backend disposes only its own.
    const context = await backend.model.createContext({ contextSize: 128, threads: 2 });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const text = await completion.generateCompletion('Once upon a time', { maxTokens: 16, temperature: 0 });
      expect(text.startsWith(', there was a little girl named Lily')).toBe(true);
      await completion.dispose({ disposeSequence: true });
    } finally {
      await context.dispose();
    }
  });

  it('k = 8 samples share one prompt evaluation and return 8 results', { timeout: 120_000 }, async () => {
    const request = {
      messages: [{ role: 'user' as const, content: 'Once upon a time, a little dog went to the park and found a ball.' }],
      tools: [],
      k: 8,
      sampling: { temperature: 0.9, seed: 7, maxTokens: 12 },
    };
    const { tokens } = backend.renderPrompt(request);
    const result = await backend.generate(request);
    expect(result.outputs).toHaveLength(8);
    expect(result.promptTokens).toBe(tokens.length);
    for (const o of result.outputs) expect(o.tokens).toBeGreaterThan(0);
    // The prompt (all but its last token) was evaluated once on one sequence, never on the other seven —
    // node-llama-cpp's own token meters agree: evaluating it per sample would count 8 × (n − 1) tokens.
    expect(result.evaluatedPromptTokens).toBe(tokens.length - 1 + 8);
    expect(result.contextInputTokens).toBe(tokens.length - 1);
    // Different seeds give different samples; the same request again gives the same ones.
    expect(new Set(result.outputs.map((o) => o.text)).size).toBeGreaterThan(1);
    const again = await backend.generate(request);
    expect(again.outputs.map((o) => o.text)).toEqual(result.outputs.map((o) => o.text));
    // ... and reuses the evaluated prompt: only the last prompt token per sample is evaluated again.
    expect(again.evaluatedPromptTokens).toBe(8);
    expect(again.contextInputTokens).toBe(0);
  });

  it('cancels a generation through its AbortSignal', async () => {
    const controller = new AbortController();
    const pending = backend.generate({
      messages: [{ role: 'user', content: 'Once upon a time' }],
      tools: [],
      k: 2,
      sampling: { temperature: 1, seed: 1, maxTokens: 200 },
      banEog: true,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toThrow(/cancelled/);
    // The backend still works afterwards.
    const after = await backend.generate({
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [],
      sampling: { temperature: 0, maxTokens: 4 },
    });
    expect(after.outputs[0]!.tokens).toBeGreaterThan(0);
  });
});

describe('tiny random qwen2 with the real qwen2 vocabulary and a Qwen tool-calling template', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    const file = await tinyQwen2Model();
    backend = await createLocalBackend({
      modelPath: file,
      threads: 1,
      contextSize: 1024,
      sequences: 10,
      gpu: false,
      // Short outputs keep the 50 samples quick: each token the grammar rejects costs a pass over 151,936
      // tokens. Longer literals and several calls per answer are covered on the starter model below.
      grammar: { maxStringLength: 4, maxItems: 2, maxCalls: 1, maxDigits: 2 },
    });
  }, 180_000);
  afterAll(() => backend?.dispose());

  it('renders a conversation with its tools through the model template', () => {
    const { text, tokens } = backend.renderPrompt({ messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS });
    expect(backend.template.source).toBe('model');
    expect(text).toContain('# Tools');
    expect(text).toContain('"name": "get_weather"');
    expect(text).toContain('"name": "math.add"');
    expect(text).toContain('"enum": ["celsius", "fahrenheit"]');
    expect(text.endsWith('<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
    // <|im_start|> is one special token, not its characters.
    const imStart = backend.model.tokenize('<|im_start|>', true);
    expect(imStart).toHaveLength(1);
    expect(tokens.filter((t) => t === imStart[0]).length).toBe(3);
  });

  it('constrained generation always parses into calls of the given tools (50 seeds)', async () => {
    const texts: string[] = [];
    for (let base = 0; base < 50; base += 10) {
      const result = await backend.generate({
        messages: [{ role: 'user', content: 'What is the weather in Paris, and what is 2 + 3?' }],
        tools: TOOLS,
        k: 10,
        constrain: 'calls',
        sampling: { temperature: 1, seed: base, maxTokens: 100 },
      });
      expect(result.outputs).toHaveLength(10);
      for (const o of result.outputs) {
        expect(o.finishReason).toBe('stop');
        texts.push(o.text);
      }
    }
    expect(texts).toHaveLength(50);
    for (const text of texts) {
      const parsed = parseCalls(text);
      expect(parsed.ok, `${text} → ${JSON.stringify(parsed)}`).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.calls.length).toBeGreaterThan(0);
      for (const call of parsed.calls) {
        const tool = TOOLS.find((t) => t.name === call.name);
        expect(tool, text).toBeDefined();
        for (const req of (tool!.parameters.required as string[]) ?? []) expect(Object.keys(call.args), text).toContain(req);
      }
    }
    // A random model explores: the 50 samples are not all the same.
    expect(new Set(texts).size).toBeGreaterThan(10);
  }, 600_000);
});

describe('constrained calls on the starter model (character vocabulary: cheap to constrain)', () => {
  it('20 seeds: several calls, lists, enums, numbers, all parse', async () => {
    const file = path.join(tempDir(), 'starter.gguf');
    await createStarterModel(file, { seed: 4 });
    const backend = await createLocalBackend({
      modelPath: file,
      threads: 1,
      contextSize: 1024,
      sequences: 10,
      gpu: false,
      grammar: { maxStringLength: 5, maxItems: 3, maxCalls: 3 },
    });
    try {
      const texts: string[] = [];
      for (let base = 0; base < 20; base += 10) {
        const result = await backend.generate({
          messages: [{ role: 'user', content: 'Weather in Oslo and 1 + 2?' }],
          tools: TOOLS,
          k: 10,
          constrain: 'calls',
          sampling: { temperature: 1, seed: base, maxTokens: 400 },
        });
        for (const o of result.outputs) {
          expect(o.finishReason).toBe('stop');
          texts.push(o.text);
        }
      }
      let calls = 0;
      for (const text of texts) {
        const parsed = parseCalls(text);
        expect(parsed.ok, `${text} → ${JSON.stringify(parsed)}`).toBe(true);
        if (!parsed.ok) continue;
        expect(parsed.calls.length).toBeGreaterThan(0);
        expect(parsed.calls.length).toBeLessThanOrEqual(3);
        calls += parsed.calls.length;
        for (const call of parsed.calls) {
          expect(['get_weather', 'math.add']).toContain(call.name);
          if (call.name === 'get_weather') {
            expect(typeof call.args.city).toBe('string');
            if ('unit' in call.args) expect(['celsius', 'fahrenheit']).toContain(call.args.unit);
            if ('days' in call.args) expect(Number.isInteger(call.args.days)).toBe(true);
          } else {
            expect(Array.isArray(call.args.values)).toBe(true);
            for (const v of call.args.values as unknown[]) expect(typeof v).toBe('number');
          }
        }
      }
      expect(calls).toBeGreaterThan(20); // some answers hold several calls
    } finally {
      await backend.dispose();
    }
  }, 300_000);
});

describe('parallel samples: context sizing and lockstep steps', () => {
  it('sizes each sequence for the request: powers of two from 256 up to contextSize', () => {
    expect(cellsFor(10, 4096)).toBe(256);
    expect(cellsFor(256, 4096)).toBe(256);
    expect(cellsFor(257, 4096)).toBe(512);
    expect(cellsFor(522, 4096)).toBe(1024);
    expect(cellsFor(3000, 2048)).toBe(2048);
  });

  it('a step barrier releases when every running sample has arrived; one that leaves stops counting', async () => {
    const barrier = new StepBarrier(3);
    const released: number[] = [];
    const a = barrier.arrive().then(() => released.push(1));
    const b = barrier.arrive().then(() => released.push(2));
    await Promise.resolve();
    expect(released).toEqual([]);
    barrier.leave(); // the third sample finished: the two waiting go on
    await Promise.all([a, b]);
    expect(released.sort()).toEqual([1, 2]);
    const c = barrier.arrive().then(() => released.push(3));
    const d = barrier.arrive().then(() => released.push(4));
    await Promise.all([c, d]);
    expect(released).toHaveLength(4);
  });

  it('starter model (Q8_0 keys on CPU): 8 greedy samples agree; a longer prompt grows the context', async () => {
    const file = path.join(tempDir(), 'starter.gguf');
    await createStarterModel(file, { seed: 3 });
    expect(useQ8Keys((await readGguf(file)).metadata)).toBe(true); // 192 / 6 = 32 values per head
    expect(useQ8Keys((await readGguf(STORIES)).metadata)).toBe(false); // 8 values per head
    const backend = await createLocalBackend({ modelPath: file, threads: 1, contextSize: 2048, sequences: 8, gpu: false });
    try {
      // 256 cells per sequence for the first prompt; the second needs more, so the context is made again.
      for (const content of ['Weather in Oslo?', 'Weather in Oslo and in Bergen, tomorrow? '.repeat(16)]) {
        const request = {
          messages: [{ role: 'user' as const, content }],
          tools: [],
          sampling: { temperature: 0, maxTokens: 24 },
          banEog: true,
        };
        const { tokens } = backend.renderPrompt(request);
        const one = await backend.generate(request);
        expect(one.contextInputTokens).toBe(tokens.length - 1);
        const eight = await backend.generate({ ...request, k: 8 });
        // The copies hold the same (quantised) keys as the first sequence: the same greedy answer 8 times.
        expect(eight.contextInputTokens).toBe(0);
        expect(eight.outputs.map((o) => o.tokens)).toEqual(Array(8).fill(24));
        expect(new Set(eight.outputs.map((o) => o.text)).size).toBe(1);
      }
    } finally {
      await backend.dispose();
    }
  }, 60_000);
});

describe('bad input', () => {
  it('a model too large for memory is refused with a clear error before loading', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.gguf');
    // A real GGUF header declaring 64 GiB of F32 weights; the data is a sparse hole, so nothing is written.
    await writeGguf(file, {
      metadata: { 'general.architecture': 'llama', 'llama.block_count': gguf.u32(1) },
      tensors: [{ name: 'token_embd.weight', dims: [1, 1], type: GgmlType.F32, data: new Float32Array(1) }],
    });
    const big = 64 * 2 ** 30;
    const { llama } = await getRuntimeLlama(false);
    // Patch the declared dims in place: rewrite the header with the big tensor and extend the file sparsely.
    const header = fs.readFileSync(file);
    const dimsAt = header.indexOf(Buffer.from('token_embd.weight')) + 'token_embd.weight'.length + 4;
    header.writeBigUInt64LE(BigInt(big / 4), dimsAt);
    fs.writeFileSync(file, header);
    fs.truncateSync(file, header.length + big);
    const error = await checkModelFits(llama, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelTooLargeError);
    expect((error as Error).message).toMatch(/huge\.gguf: the model needs about 6\d\.\d GiB of memory but only .* is free/);
    await expect(createLocalBackend({ modelPath: file, gpu: false })).rejects.toThrow(/needs about .* GiB of memory/);
  });

  it('a missing, non-GGUF or truncated model file gives a clear error', async () => {
    const dir = tempDir();
    await expect(createLocalBackend({ modelPath: path.join(dir, 'nope.gguf'), gpu: false })).rejects.toThrow(/nope\.gguf: no such file/);
    const text = path.join(dir, 'notes.gguf');
    fs.writeFileSync(text, 'hello, I am not a model');
    await expect(createLocalBackend({ modelPath: text, gpu: false })).rejects.toThrow(/notes\.gguf.*not a GGUF file/);
    const cut = path.join(dir, 'cut.gguf');
    fs.writeFileSync(cut, fs.readFileSync(STORIES).subarray(0, 600_000));
    await expect(createLocalBackend({ modelPath: cut, gpu: false })).rejects.toThrow(/cut\.gguf.*truncated/);
  });
});
