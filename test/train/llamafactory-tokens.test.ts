import { getLlama, LlamaLogLevel, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/main/engine/inference/backend';
import { chatTemplateFromMetadata, tokenizeExample, type ChatTemplate } from '../../src/main/engine/inference/chat-render';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { spansToTurns } from '../../src/main/engine/train/command/llamafactory';
import { tokenizeForTraining } from '../../src/main/engine/train/python/backend';
import { renderExamples } from '../../src/main/engine/train/examples';
import { seedConversations } from '../../src/main/engine/train/seed-corpus';
import { tinyQwen2Model } from '../models/llama-vocab';

/**
 * The llama-factory preset hands LLaMA-Factory sharegpt turns cut at the learn spans; its `empty` template
 * encodes each turn on its own (`tokenizer.encode(content, add_special_tokens=False)`) and concatenates, so
 * with a BPE vocabulary a merge across a cut would make it train on other ids than the rendered text's.
 * This replays that encoding with the real qwen2 tokenizer (node-llama-cpp) on Toolsmith's Qwen-template
 * renderings. The HF tokenizer that python/gguf_to_hf.py writes for this GGUF gave the same ids as
 * llama.cpp on these texts, and LLaMA-Factory 0.9.5's SupervisedDatasetProcessor gave exactly the replayed
 * ids and labels (checked by hand in its venv; docs/reference.md, "Training").
 */
let model: LlamaModel;
let template: ChatTemplate;
let file: string;
beforeAll(async () => {
  file = await tinyQwen2Model();
  template = chatTemplateFromMetadata((await readGguf(file)).metadata);
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false, skipDownload: true });
  model = await llama.loadModel({ modelPath: file, vocabOnly: true } as Parameters<typeof llama.loadModel>[0]);
}, 180_000);
afterAll(() => model?.dispose());

const tokenize = (s: string) => [...model.tokenize(s, true)];

/** What LLaMA-Factory trains on: each turn encoded alone, concatenated; labels on the assistant turns. */
function turnIds(row: { text: string; spans: [number, number][] }) {
  const ids: number[] = [];
  const learn: boolean[] = [];
  for (const m of spansToTurns(row)!.messages) {
    for (const t of tokenize(m.content)) {
      ids.push(t);
      learn.push(m.role === 'assistant');
    }
  }
  return { ids, learn };
}

const MULTI_TURN: { messages: ChatMessage[] } = {
  messages: [
    { role: 'user', content: 'Weather in Zürich and 東京?' },
    { role: 'assistant', content: '[get_weather(city="Zürich"), get_weather(city="東京")]' },
    { role: 'tool', content: '{"temp": 21.5, "sky": "clear"}' },
    { role: 'tool', content: '{"temp": 18, "sky": "rain"}' },
    { role: 'assistant', content: 'Zürich: 21.5 °C, clear.  Tokyo: 18 °C, rain 🌧️' },
    { role: 'user', content: 'And 3+4?' },
    { role: 'assistant', content: '<tool_call>\n{"name": "add", "arguments": {"a": 3, "b": 4}}\n</tool_call>' },
    { role: 'tool', content: '7' },
    { role: 'assistant', content: '   7' },
  ],
};

describe('llama-factory preset turns on the real qwen2 BPE vocabulary', () => {
  it('per-turn ids equal the whole rendered text ids, and the learned ids are exactly the spans (Qwen template, tool calls, multi-turn)', () => {
    const seeds = seedConversations(16, 7, 1);
    const tools = seeds.slice(0, 4).flatMap((c) => c.tools);
    const { examples } = renderExamples(template, [...seeds, { ...MULTI_TURN, tools }]);
    let learned = 0;
    for (const e of examples) {
      const row = { text: e.text, spans: e.spans.map((s) => [s.start, s.end] as [number, number]) };
      const lf = turnIds(row);
      const whole = tokenize(e.text);
      // The text after the last span is dropped (never learned); everything before it must tokenize the same.
      expect(lf.ids, e.text).toEqual(whole.slice(0, lf.ids.length));
      expect(e.text.slice(row.spans.at(-1)![1]).trim(), 'only whitespace after the last span').toBe('');
      // The learned positions are the tokens Toolsmith's own span tokenization marks (the python backend's).
      const ref = tokenizeExample({ text: e.text, spans: e.spans, templateHash: '' }, tokenize);
      expect(lf.ids.filter((_, i) => lf.learn[i])).toEqual(ref.tokens.filter((_, i) => ref.learn[i]));
      expect(lf.learn).toEqual(ref.learn.slice(0, lf.ids.length));
      learned += lf.learn.filter(Boolean).length;
    }
    expect(examples.at(-1)!.spans).toHaveLength(4);
    expect(learned).toBeGreaterThan(16 * 5);
  });

  it('the python trainer trains on the ids inference sees: no BOS where the vocabulary adds none', async () => {
    const { examples } = renderExamples(template, seedConversations(4, 7, 1));
    const trained = await tokenizeForTraining(file, examples);
    expect(model.tokens.bos).not.toBeNull();
    expect(model.tokens.shouldPrependBosToken).toBe(false);
    for (const [i, e] of examples.entries()) {
      const ref = tokenizeExample({ text: e.text, spans: e.spans, templateHash: '' }, tokenize);
      expect(trained[i]!.ids).toEqual(ref.tokens);
      expect(trained[i]!.ids[0]).not.toBe(model.tokens.bos);
      expect(trained[i]!.mask).toEqual(ref.learn);
    }
  });

  it('the comparison sees a merge across a cut (a span starting inside a pre-token)', () => {
    // "\n" closing the generation prompt and a reply starting with "\n" are one token ("\n\n") in the whole
    // text: cut between them, the turns tokenize differently. Toolsmith's templates never cut there.
    const text = '<|im_start|>assistant\n\nHi<|im_end|>';
    const start = text.indexOf('\nHi');
    const lf = turnIds({ text, spans: [[start, text.length]] });
    expect(lf.ids).not.toEqual(tokenize(text));
  });
});
