import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTrainingExample, resolveChatTemplate, tokenizeExample } from '../../src/main/engine/inference/chat-render';
import { renderExamples } from '../../src/main/engine/train/examples';
import { tokenizeForTraining } from '../../src/main/engine/train/python/backend';
import { smolLM2File } from '../helpers/real-model';

/**
 * A model learns to stop only if its training targets end with the end-of-turn token and the loss covers it:
 * SmolLM2's ChatML template closes each turn with `<|im_end|>`, which the assistant span must include.
 */
const SMOLLM2 = fs.readFileSync(path.join(import.meta.dirname, '..', 'models', 'fixtures', 'smollm2-instruct.jinja'), 'utf8');
const EOT = '<|im_end|>';

const conversation = {
  messages: [
    { role: 'user' as const, content: 'Weather in Paris?' },
    { role: 'assistant' as const, content: 'get_weather(city="Paris")' },
    { role: 'user' as const, content: 'And Rome?' },
    { role: 'assistant' as const, content: 'get_weather(city="Rome")' },
  ],
};

/** Splits on ChatML's special tokens (one id each) and gives every other character its own id. */
function chatmlTokenize(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(/(<\|im_start\|>|<\|im_end\|>)/)) {
    if (part === '<|im_start|>') ids.push(1);
    else if (part === EOT) ids.push(2);
    else for (const ch of part) ids.push(1000 + ch.codePointAt(0)!);
  }
  return ids;
}

describe('training targets end with the end-of-turn token (SmolLM2 ChatML)', () => {
  const template = resolveChatTemplate({ chatTemplate: SMOLLM2, eosToken: EOT });

  it('each assistant span ends with <|im_end|>', () => {
    const ex = renderTrainingExample(template, conversation);
    expect(ex.spans.map((s) => ex.text.slice(s.start, s.end))).toEqual([
      `get_weather(city="Paris")${EOT}`,
      `get_weather(city="Rome")${EOT}`,
    ]);
    // What the trainer receives (renderExamples) keeps the same spans.
    const { examples } = renderExamples(template, [conversation]);
    expect(examples[0]!.spans).toEqual(ex.spans.map((s) => ({ start: s.start, end: s.end })));
  });

  it('the learn mask covers the end-of-turn token and nothing of the next turn', () => {
    const tok = tokenizeExample(renderTrainingExample(template, conversation), chatmlTokenize);
    const learnedEots = tok.tokens.filter((t, i) => t === 2 && tok.learn[i]).length;
    expect(learnedEots).toBe(2); // one per assistant turn; system and user <|im_end|> stay context
    expect(tok.tokens.filter((t) => t === 2).length).toBe(5);
    // Every learned run ends on <|im_end|>.
    tok.learn.forEach((k, i) => {
      if (k && !tok.learn[i + 1]) expect(tok.tokens[i]).toBe(2);
    });
  });

  const gguf = smolLM2File();
  it.skipIf(!gguf)('with SmolLM2’s own tokenizer, each learned run ends on its <|im_end|> id', async () => {
    const { examples } = renderExamples(template, [conversation]);
    const [row] = await tokenizeForTraining(gguf!, examples);
    const ends = row!.mask.flatMap((k, i) => (k && !row!.mask[i + 1] ? [row!.ids[i]] : []));
    expect(ends.length).toBe(2);
    const eotId = ends[0]!;
    expect(ends).toEqual([eotId, eotId]);
    // The same id closes the user turns, unlearned: it is the end-of-turn token, not the call's last character.
    expect(row!.ids.filter((t, i) => t === eotId && !row!.mask[i]).length).toBe(3);
  });
  if (!gguf) console.log('SmolLM2-135M-Instruct GGUF absent: skipping the real-tokenizer check');
});
