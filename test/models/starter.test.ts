import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Llama, LlamaModel, Token } from 'node-llama-cpp';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { chatTemplateFromMetadata, renderChat, renderTrainingExample, tokenizeExample } from '../../src/main/engine/inference/chat-render';
import { getRuntimeLlama } from '../../src/main/engine/inference/runtime';
import { createStarterModel, STARTER_CHAT_TEMPLATE } from '../../src/main/engine/models/starter';
import { tempDir } from '../helpers/tmp';

describe('starter model', () => {
  let llama: Llama;
  let model: LlamaModel | undefined;
  afterAll(() => model?.dispose());

  it('is a deterministic tiny llama: 1–3 M parameters, KV heads = heads, separate output matrix', async () => {
    const dir = tempDir();
    const a = await createStarterModel(path.join(dir, 'a.gguf'), { seed: 5 });
    const b = await createStarterModel(path.join(dir, 'b.gguf'), { seed: 5 });
    const c = await createStarterModel(path.join(dir, 'c.gguf'), { seed: 6 });
    expect(fs.readFileSync(a.file).equals(fs.readFileSync(b.file))).toBe(true);
    expect(fs.readFileSync(a.file).equals(fs.readFileSync(c.file))).toBe(false);
    expect(a.parameters).toBeGreaterThanOrEqual(1_000_000);
    expect(a.parameters).toBeLessThanOrEqual(3_000_000);
    const g = await readGguf(a.file);
    expect(g.metadata['general.architecture']).toBe('llama');
    expect(g.metadata['llama.attention.head_count_kv']).toBe(g.metadata['llama.attention.head_count']);
    expect(g.tensors.map((t) => t.name)).toContain('output.weight');
    expect(g.tensors.reduce((s, t) => s + t.dims.reduce((x, y) => x * y, 1), 0)).toBe(a.parameters);
    const tokens = g.metadata['tokenizer.ggml.tokens'] as string[];
    const types = g.metadata['tokenizer.ggml.token_type'] as number[];
    expect(tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(tokens.filter((t, i) => /^<0x[0-9A-F]{2}>$/.test(t) && types[i] === 6)).toHaveLength(256);
    expect(g.metadata['tokenizer.ggml.bos_token_id']).toBe(1);
    expect(g.metadata['tokenizer.ggml.eos_token_id']).toBe(2);
    expect(g.metadata['tokenizer.chat_template']).toBe(STARTER_CHAT_TEMPLATE);
  });

  it('loads in node-llama-cpp and round-trips mixed text through its tokenizer', async () => {
    const file = path.join(tempDir(), 'starter.gguf');
    await createStarterModel(file);
    ({ llama } = await getRuntimeLlama(false));
    model = await llama.loadModel({ modelPath: file });
    expect(model.fileInfo.metadata.general.architecture).toBe('llama');
    const mixed = 'Call [get_weather(city="Zürich", days=3)]\n\tthen 東京 😀 — done! ~{}|';
    const tokens = model.tokenize(mixed);
    expect(model.detokenize(tokens)).toBe(mixed);
    // ASCII is one token per character; everything else goes through the byte-fallback tokens.
    expect(model.tokenize('abc [x=1]')).toHaveLength(9);
    expect(model.tokenize('😀')).toHaveLength(4);
    expect(model.tokenize('<s>hi</s>', true)).toEqual([1, ...model.tokenize('hi'), 2]);

    // A training example rendered through its template: the assistant span, learned tokens.
    const template = chatTemplateFromMetadata((await readGguf(file)).metadata);
    const tools = [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const prompt = renderChat(template, { messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools });
    expect(prompt).toContain('<tools>\n{"name": "get_weather"');
    const example = renderTrainingExample(template, {
      tools,
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: '[get_weather(city="Oslo")]' },
      ],
    });
    expect(example.spans).toHaveLength(1);
    expect(example.text.slice(example.spans[0]!.start, example.spans[0]!.end)).toBe('[get_weather(city="Oslo")]</s>');
    const m = model;
    const tok = tokenizeExample(example, (t) => m.tokenize(t, true), m.tokens.bos ?? undefined);
    expect(m.detokenize(tok.tokens as Token[], true)).toBe(example.text);
    const learned = tok.tokens.filter((_, i) => tok.learn[i]);
    expect(m.detokenize(learned as Token[], true)).toBe('[get_weather(city="Oslo")]</s>');
    expect(learned[learned.length - 1]).toBe(2);
  });
});
