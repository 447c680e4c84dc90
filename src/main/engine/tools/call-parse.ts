/**
 * Reads the tool calls out of a model's answer. Understands:
 * - the canonical call syntax `[f(a=1, b="x"), pkg.g(c=[1, 2])]` (Python-like, also with `true/false/null`,
 *   names with spaces, missing brackets, code fences and text around a bracketed list),
 * - OpenAI `tool_calls` (`{"tool_calls": [{"type": "function", "function": {"name", "arguments"}}]}`),
 * - Hermes `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`,
 * - a bare JSON object or list of `{name, arguments}` (or `parameters`).
 *
 * When is an answer "no call"? `{ok: true, calls: [], format: 'empty'}` is returned only when there is clearly
 * no call attempt: the text is empty or `[]`, or (outside code fences) it neither starts with a call or a JSON
 * object/list nor contains a bracketed call list `[name(`, a `<tool_call>` tag or a `{"name":` object. A bare
 * call in the middle of prose (`You could call f(x=1).`) counts as prose. Anything that looks like an attempt but
 * does not parse is an error with a position, so callers can tell "chose not to call" from "failed to call".
 *
 * The parser never throws.
 */
import { fastPythonCalls } from './py-fast';
import { PyParseError, PyParser, dottedName, type Expr } from './py-parse';
import { resolveCall, resolveValue, type TypedCall } from './py-resolve';
import { toCallValue } from './py-value';
import type { Call, CallValue } from './types';
import { isRecord } from '../../../shared/json';

export type ParseFormat = 'python' | 'openai' | 'hermes' | 'json' | 'empty';

export type ParseResult =
  { ok: true; calls: Call[]; format: ParseFormat } | { ok: false; error: { kind: string; message: string; position: number } };

class ParseFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export function parseCalls(text: string): ParseResult {
  try {
    return parseOrThrow(typeof text === 'string' ? text : String(text));
  } catch (error) {
    if (error instanceof ParseFailure || error instanceof PyParseError) {
      return { ok: false, error: { kind: error.kind, message: error.message, position: error.position } };
    }
    // A bug of ours must still not escape as an exception.
    return { ok: false, error: { kind: 'internal', message: error instanceof Error ? error.message : String(error), position: 0 } };
  }
}

// A call at the start: `name(` / `pkg.name (`. A name with spaces counts only when named arguments (or
// none) follow, so that prose such as "The weather is nice (sunny)" is not taken for a call.
const CALL_START = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*\s*\(/u;
const SPACED_CALL_START = /^[\p{L}_][\p{L}\p{N}_.]*(?: [\p{L}_][\p{L}\p{N}_.]*)+\s*\(\s*(?:\)|[\p{L}_][\p{L}\p{N}_]*\s*=(?!=))/u;
const BRACKETED_CALL =
  /\[\s*(?:[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*\s*\(|[\p{L}_][\p{L}\p{N}_.]*(?: [\p{L}_][\p{L}\p{N}_.]*)+\s*\(\s*(?:\)|[\p{L}_][\p{L}\p{N}_]*\s*=(?!=)))/u;

const EMPTY: ParseResult = { ok: true, calls: [], format: 'empty' };

function parseOrThrow(text: string): ParseResult {
  if (text.includes('<tool_call>')) return { ok: true, calls: parseHermes(text), format: 'hermes' };
  let start = 0;
  let end = text.length;
  const fence = /```[\w+-]*[^\S\n]*\n?([\s\S]*?)(?:```|$)/d.exec(text);
  const inner = fence?.indices?.[1];
  if (inner) [start, end] = inner;
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  if (start >= end) return EMPTY;
  const region = text.slice(start, end);
  if (/^\[\s*\]$/.test(region)) return EMPTY;
  if (/^\[?\s*\{/.test(region)) return parseJsonForms(text, start, end);
  if (region.startsWith('[') || CALL_START.test(region) || SPACED_CALL_START.test(region)) {
    return { ok: true, calls: toCalls(parsePythonCalls(text, start, end, false)), format: 'python' };
  }
  const bracketed = BRACKETED_CALL.exec(region);
  if (bracketed) {
    return { ok: true, calls: toCalls(parsePythonCalls(text, start + bracketed.index, end, false)), format: 'python' };
  }
  const jsonObject = /\{\s*"(?:name|tool_calls|function)"\s*:/.exec(region);
  if (jsonObject) return parseJsonForms(text, start + jsonObject.index, end);
  return EMPTY;
}

function toCalls(typed: TypedCall[]): Call[] {
  return typed.map((call) => {
    if (call.positional > 0) {
      throw new ParseFailure(
        'positional_argument',
        `call ${call.name} has ${call.positional} positional argument(s); every argument must be named (name=value)`,
        call.pos,
      );
    }
    // fromEntries defines own properties: `__proto__=` stays an argument instead of becoming the prototype.
    const args: Record<string, CallValue> = Object.fromEntries([...call.args].map(([k, v]) => [k, toCallValue(v)]));
    return { name: call.name, args };
  });
}

/**
 * Parses a list of calls in call syntax from `text[start, end)`. Missing brackets are tolerated; text after a
 * closed list is ignored. `strict` rejects what Python's own parser (and so BFCL) would. `fast: false` skips
 * the fast path (`py-fast.ts`), for the tests that compare the two.
 */
export function parsePythonCalls(text: string, start: number, end: number, strict: boolean, fast = true): TypedCall[] {
  const calls = readPythonCalls(text, start, end, strict, fast);
  if (!Array.isArray(calls)) throw new ParseFailure(calls.kind, calls.message, calls.position);
  return calls;
}

/** A parse failure as a plain value (making an Error, even without a stack, costs more than the parse). */
export interface CallsFailure {
  kind: string;
  message: string;
  position: number;
}

/**
 * As `parsePythonCalls`, but a failure is returned rather than thrown: where most texts are expected to fail
 * (prose checked for "no call"), an exception would cost far more than the parse.
 */
export function tryParsePythonCalls(text: string, start: number, end: number, strict: boolean): TypedCall[] | CallsFailure {
  try {
    return readPythonCalls(text, start, end, strict);
  } catch (error) {
    if (error instanceof ParseFailure || error instanceof PyParseError)
      return { kind: error.kind, message: error.message, position: error.position };
    throw error;
  }
}

/** The calls, or (for the commonest failure, prose whose first word is no call) the failure, returned. */
function readPythonCalls(text: string, start: number, end: number, strict: boolean, fast = true): TypedCall[] | CallsFailure {
  // Most call text is simple literals: read in one scan, or by the general parser when the scan gives up.
  const simple = fast ? fastPythonCalls(text, start, end, strict) : undefined;
  if (simple !== undefined) return simple;
  const p = new PyParser(text, { jsonLiterals: !strict, spacedNames: !strict, bfcl: strict }, start, end);
  p.ws();
  const calls: TypedCall[] = [];
  const bracketed = p.peek() === 91;
  if (bracketed) p.pos++;
  for (;;) {
    p.ws();
    if (p.pos >= end) {
      if (bracketed && strict) p.fail('syntax', '"[" is not closed');
      break; // a missing "]" is tolerated
    }
    if (bracketed && p.peek() === 93) {
      p.pos++;
      break;
    }
    const at = p.pos;
    const e: Expr = p.expr();
    if (e.k !== 'call' || (!strict && dottedName(e.func) === undefined)) {
      return {
        kind: 'not_a_call',
        message: `expected a call like name(arg=value) but found "${text.slice(at, Math.min(at + 30, p.pos))}"`,
        position: at,
      };
    }
    calls.push(resolveCall(e, strict));
    p.ws();
    const c = p.peek();
    if (c === 44) p.pos++;
    else if (bracketed && c === 93) {
      p.pos++;
      break;
    } else if (c === -1) break;
    else if (!bracketed)
      break; // `f(x=1) and some words`: the words are ignored
    else p.fail('syntax', `expected "," or "]" between calls but found "${text.slice(p.pos, p.pos + 12)}"`);
  }
  if (strict && !p.atEnd()) p.fail('syntax', `unexpected text after the calls: "${text.slice(p.pos, p.pos + 20)}"`);
  return calls;
}

function jsonError(error: unknown, base: number): never {
  const message = error instanceof Error ? error.message : String(error);
  const m = /position (\d+)/.exec(message);
  throw new ParseFailure('json', `invalid JSON: ${message}`, base + (m ? Number(m[1]) : 0));
}

/** The JSON value that starts at `start` (an object or a list), found by bracket matching, and where it ends. */
function sliceJson(text: string, start: number, end: number): { value: unknown; end: number } {
  const open = text[start];
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        if (c !== close) break;
        try {
          return { value: JSON.parse(text.slice(start, i + 1)), end: i + 1 };
        } catch (error) {
          jsonError(error, start);
        }
      }
    }
  }
  try {
    return { value: JSON.parse(text.slice(start, end)), end };
  } catch (error) {
    jsonError(error, start);
  }
}

function toArgs(raw: unknown, where: string, position: number): Record<string, CallValue> {
  let value = raw;
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') {
    try {
      value = value.trim() === '' ? {} : JSON.parse(value);
    } catch (error) {
      throw new ParseFailure(
        'json',
        `${where}: arguments is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        position,
      );
    }
  }
  if (!isRecord(value)) throw new ParseFailure('bad_arguments', `${where}: arguments must be an object`, position);
  return value as Record<string, CallValue>;
}

function callFromObject(obj: unknown, where: string, position: number): { call: Call; openai: boolean } {
  if (!isRecord(obj)) throw new ParseFailure('not_a_call', `${where}: expected an object with "name" and "arguments"`, position);
  if (isRecord(obj.function)) {
    const fn = obj.function;
    if (typeof fn.name !== 'string' || fn.name === '') throw new ParseFailure('not_a_call', `${where}.function.name: missing`, position);
    return { call: { name: fn.name, args: toArgs(fn.arguments ?? fn.parameters, `${where}.function`, position) }, openai: true };
  }
  if (typeof obj.name !== 'string' || obj.name === '') throw new ParseFailure('not_a_call', `${where}.name: missing`, position);
  return { call: { name: obj.name, args: toArgs(obj.arguments ?? obj.parameters ?? obj.args, where, position) }, openai: false };
}

function parseJsonForms(text: string, start: number, end: number): ParseResult {
  const { value } = sliceJson(text, start, end);
  let list: unknown[];
  let openai = false;
  if (isRecord(value) && Array.isArray(value.tool_calls)) {
    list = value.tool_calls;
    openai = true;
  } else if (isRecord(value) && isRecord(value.function_call)) {
    list = [value.function_call];
    openai = true;
  } else list = Array.isArray(value) ? value : [value];
  const calls = list.map((item, i) => {
    const parsed = callFromObject(item, Array.isArray(value) || openai ? `[${i}]` : 'call', start);
    openai ||= parsed.openai;
    return parsed.call;
  });
  return { ok: true, calls, format: openai ? 'openai' : 'json' };
}

function parseHermes(text: string): Call[] {
  const calls: Call[] = [];
  const re = /<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[1] ?? '';
    const offset = m.index + '<tool_call>'.length;
    const first = body.search(/\S/);
    if (first < 0) throw new ParseFailure('empty_tool_call', 'a <tool_call> tag holds nothing', offset);
    if (body[first] !== '{' && body[first] !== '[') {
      // Some models put call syntax inside the tags.
      calls.push(...toCalls(parsePythonCalls(text, offset + first, offset + body.trimEnd().length, false)));
      continue;
    }
    const { value } = sliceJson(text, offset + first, offset + body.length);
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => calls.push(callFromObject(item, `<tool_call> ${calls.length + i + 1}`, offset + first).call));
  }
  return calls;
}

export { resolveValue };
