import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/main/engine/inference/backend';
import {
  chatTemplateFromMetadata,
  renderChat,
  renderTrainingExample,
  resolveChatTemplate,
} from '../../src/main/engine/inference/chat-render';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { invocationPrompt, queryGenerationPrompt, refinementPrompt } from '../../src/main/engine/subtasks/builders';
import { normalizeTool } from '../../src/main/engine/tools/normalize';
import { QWEN_TOOLS_TEMPLATE } from './llama-vocab';
import { smolLM2File } from '../helpers/real-model';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const SMOLLM2 = fixture('smollm2-instruct.jinja');
const LLAMA32 = fixture('llama-3.2-instruct.jinja');

const weather = normalizeTool({
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
  },
});
const spec: ToolSpec = { name: weather.name, description: weather.description, parameters: weather.parameters };

/** Every prompt a round or an evaluation sends with tools, as (messages, tools). */
function subtaskPrompts() {
  const invocation = invocationPrompt('Weather in Paris?', [weather]);
  const refinement = refinementPrompt('Weather in Paris?', [weather], '[get_weather(city="Rome")]');
  const query = queryGenerationPrompt([weather]);
  return { invocation, refinement, query };
}

function expectToolsShown(text: string) {
  expect(text).toContain('get_weather');
  expect(text).toContain('"city"');
  expect(text).toContain('"unit"');
  expect(text).toContain('Current weather of a city.');
}

describe('tools reach the model whatever its template', () => {
  it("SmolLM2's template ignores tools, so they are written into the system turn with the call instruction", async () => {
    const file = smolLM2File();
    if (file) {
      // The fixture is the template the real model carries.
      const own = chatTemplateFromMetadata((await readGguf(file)).metadata);
      expect(own.template).toBe(SMOLLM2);
      expect(own.toolMode).toBe('injected');
    }
    const t = resolveChatTemplate({ chatTemplate: SMOLLM2, eosToken: '<|im_end|>' });
    expect(t.toolMode).toBe('injected');
    expect(t.callFormat).toBe('python');
    const { invocation, refinement, query } = subtaskPrompts();
    for (const p of [invocation, refinement]) {
      const text = renderChat(t, p);
      expectToolsShown(text);
      expect(text).toContain('answer with only the list of calls, in the format');
      expect(text).toContain('When no function fits the request, answer in words');
      // One system turn, the sub-task's instruction first, and no default SmolLM persona.
      expect(text.startsWith('<|im_start|>system\nCall the tools that answer the request')).toBe(true);
      expect(text).not.toContain('named SmolLM');
    }
    const q = renderChat(t, query);
    expectToolsShown(q);
    expect(q).not.toContain('list of calls'); // writing a request, not calling
  });

  it('keeps the span of the assistant turn exact with injected tools', () => {
    const t = resolveChatTemplate({ chatTemplate: SMOLLM2, eosToken: '<|im_end|>' });
    const ex = renderTrainingExample(t, {
      messages: [
        ...invocationPrompt('Weather in Paris?', [weather]).messages,
        { role: 'assistant', content: '[get_weather(city="Paris")]' },
      ],
      tools: [spec],
    });
    expect(ex.spans.map((s) => ex.text.slice(s.start, s.end))).toEqual(['[get_weather(city="Paris")]<|im_end|>']);
    expectToolsShown(ex.text.slice(0, ex.spans[0]!.start));
  });

  it('uses a template that renders tools as it is (Qwen2.5: Hermes calls)', () => {
    const t = resolveChatTemplate({ chatTemplate: QWEN_TOOLS_TEMPLATE, eosToken: '<|im_end|>' });
    expect(t.toolMode).toBe('native');
    expect(t.callFormat).toBe('hermes');
    const text = renderChat(t, subtaskPrompts().invocation);
    expectToolsShown(text);
    expect(text).toContain('<tools>');
    expect(text.match(/get_weather/g)).toHaveLength(1); // no second, injected copy
    const ex = renderTrainingExample(t, {
      messages: [...subtaskPrompts().invocation.messages, { role: 'assistant', content: '[get_weather(city="Paris", unit="c")]' }],
      tools: [spec],
    });
    // The target is written in the model's own format.
    expect(ex.spans.map((s) => ex.text.slice(s.start, s.end))).toEqual([
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}\n</tool_call><|im_end|>',
    ]);
  });

  it('uses a Llama 3.2 template as it is (JSON calls with "parameters")', () => {
    const t = resolveChatTemplate({ chatTemplate: LLAMA32, bosToken: '<|begin_of_text|>', eosToken: '<|eot_id|>' });
    expect(t.toolMode).toBe('native');
    expect(t.callFormat).toBe('llama3-json');
    for (const p of [subtaskPrompts().invocation, subtaskPrompts().refinement]) expectToolsShown(renderChat(t, p));
    const ex = renderTrainingExample(t, {
      messages: [...subtaskPrompts().invocation.messages, { role: 'assistant', content: '[get_weather(city="Paris")]' }],
      tools: [spec],
    });
    expect(ex.spans.map((s) => ex.text.slice(s.start, s.end))).toEqual([
      '{"name": "get_weather", "parameters": {"city": "Paris"}}<|eot_id|>',
    ]);
  });

  it('leaves answers in words as they are in every format', () => {
    for (const chatTemplate of [QWEN_TOOLS_TEMPLATE, LLAMA32, SMOLLM2]) {
      const t = resolveChatTemplate({ chatTemplate });
      const ex = renderTrainingExample(t, {
        messages: [
          { role: 'user', content: 'Tell me a joke' },
          { role: 'assistant', content: 'No tool fits this request.' },
        ],
        tools: [spec],
      });
      expect(ex.text.slice(ex.spans[0]!.start, ex.spans[0]!.end)).toMatch(/^No tool fits this request\./);
    }
  });

  it('injects the tools, with a warning naming the model and the template hash, when a template fails to render with tools', () => {
    const broken = "{% if tools %}{{ raise_exception('tools are not supported') }}{% endif %}" + SMOLLM2;
    const t = resolveChatTemplate({ chatTemplate: broken, modelName: 'Broken-1B' });
    expect(t.toolMode).toBe('injected');
    expect(t.warning).toMatch(/Broken-1B/);
    expect(t.warning).toMatch(/hash [0-9a-f]{16}/);
    expect(t.warning).toMatch(/tools are not supported/);
    expectToolsShown(renderChat(t, subtaskPrompts().invocation));
  });

  it('records the decision in the template hash, and a call-format override changes it', () => {
    const a = resolveChatTemplate({ chatTemplate: SMOLLM2 });
    const b = resolveChatTemplate({ chatTemplate: SMOLLM2, callFormat: 'hermes' });
    expect(b.callFormat).toBe('hermes');
    expect(a.hash).not.toBe(b.hash);
    expect(renderChat(b, subtaskPrompts().invocation)).toContain('<tool_call>');
  });

  it('the fallback template (models without one) lists tools itself', () => {
    const t = resolveChatTemplate({ chatTemplate: null });
    expect(t.toolMode).toBe('native');
    expectToolsShown(renderChat(t, subtaskPrompts().invocation));
  });
});
