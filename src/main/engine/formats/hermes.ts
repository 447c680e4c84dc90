import { PyParser } from '../tools/py-parse';
import { resolveValue } from '../tools/py-resolve';
import { toCallValue } from '../tools/py-value';
import type { Call } from '../tools/types';
import { callJson, expectRecord, functionJson, isRecord, jsonField, structuredCall, toolsAt } from './common';
import { conversationDrafts, textCalls, systemOf, turnsOf } from './conversation';
import { RecordError, type ExportSample, type FormatModule } from './types';

/**
 * Hermes function calling (NousResearch): a system prompt with the tools inside `<tools></tools>`, assistant
 * turns with one `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` per call, and results inside
 * `<tool_response></tool_response>`. Turns are ShareGPT `from/value` or chat `role/content`.
 */
export const hermesFormat: FormatModule = {
  id: 'hermes',
  label: 'Hermes function calling (<tools>, <tool_call>)',
  writes: '<name>.jsonl',
  detect(record) {
    if (!isRecord(record)) return 0;
    const turns = Array.isArray(record.conversations) ? record.conversations : Array.isArray(record.messages) ? record.messages : undefined;
    if (!turns) return 0;
    const texts = turns.filter(isRecord).map((t) => String(t.value ?? t.content ?? ''));
    if (typeof record.system === 'string') texts.push(record.system);
    const tools = texts.some((t) => t.includes('<tools>'));
    const calls = texts.some((t) => t.includes('<tool_call>'));
    return tools && calls ? 0.97 : tools ? 0.9 : calls ? 0.5 : 0;
  },
  read(record) {
    const obj = expectRecord(record, '', 'a record object');
    const { turns } = turnsOf(obj);
    const system = systemOf(obj, turns);
    let tools;
    let rest: string | undefined;
    if (obj.tools !== undefined) {
      tools = toolsAt(jsonField(obj.tools, 'tools', 'the tool list'), 'tools');
      rest = system?.text;
    } else {
      if (!system) throw new RecordError('system', 'is missing: the tools are expected inside <tools></tools> in the system prompt');
      const found = toolsInTags(system.text, system.path);
      tools = toolsAt(found.value, system.path);
      rest = undefined; // the rest of a Hermes system prompt is its fixed instructions
    }
    return conversationDrafts(turns, tools, rest, { assistantCalls: hermesCalls, toolContent: stripResponseTags });
  },
  write(sample) {
    return { conversations: hermesTurns(sample) };
  },
};

/** A Python literal (`{'name': 'f', 'arguments': {...}}`), as hermes-function-calling-v1 writes them, or undefined. */
function pythonLiteral(text: string): unknown {
  const p = new PyParser(text, { jsonLiterals: true });
  try {
    p.ws();
    const value = toCallValue(resolveValue(p.expr(), false));
    p.ws();
    return p.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `<tool_call>` turns: JSON inside the tags (read by the tools module's parser), or Python dict literals inside
 * them, which some Hermes datasets write.
 */
function hermesCalls(value: string, path: string): Call[] | undefined {
  try {
    return textCalls(value, path);
  } catch (error) {
    if (!(error instanceof RecordError) || !value.includes('<tool_call>')) throw error;
    const bodies = [...value.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)].map((m) => pythonLiteral((m[1] ?? '').trim()));
    if (bodies.some((b) => b === undefined)) throw error;
    return bodies.flatMap((b, i) =>
      (Array.isArray(b) ? b : [b]).map((c, j) => structuredCall(c, `${path}<tool_call ${i + 1}>${Array.isArray(b) ? `[${j}]` : ''}`)),
    );
  }
}

function toolsInTags(text: string, path: string): { value: unknown } {
  // The instructions themselves often mention "<tools></tools>": the list is the first non-empty section.
  const m = [...text.matchAll(/<tools>([\s\S]*?)<\/tools>/g)].find((x) => (x[1] ?? '').trim() !== '');
  if (!m) throw new RecordError(path, 'holds no <tools></tools> section with tools in it');
  const body = (m[1] ?? '').trim();
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (jsonError) {
    // One JSON object per line, as some Hermes prompts list them.
    const lines = body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    try {
      return { value: lines.map((l) => JSON.parse(l) as unknown) };
    } catch {
      // Python literals (`{'type': 'function', ...}`), as hermes-function-calling-v1 writes them.
      const value = pythonLiteral(body);
      if (value !== undefined) return { value };
      throw new RecordError(
        path,
        `the tool list in <tools> is not valid JSON (${jsonError instanceof Error ? jsonError.message : String(jsonError)})`,
      );
    }
  }
}

function stripResponseTags(value: string): string {
  const m = /<tool_response>([\s\S]*?)(?:<\/tool_response>|$)/.exec(value);
  return m ? (m[1] ?? '').trim() : value;
}

function hermesSystem(sample: ExportSample): string {
  const tools = JSON.stringify(sample.tools.map((t) => ({ type: 'function', function: functionJson(t) })));
  const lead = sample.system ? `${sample.system}\n\n` : '';
  return (
    `${lead}You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. ` +
    'You may call one or more functions to assist with the user query. Do not make assumptions about what values to plug into functions.\n' +
    `<tools>\n${tools}\n</tools>\n` +
    'For each function call return a JSON object with the function name and arguments within <tool_call></tool_call> XML tags.'
  );
}

function toolCallText(calls: Parameters<typeof callJson>[0][]): string {
  return calls.map((c) => `<tool_call>\n${JSON.stringify(callJson(c))}\n</tool_call>`).join('\n');
}

function hermesTurns(sample: ExportSample): { from: string; value: string }[] {
  const out = [{ from: 'system', value: hermesSystem(sample) }];
  for (const turn of sample.prompt) {
    if (turn.role === 'user') out.push({ from: 'human', value: turn.content });
    else if (turn.role === 'tool') out.push({ from: 'tool', value: `<tool_response>\n${turn.content}\n</tool_response>` });
    else out.push({ from: 'gpt', value: 'calls' in turn ? toolCallText(turn.calls) : turn.content });
  }
  out.push({ from: 'gpt', value: 'calls' in sample.output ? toolCallText(sample.output.calls) : sample.output.text });
  return out;
}
