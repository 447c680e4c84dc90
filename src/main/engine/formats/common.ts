import { normalizeTools, ToolValidationError } from '../tools/normalize';
import type { Call, CallValue, ToolDef } from '../tools/types';
import { parseCallText } from './calls';
import { RecordError, type DraftSample, type DraftTurn } from './types';
import { isRecord } from '../../../shared/json';

export { isRecord };

/** The answer written for irrelevance samples when the source has none in words (BFCL, xLAM). */
export const DEFAULT_REFUSAL = 'None of the available tools can answer this request.';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function expectRecord(value: unknown, path: string, what = 'an object'): Record<string, unknown> {
  if (!isRecord(value)) throw new RecordError(path, `expected ${what}, got ${describe(value)}`);
  return value;
}

export function expectArray(value: unknown, path: string, what = 'a list'): unknown[] {
  if (!Array.isArray(value)) throw new RecordError(path, `expected ${what}, got ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new RecordError(path, `expected a string, got ${describe(value)}`);
  return value;
}

/** A field that sources write either as JSON text or as the value itself (xLAM, LLaMA-Factory `tools`). */
export function jsonField(value: unknown, path: string, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new RecordError(path, `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Normalises a tool list, turning the tools module's errors into record errors with the same path. */
export function toolsAt(raw: unknown, path: string): ToolDef[] {
  try {
    return normalizeTools(raw, path);
  } catch (error) {
    if (error instanceof ToolValidationError) throw new RecordError(error.path, error.reason);
    throw error;
  }
}

/** Calls from text in any syntax `tools/call-parse` reads (`[f(x=1)]`, JSON, `<tool_call>`). */
export function callsAt(text: string, path: string): Call[] {
  const calls = callsOrWords(text, path);
  if (!calls) throw new RecordError(path, 'expected a call list, got words');
  return calls;
}

/**
 * Calls when the text makes any, undefined when it is an answer in words; a call attempt that does not
 * parse is an error (a broken call must be reported, not taken for words).
 */
export function callsOrWords(text: string, path: string): Call[] | undefined {
  const parsed = parseCallText(text);
  if ('error' in parsed) throw new RecordError(path, `the call does not parse: ${parsed.error}`);
  return parsed.calls.length > 0 ? parsed.calls : undefined;
}

/** One structured call `{name, arguments}` (OpenAI `function`, xLAM answers, LLaMA-Factory function_call). */
export function structuredCall(raw: unknown, path: string): Call {
  const obj = expectRecord(raw, path, 'a call object');
  const fn = isRecord(obj.function) ? obj.function : obj;
  const fnPath = isRecord(obj.function) ? join(path, 'function') : path;
  const name = fn.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new RecordError(join(fnPath, 'name'), `expected the function name, got ${describe(name)}`);
  }
  const argsKey = fn.arguments !== undefined ? 'arguments' : fn.parameters !== undefined ? 'parameters' : 'arguments';
  const argsPath = join(fnPath, argsKey);
  let args: unknown = fn[argsKey] ?? {};
  if (typeof args === 'string') args = args.trim() === '' ? {} : jsonField(args, argsPath, 'the arguments text');
  if (!isRecord(args)) throw new RecordError(argsPath, `expected an object of arguments, got ${describe(args)}`);
  return { name: name.trim(), args: args as Record<string, CallValue> };
}

/** Each call must name one of the sample's tools. */
export function checkCallNames(calls: readonly Call[], tools: readonly ToolDef[], path: string): void {
  const names = new Set(tools.map((t) => t.name));
  calls.forEach((call, i) => {
    if (!names.has(call.name)) {
      throw new RecordError(
        calls.length > 1 ? `${path}[${i}]` : path,
        `calls "${call.name}", which is not one of the record's tools (${[...names].join(', ') || 'none'})`,
      );
    }
  });
}

/**
 * Turns a conversation into drafts: one per assistant turn that makes calls, and one per answer in words
 * given right after a user turn (no tool fits: irrelevance). Answers after a tool result are summaries of
 * it and make no invocation sample. Each draft's prompt is the conversation before its output.
 */
export function draftsOf(turns: readonly { turn: DraftTurn; path: string }[], tools: ToolDef[], system: string | undefined): DraftSample[] {
  const drafts: DraftSample[] = [];
  for (let i = 0; i < turns.length; i++) {
    const { turn, path } = turns[i]!;
    if (turn.role !== 'assistant') continue;
    const before = turns.slice(0, i).map((t) => t.turn);
    const previous = before[before.length - 1];
    if (!before.some((t) => t.role === 'user')) continue;
    if ('calls' in turn) {
      checkCallNames(turn.calls, tools, path);
      drafts.push({ tools, prompt: before, system, output: { calls: turn.calls }, outputPath: path });
    } else if (previous?.role === 'user') {
      drafts.push({ tools, prompt: before, system, output: { text: turn.content }, outputPath: path });
    }
  }
  return drafts;
}

/** The last user turn of a prompt: the sample's query. */
export function queryOf(prompt: readonly DraftTurn[]): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const turn = prompt[i]!;
    if (turn.role === 'user') return turn.content;
  }
  return '';
}

/**
 * A tool as `{name, description, parameters}` for writers other than BFCL: plain JSON-Schema, without the
 * `x-source-type` notes the tools module keeps (BFCL's `float`, `tuple`, …), which only BFCL's dialect uses.
 */
export function functionJson(tool: ToolDef): { name: string; description: string; parameters: unknown } {
  return { name: tool.name, description: tool.description, parameters: withoutSourceTypes(tool.parameters) };
}

function withoutSourceTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSourceTypes);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'x-source-type') out[k] = withoutSourceTypes(v);
  return out;
}

/** `{name, arguments}` with arguments as an object (LLaMA-Factory, xLAM, Hermes). */
export function callJson(call: Call): { name: string; arguments: Record<string, CallValue> } {
  return { name: call.name, arguments: call.args };
}
