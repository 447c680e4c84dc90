/**
 * BFCL's decoding of a prompting model's raw text (`default_decode_ast_prompting` + `ast_parse`): strip
 * backticks, newlines and spaces from both ends, add the brackets that are missing, then parse. Python uses
 * Python's grammar (our `PyParser` in strict mode); Java and JavaScript keep every argument as its source
 * text (string literals unquoted), as BFCL's tree-sitter decoders do, for the type converters to read.
 */
import { PyParseError } from '../tools/py-parse';
import { tryParsePythonCalls } from '../tools/call-parse';
import type { PyValue } from '../tools/py-value';

export type BfclLanguage = 'python' | 'java' | 'javascript';

export interface DecodedCall {
  name: string;
  args: Map<string, PyValue>;
}

export type DecodeResult =
  | { ok: true; calls: DecodedCall[] }
  /** The decoder produced something that is not a list of calls (BFCL's `decoder_wrong_output_format`). */
  | { ok: true; calls: null }
  | { ok: false; error: string };

export function bfclPrepare(text: string): string {
  // Python's str.strip("`\n ")
  let start = 0;
  let end = text.length;
  const strip = (c: number) => c === 96 || c === 10 || c === 32;
  while (start < end && strip(text.charCodeAt(start))) start++;
  while (end > start && strip(text.charCodeAt(end - 1))) end--;
  let s = start === 0 && end === text.length ? text : text.slice(start, end);
  if (!s.startsWith('[')) s = `[${s}`;
  if (!s.endsWith(']')) s = `${s}]`;
  return s;
}

export function decodeBfcl(text: string, language: BfclLanguage): DecodeResult {
  const prepared = bfclPrepare(text);
  try {
    if (language === 'python') {
      // Python's `.strip().strip("'")` before `ast.parse`; the text starts with "[" so only inner quotes matter.
      const calls = tryParsePythonCalls(prepared, 0, prepared.length, true);
      if (!Array.isArray(calls)) return { ok: false, error: `Invalid syntax. Failed to decode AST. ${calls.message}` };
      return { ok: true, calls: calls.map((c) => ({ name: c.name, args: c.args })) };
    }
    return decodeSourceCall(prepared.slice(1, -1), language);
  } catch (error) {
    if (error instanceof PyParseError || error instanceof SourceError)
      return { ok: false, error: `Invalid syntax. Failed to decode AST. ${error.message}` };
    if (error instanceof Error && 'kind' in error) return { ok: false, error: `Invalid syntax. Failed to decode AST. ${error.message}` };
    throw error;
  }
}

class SourceError extends Error {}

/** Splits `name(args)` at top-level commas, respecting brackets and string literals. */
function splitArgs(src: string, open: number, language: BfclLanguage): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || (c === '`' && language === 'javascript')) {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      if (i >= src.length) throw new SourceError('a string literal is not closed');
    } else if (c === '<' && language === 'java' && /[\w$]/.test(src[i - 1] ?? '')) {
      // Generic type arguments (`HashMap<String, Object>`): their commas do not separate arguments.
      const skip = genericEnd(src, i);
      if (skip > 0) i = skip - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        if (c !== ')') throw new SourceError(`unbalanced "${c}"`);
        const last = src.slice(start, i);
        if (last.trim() !== '' || args.length > 0) args.push(last);
        return { args, end: i + 1 };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(src.slice(start, i));
      start = i + 1;
    }
  }
  throw new SourceError('the call is not closed with ")"');
}

/** End (exclusive) of a generic argument list starting at `<`, or 0 when it is not one (a comparison). */
function genericEnd(src: string, at: number): number {
  let depth = 0;
  for (let i = at; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '<') depth++;
    else if (c === '>') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (!/[\w$\s,.?[\]]/.test(c)) return 0;
  }
  return 0;
}

function unquote(value: string, language: BfclLanguage): string {
  const first = value[0];
  const last = value[value.length - 1];
  if (value.length >= 2 && first === last && (first === '"' || first === "'" || (language === 'javascript' && first === '`'))) {
    return value.slice(1, -1);
  }
  return value;
}

function decodeSourceCall(src: string, language: BfclLanguage): DecodeResult {
  const head = /^\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/.exec(src);
  if (!head || !head[1]) {
    if (src.trim() === '') return { ok: true, calls: null }; // BFCL's decoders find no call: not a list of calls
    throw new SourceError(`no ${language === 'java' ? 'method invocation' : 'call expression'} found`);
  }
  const name = head[1].replace(/\s+/g, '');
  const { args, end } = splitArgs(src, head[0].length - 1, language);
  const rest = src.slice(end).trim();
  if (rest !== '' && rest !== ';') {
    // JavaScript reads `a(x=1), b(y=2)` as a sequence expression (no call found); Java cannot parse it.
    if (language === 'javascript' && rest.startsWith(',')) return { ok: true, calls: null };
    throw new SourceError(`unexpected text after the call: "${rest.slice(0, 20)}"`);
  }
  const out = new Map<string, PyValue>();
  for (const arg of args) {
    const text = arg.trim();
    if (text === '') throw new SourceError('an argument is empty');
    const kw = /^([A-Za-z_$][\w$]*)\s*=(?!=)\s*([\s\S]*)$/.exec(text);
    const key = kw ? (kw[1] as string) : 'None';
    const value = kw ? (kw[2] as string).trim() : text;
    if (!kw && !/^[A-Za-z_$][\w$]*$/.test(text)) continue; // BFCL keeps only identifiers among positional arguments
    if (out.has(key)) throw new SourceError('Error: Multiple arguments with the same name are not supported.');
    out.set(key, unquote(value, language));
  }
  return { ok: true, calls: [{ name, args: out }] };
}
