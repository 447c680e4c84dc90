import type { Call } from '../tools/types';
import { callsOrWords, draftsOf, expectArray, expectRecord, expectString, isRecord, jsonField, join, structuredCall } from './common';
import { RecordError, type DraftSample, type DraftTurn } from './types';

/**
 * The turn-list shapes shared by ShareGPT (ToolACE), LLaMA-Factory and Hermes records: `conversations` of
 * `{from, value}` (or `{role, content}`), with role names that differ per source.
 */
export type Role = 'system' | 'user' | 'assistant' | 'function_call' | 'tool';

const ROLE_NAMES: Record<string, Role> = {
  system: 'system',
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  model: 'assistant',
  function_call: 'function_call',
  tool: 'tool',
  observation: 'tool',
  function: 'tool',
  function_response: 'tool',
  ipython: 'tool',
};

export interface RawTurn {
  role: Role;
  value: string;
  path: string;
}

/** The record's turns, with roles mapped; throws naming the turn that does not fit. */
export function turnsOf(obj: Record<string, unknown>): { turns: RawTurn[]; key: string } {
  const key = ['conversations', 'conversation', 'messages'].find((k) => Array.isArray(obj[k]));
  if (!key)
    throw new RecordError(
      'conversations',
      `expected a list of turns, got ${obj.conversations === undefined ? 'nothing' : 'something else'}`,
    );
  const turns = expectArray(obj[key], key).map((raw, i) => {
    const path = `${key}[${i}]`;
    const t = expectRecord(raw, path, 'a turn object');
    const fromKey = t.from !== undefined ? 'from' : 'role';
    const valueKey = t.value !== undefined ? 'value' : 'content';
    const from = t[fromKey];
    const role = typeof from === 'string' ? ROLE_NAMES[from] : undefined;
    if (!role) {
      throw new RecordError(join(path, fromKey), `expected one of ${Object.keys(ROLE_NAMES).join(', ')}, got ${JSON.stringify(from)}`);
    }
    const value = t[valueKey] ?? '';
    if (typeof value !== 'string') {
      // LLaMA-Factory writers sometimes leave a function_call as an object.
      if (role === 'function_call' && (isRecord(value) || Array.isArray(value))) return { role, value: JSON.stringify(value), path };
      throw new RecordError(join(path, valueKey), `expected text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
    }
    return { role, value, path: join(path, valueKey) };
  });
  return { turns, key };
}

/** A function_call turn's value: one `{name, arguments}` object or a list of them (parallel calls). */
export function structuredCalls(value: string, path: string): Call[] {
  const parsed = jsonField(value, path, 'the function call');
  if (Array.isArray(parsed)) return parsed.map((c, i) => structuredCall(c, `${path}[${i}]`));
  return [structuredCall(parsed, path)];
}

export interface ConversationOptions {
  /** Reads an assistant turn's calls, or returns undefined when the turn is words. */
  assistantCalls: (value: string, path: string) => Call[] | undefined;
  /** Tool results as the source wraps them (`<tool_response>` in Hermes). */
  toolContent?: (value: string) => string;
}

/** Assistant text in any call syntax the tools module reads, or words. */
export function textCalls(value: string, path: string): Call[] | undefined {
  return callsOrWords(value, path);
}

/** Drafts of a conversation whose tools and system prompt have already been found. */
export function conversationDrafts(
  turns: readonly RawTurn[],
  tools: DraftSample['tools'],
  system: string | undefined,
  options: ConversationOptions,
): DraftSample[] {
  const draftTurns: { turn: DraftTurn; path: string }[] = [];
  for (const t of turns) {
    switch (t.role) {
      case 'system':
        break;
      case 'user':
        draftTurns.push({ turn: { role: 'user', content: t.value }, path: t.path });
        break;
      case 'function_call':
        draftTurns.push({ turn: { role: 'assistant', calls: structuredCalls(t.value, t.path) }, path: t.path });
        break;
      case 'assistant': {
        const calls = options.assistantCalls(t.value, t.path);
        draftTurns.push({ turn: calls ? { role: 'assistant', calls } : { role: 'assistant', content: t.value }, path: t.path });
        break;
      }
      case 'tool': {
        const content = options.toolContent ? options.toolContent(t.value) : t.value;
        const name = resultName(content);
        draftTurns.push({ turn: name ? { role: 'tool', content, name } : { role: 'tool', content }, path: t.path });
        break;
      }
    }
  }
  return draftsOf(draftTurns, tools, system);
}

/** ToolACE and Hermes results often carry the tool's name (`{"name": ..., "results"/"content": ...}`). */
function resultName(content: string): string | undefined {
  const t = content.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const parsed = JSON.parse(t) as unknown;
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return isRecord(first) && typeof first.name === 'string' ? first.name : undefined;
  } catch {
    return undefined;
  }
}

/** The system prompt: the `system` field or a leading system turn. */
export function systemOf(obj: Record<string, unknown>, turns: readonly RawTurn[]): { text: string; path: string } | undefined {
  if (obj.system !== undefined && obj.system !== null && obj.system !== '')
    return { text: expectString(obj.system, 'system'), path: 'system' };
  const turn = turns.find((t) => t.role === 'system');
  return turn ? { text: turn.value, path: turn.path } : undefined;
}

/**
 * Finds the JSON list of tools inside a system prompt (ToolACE writes instructions around it). The first
 * `[` followed by `{` starts it; its balanced end is found by scanning, then the text is parsed.
 */
export function jsonListIn(text: string, path: string): { value: unknown[]; start: number; end: number } {
  const re = /\[\s*\{/g;
  let firstError: string | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = balancedEnd(text, m.index);
    if (end < 0) {
      firstError ??= `the tool list starting at character ${m.index + 1} is not closed`;
      continue;
    }
    try {
      const value = JSON.parse(text.slice(m.index, end)) as unknown;
      if (Array.isArray(value)) return { value, start: m.index, end };
    } catch (error) {
      firstError ??= `the tool list is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  throw new RecordError(path, firstError ?? 'holds no JSON list of tools');
}

/** Index just after the bracket that closes the one at `start`, or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth += 1;
    else if (c === ']' || c === '}') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
