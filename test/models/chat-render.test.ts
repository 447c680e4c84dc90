import { describe, expect, it } from 'vitest';
import {
  ChatRenderError,
  chatTemplateFromMetadata,
  FALLBACK_CHAT_TEMPLATE,
  renderChat,
  renderTrainingExample,
  resolveChatTemplate,
  tokenizeExample,
} from '../../src/main/engine/inference/chat-render';
import type { ToolSpec } from '../../src/main/engine/inference/backend';
import { QWEN_TOOLS_TEMPLATE } from './llama-vocab';

const tools: ToolSpec[] = [
  {
    name: 'lookup',
    description: 'Look a word up',
    parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
  },
];

describe('chat rendering', () => {
  it('uses the documented fallback template for a model without one', () => {
    const t = resolveChatTemplate({ chatTemplate: null });
    expect(t.source).toBe('fallback');
    expect(t.template).toBe(FALLBACK_CHAT_TEMPLATE);
    const text = renderChat(t, {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Define cat' },
      ],
      tools,
    });
    expect(text).toBe(
      '<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call these functions. Answer with a list of calls such as [f(a=1, b="x")].\n' +
        '{"name": "lookup", "description": "Look a word up", "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}<|im_end|>\n' +
        '<|im_start|>user\nDefine cat<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(renderChat(t, { messages: [{ role: 'user', content: 'hi' }], addGenerationPrompt: false })).toBe(
      '<|im_start|>user\nhi<|im_end|>\n',
    );
  });

  it("hashes the template with its special tokens; the model's own template wins", () => {
    const a = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE, eosToken: '<|im_end|>' });
    const b = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE, eosToken: '<|im_end|>' });
    const c = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE + ' ', eosToken: '<|im_end|>' });
    const d = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE, eosToken: '</s>' });
    expect(a.source).toBe('model');
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.hash).toBe(b.hash);
    expect(new Set([a.hash, c.hash, d.hash]).size).toBe(3);
    const meta = chatTemplateFromMetadata({
      'tokenizer.chat_template': QWEN_TOOLS_TEMPLATE,
      'tokenizer.ggml.tokens': ['x', '<|im_end|>'],
      'tokenizer.ggml.eos_token_id': 1,
    });
    expect(meta.hash).toBe(a.hash);
  });

  it('finds the assistant spans of a multi-turn conversation (Qwen-style template)', () => {
    const t = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE });
    const ex = renderTrainingExample(t, {
      tools,
      messages: [
        { role: 'user', content: 'Define cat' },
        { role: 'assistant', content: '[lookup(word="cat")]' },
        { role: 'tool', content: '{"definition": "a small feline"}' },
        { role: 'assistant', content: 'A small feline.' },
      ],
    });
    expect(ex.templateHash).toBe(t.hash);
    expect(ex.text).toContain('<tool_response>\n{"definition": "a small feline"}\n</tool_response>');
    // The call is learned in the model's own (Hermes) format.
    expect(ex.spans.map((s) => ex.text.slice(s.start, s.end))).toEqual([
      '<tool_call>\n{"name": "lookup", "arguments": {"word": "cat"}}\n</tool_call><|im_end|>',
      'A small feline.<|im_end|>',
    ]);
    // Each span starts right after the generation prompt of its turn.
    for (const s of ex.spans) expect(ex.text.slice(0, s.start).endsWith('<|im_start|>assistant\n')).toBe(true);

    // Segment-wise tokenisation keeps each token wholly inside or outside a span.
    const charTokenize = (s: string) => Array.from(s, (ch) => ch.codePointAt(0)!);
    const tok = tokenizeExample(ex, charTokenize, 0);
    expect(tok.tokens[0]).toBe(0);
    expect(tok.learn[0]).toBe(false);
    const learned = String.fromCodePoint(...tok.tokens.filter((_, i) => tok.learn[i]));
    expect(learned).toBe('<tool_call>\n{"name": "lookup", "arguments": {"word": "cat"}}\n</tool_call><|im_end|>A small feline.<|im_end|>');
  });

  it('says clearly when a template is broken', () => {
    const broken = resolveChatTemplate({ chatTemplate: '{% for m in messages %}{{ m.content }' });
    expect(() => renderChat(broken, { messages: [{ role: 'user', content: 'x' }] })).toThrow(ChatRenderError);
    const raising = resolveChatTemplate({ chatTemplate: "{{ raise_exception('Only user and assistant roles are supported') }}" });
    expect(() => renderChat(raising, { messages: [{ role: 'user', content: 'x' }] })).toThrow(
      /chat template failed: .*Only user and assistant roles/,
    );
  });
});
