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

/**
 * Whether the list is still open where a `# comment` on the last line starts (brackets counted outside
 * string literals): then the `]` that BFCL appends is inside the comment, and Python finds "[" never closed.
 */
export function openAtTrailingComment(text: string): boolean {
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
    } else if (c === '"' || c === "'") quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (c === '#') {
      const newline = text.indexOf('\n', i);
      if (newline < 0) return depth > 0;
      i = newline;
    }
  }
  return false;
}

/**
 * 'bfcl': as BFCL decodes, its bugs included (Java double-brace initialisers read as empty, JavaScript template
 * literals keeping their backticks), so that verdicts match the leaderboard's. 'fixed': those two read as meant.
 */
export type BfclQuirks = 'bfcl' | 'fixed';

export function decodeBfcl(text: string, language: BfclLanguage, quirks: BfclQuirks = 'bfcl'): DecodeResult {
  const prepared = bfclPrepare(text);
  try {
    if (language === 'python') {
      // `f(a=1) # note` becomes `[f(a=1) # note]`: the "]" is commented out (ours would read past it).
      if (openAtTrailingComment(prepared)) return { ok: false, error: "Invalid syntax. Failed to decode AST. '[' was never closed" };
      // Python's `.strip().strip("'")` before `ast.parse`; the text starts with "[" so only inner quotes matter.
      const calls = tryParsePythonCalls(prepared, 0, prepared.length, true);
      if (!Array.isArray(calls)) return { ok: false, error: `Invalid syntax. Failed to decode AST. ${calls.message}` };
      return { ok: true, calls: calls.map((c) => ({ name: c.name, args: c.args })) };
    }
    return decodeSourceCall(prepared.slice(1, -1), language, quirks);
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

/**
 * String literals lose their quotes. A JavaScript template literal keeps its backticks: BFCL's decoder
 * unquotes only `string` nodes, and tree-sitter calls a template literal `template_string`.
 */
function unquote(value: string, backticks: boolean): string {
  const first = value[0];
  const last = value[value.length - 1];
  if (value.length >= 2 && first === last && (first === '"' || first === "'" || (backticks && first === '`'))) return value.slice(1, -1);
  return value;
}

/**
 * Java's anonymous-class ("double-brace") initialisers, `new HashMap<K, V>() {{ put(k, v); }}`: BFCL's decoder
 * rebuilds an object creation from its type and arguments only, so the body is dropped and the map or list
 * reads as empty. (A bug in BFCL; followed, so that verdicts match the leaderboard's.)
 */
function dropClassBody(value: string): string {
  const head = /^new\s+[A-Za-z_$][\w$.]*\s*(?:<[^(){}]*>)?\s*\(/.exec(value);
  if (!head) return value;
  let depth = 0;
  for (let i = head[0].length - 1; i < value.length; i++) {
    const c = value[i];
    if (c === '"' || c === "'") {
      for (i++; i < value.length && value[i] !== c; i++) if (value[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      const rest = value.slice(i + 1).trim();
      return rest.startsWith('{') && rest.endsWith('}') ? value.slice(0, i + 1) : value;
    }
  }
  return value;
}

/**
 * What may stand before the call in a statement: `return`, a declaration or an assignment (`Object r =`,
 * `const r =`, `r =`). BFCL's tree-sitter decoders look for the first call wherever it is.
 */
const WRAPPER =
  /^\s*(?:return\s+|(?:(?:const|let|var|final)\s+)?(?:[A-Za-z_$][\w$.]*(?:\s*<[^=;()]*>)?(?:\s*\[\s*\])*\s+)?[A-Za-z_$][\w$]*\s*=(?!=)\s*)/;

function decodeSourceCall(whole: string, language: BfclLanguage, quirks: BfclQuirks): DecodeResult {
  const wrapper = WRAPPER.exec(whole);
  const src = wrapper ? whole.slice(wrapper[0].length) : whole;
  const head = /^\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/.exec(src);
  if (!head || !head[1]) {
    if (src.trim() === '') return { ok: true, calls: null }; // BFCL's decoders find no call: not a list of calls
    throw new SourceError(`no ${language === 'java' ? 'method invocation' : 'call expression'} found`);
  }
  const name = head[1].replace(/\s+/g, '');
  const { args, end } = splitArgs(src, head[0].length - 1, language);
  const rest = src.slice(end).trim();
  // Further statements (`f(…); g(…)`): BFCL takes the first call.
  if (rest !== '' && !rest.startsWith(';')) {
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
    const read = unquote(value, language === 'javascript' && quirks === 'fixed');
    out.set(key, language === 'java' && quirks === 'bfcl' ? dropClassBody(read) : read);
  }
  return { ok: true, calls: [{ name, args: out }] };
}
