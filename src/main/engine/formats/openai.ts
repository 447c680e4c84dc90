import type { Call } from '../tools/types';
import { callsOrWords, draftsOf, expectArray, expectRecord, functionJson, isRecord, join, structuredCall, toolsAt } from './common';
import { RecordError, type DraftTurn, type ExportSample, type FormatModule } from './types';

/**
 * OpenAI chat JSONL: `{"messages": [...], "tools": [{"type": "function", "function": {...}}]}`, assistant
 * turns with `tool_calls` (arguments as JSON text or, as MLX-LM and others write them, as an object), tool
 * results as `role: "tool"` turns. The legacy `functions` / `function_call` fields are read too.
 */
export function readChatRecord(record: unknown): ReturnType<FormatModule['read']> {
  const obj = expectRecord(record, '', 'a record object');
  const rawTools = obj.tools ?? obj.functions;
  if (rawTools === undefined) throw new RecordError('tools', 'is missing: an invocation sample needs the tool list');
  const tools = toolsAt(rawTools, obj.tools !== undefined ? 'tools' : 'functions');
  const messages = expectArray(obj.messages, 'messages');
  const turns: { turn: DraftTurn; path: string }[] = [];
  const systems: string[] = [];
  const callNames = new Map<string, string>();
  messages.forEach((raw, i) => {
    const path = `messages[${i}]`;
    const m = expectRecord(raw, path, 'a message object');
    const content = contentText(m.content, join(path, 'content'));
    switch (m.role) {
      case 'system':
      case 'developer':
        if (content) systems.push(content);
        return;
      case 'user':
        turns.push({ turn: { role: 'user', content }, path });
        return;
      case 'assistant': {
        const calls: Call[] = [];
        if (m.tool_calls !== undefined && m.tool_calls !== null) {
          expectArray(m.tool_calls, join(path, 'tool_calls')).forEach((tc, j) => {
            const callPath = `${path}.tool_calls[${j}]`;
            const call = structuredCall(tc, callPath);
            if (isRecord(tc) && typeof tc.id === 'string') callNames.set(tc.id, call.name);
            calls.push(call);
          });
        } else if (isRecord(m.function_call)) {
          calls.push(structuredCall(m.function_call, join(path, 'function_call')));
        } else {
          calls.push(...(callsOrWords(content, join(path, 'content')) ?? []));
        }
        turns.push({ turn: calls.length > 0 ? { role: 'assistant', calls } : { role: 'assistant', content }, path });
        return;
      }
      case 'tool':
      case 'function': {
        const name = typeof m.name === 'string' ? m.name : typeof m.tool_call_id === 'string' ? callNames.get(m.tool_call_id) : undefined;
        turns.push({ turn: name ? { role: 'tool', content, name } : { role: 'tool', content }, path });
        return;
      }
      default:
        throw new RecordError(join(path, 'role'), `expected system, user, assistant or tool, got ${JSON.stringify(m.role)}`);
    }
  });
  return draftsOf(turns, tools, systems.length ? systems.join('\n\n') : undefined);
}

function contentText(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  // Content parts: [{type: 'text', text: '...'}]
  if (Array.isArray(value)) {
    return value
      .map((part, i) => {
        const p = expectRecord(part, `${path}[${i}]`, 'a content part');
        if (typeof p.text !== 'string') throw new RecordError(`${path}[${i}].text`, 'expected text');
        return p.text;
      })
      .join('');
  }
  throw new RecordError(path, `expected text, got ${typeof value}`);
}

/** The OpenAI messages of a sample: system, the prompt, then the output. `argsAsText` as OpenAI wants. */
export function chatMessages(sample: ExportSample, argsAsText: boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (sample.system) out.push({ role: 'system', content: sample.system });
  let callSeq = 0;
  let pendingIds: { id: string; name: string }[] = [];
  const assistantCalls = (calls: Call[]): Record<string, unknown> => {
    pendingIds = calls.map((c) => ({ id: `call_${callSeq++}`, name: c.name }));
    return {
      role: 'assistant',
      tool_calls: calls.map((c, i) => ({
        id: pendingIds[i]!.id,
        type: 'function',
        function: { name: c.name, arguments: argsAsText ? JSON.stringify(c.args) : c.args },
      })),
    };
  };
  for (const turn of sample.prompt) {
    if (turn.role === 'user') out.push({ role: 'user', content: turn.content });
    else if (turn.role === 'assistant')
      out.push('calls' in turn ? assistantCalls(turn.calls) : { role: 'assistant', content: turn.content });
    else {
      // Pair the result with the earliest unanswered call of that name (or the earliest at all).
      const at = Math.max(
        0,
        pendingIds.findIndex((p) => p.name === turn.name),
      );
      const pending = pendingIds.splice(at, 1)[0];
      out.push({
        role: 'tool',
        ...(pending ? { tool_call_id: pending.id } : {}),
        ...(turn.name ? { name: turn.name } : {}),
        content: turn.content,
      });
    }
  }
  out.push('calls' in sample.output ? assistantCalls(sample.output.calls) : { role: 'assistant', content: sample.output.text });
  return out;
}

export function openaiTools(sample: ExportSample): unknown[] {
  return sample.tools.map((t) => ({ type: 'function', function: functionJson(t) }));
}

/** How well a record fits the chat shape: `messages` with roles, plus `tools`. */
export function chatShapeScore(record: unknown): number {
  if (!isRecord(record) || !Array.isArray(record.messages)) return 0;
  const first = record.messages[0];
  if (!isRecord(first) || typeof first.role !== 'string') return 0;
  return record.tools !== undefined || record.functions !== undefined ? 0.9 : 0.3;
}

export const openaiFormat: FormatModule = {
  id: 'openai',
  label: 'OpenAI chat JSONL (messages, tools, tool_calls)',
  writes: '<name>.jsonl',
  detect(record) {
    const score = chatShapeScore(record);
    if (score === 0 || !isRecord(record)) return 0;
    // Arguments as JSON text is OpenAI's own form; objects are MLX-LM's.
    const args = firstArguments(record);
    return args === undefined || typeof args === 'string' ? score : score - 0.1;
  },
  read: readChatRecord,
  write: (sample) => ({ messages: chatMessages(sample, true), tools: openaiTools(sample) }),
};

/** The first tool call's `arguments` in a chat record (OpenAI writes text, MLX-LM an object). */
export function firstArguments(record: Record<string, unknown>): unknown {
  for (const m of record.messages as unknown[]) {
    if (isRecord(m) && Array.isArray(m.tool_calls) && isRecord(m.tool_calls[0])) {
      const tc = m.tool_calls[0];
      const fn = isRecord(tc.function) ? tc.function : tc;
      return fn.arguments;
    }
  }
  return undefined;
}
