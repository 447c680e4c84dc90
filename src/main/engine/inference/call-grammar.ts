import type { ToolSpec } from './backend';
import { pyJson, type CallFormat } from './call-formats';

/**
 * GBNF for Toolsmith's call syntax — a Python-style list of calls such as
 * `[f(a=1, b="x"), pkg.g(c=[1, 2])]` — so that constrained generation always yields text that parses.
 *
 * With tools given, the grammar follows their schemas: only their names, only their parameters in schema
 * order (required ones always present), and values of each parameter's JSON-Schema type (enums as
 * alternatives). Every repetition is bounded, so any path through the grammar ends: a random model cannot
 * loop forever inside a string or a list.
 *
 * The grammar speaks the model's call format (`format`, see call-formats.ts): the same schema-following rules
 * with Python literals inside `name(arg=…)`, or JSON inside Hermes `<tool_call>` blocks or Llama 3 objects.
 */

export interface CallGrammarOptions {
  /** At most this many calls in the list (default 4). */
  maxCalls?: number;
  /** Allow `[]`, an empty list, for "no call" (default false). */
  allowEmpty?: boolean;
  /** Longest string literal, in characters (default 128). */
  maxStringLength?: number;
  /** Most items in a list or entries in a dict (default 8). */
  maxItems?: number;
  /** Most digits of a number (default 12). */
  maxDigits?: number;
  /** The call syntax (default 'python', the canonical list). */
  format?: CallFormat;
  /**
   * Also allow an answer in words instead of calls (`tool_choice: "auto"`): free text whose first character
   * is none of `[`, `{`, `<` or white space — the characters a call list starts with in every format — so the
   * first character alone tells which one the model chose. Default false.
   */
  allowWords?: boolean;
  /** Longest answer in words, in characters (default 2048): every path through the grammar ends. */
  maxWordsLength?: number;
}

/** Whether an output is a call list rather than words (what `allowWords` decides by its first character). */
export function startsLikeCalls(text: string): boolean {
  return /^\s*[[{<]/.test(text);
}

/** How a format writes the parts the grammar is built from. */
interface Dialect {
  boolean: string;
  null: string;
  literal: (v: unknown) => string;
  argHead: (name: string) => string;
  callOpen: (name: string) => string;
  callClose: string;
  /** GBNF for a call whose name is any name (no tools given): the `name` rule's text around it. */
  anyName: string;
  anyArg: string;
  listOpen: string;
  listSep: string;
  listClose: string;
}

function dialectOf(format: CallFormat): Dialect {
  if (format === 'python')
    return {
      boolean: '"True" | "False"',
      null: '"None"',
      literal: pyLiteral,
      argHead: (k) => gbnfLiteral(`${k}=`),
      callOpen: (name) => gbnfLiteral(`${name}(`),
      callClose: '")"',
      anyName: 'name "("',
      anyArg: '[a-zA-Z_] [a-zA-Z0-9_]{0,63} "=" value',
      listOpen: '"["',
      listSep: 'sep',
      listClose: '"]"',
    };
  const key = format === 'hermes' ? 'arguments' : 'parameters';
  const [open, close] = format === 'hermes' ? ['<tool_call>\n', '}}\n</tool_call>'] : ['', '}}'];
  return {
    boolean: '"true" | "false"',
    null: '"null"',
    literal: pyJson,
    argHead: (k) => gbnfLiteral(`${JSON.stringify(k)}: `),
    callOpen: (name) => gbnfLiteral(`${open}{"name": ${JSON.stringify(name)}, "${key}": {`),
    callClose: gbnfLiteral(close),
    anyName: `${gbnfLiteral(`${open}{"name": "`)} name ${gbnfLiteral(`", "${key}": {`)}`,
    anyArg: '"\\"" [a-zA-Z_] [a-zA-Z0-9_]{0,63} "\\":" ws value',
    listOpen: '""',
    listSep: format === 'hermes' ? '"\\n"' : '"; "',
    listClose: '""',
  };
}

type Schema = Record<string, unknown>;

/** A GBNF string literal for `text`. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** A Python-style string literal (double quotes, JSON escapes) — what the grammar's strings look like. */
export function pyString(text: string): string {
  return JSON.stringify(text);
}

class Rules {
  private readonly rules = new Map<string, string>();
  private n = 0;
  add(hint: string, body: string): string {
    // Reuse an identical rule instead of writing it twice.
    for (const [name, existing] of this.rules) if (existing === body && name.startsWith(hint)) return name;
    const name = `${hint
      .replace(/[^a-zA-Z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .toLowerCase()}-${++this.n}`;
    this.rules.set(name, body);
    return name;
  }
  set(name: string, body: string) {
    this.rules.set(name, body);
  }
  text(): string {
    return [...this.rules].map(([k, v]) => `${k} ::= ${v}`).join('\n') + '\n';
  }
}

/** Builds the GBNF grammar for a list of calls to `tools` (any name and any arguments when tools is empty). */
export function callGrammar(tools: readonly ToolSpec[], options: CallGrammarOptions = {}): string {
  const maxCalls = Math.max(1, options.maxCalls ?? 4);
  const maxString = Math.max(1, options.maxStringLength ?? 128);
  const maxItems = Math.max(1, options.maxItems ?? 8);
  const maxDigits = Math.max(1, options.maxDigits ?? 12);
  const r = new Rules();
  const format = options.format ?? 'python';
  const d = dialectOf(format);

  r.set('ws', '" "?');
  r.set('sep', '"," " "?');
  r.set('char', '[^"\\\\\\x00-\\x1f] | "\\\\" ["\\\\/bfnrt] | "\\\\u" [0-9a-fA-F]{4}');
  r.set('string', `"\\"" char{0,${maxString}} "\\""`);
  // No leading zeros: Python (and the call parser) reject `007`.
  r.set('integer', `"-"? ("0" | [1-9] [0-9]{0,${maxDigits - 1}})`);
  r.set('number', `integer ("." [0-9]{1,${maxDigits}})?`);
  r.set('boolean', d.boolean);
  r.set('null', d.null);
  r.set('scalar', 'string | number | boolean | null');
  // Any value, nested at most two levels deep.
  r.set(
    'value1',
    `scalar | "[" ws (scalar (sep scalar){0,${maxItems - 1}})? ws "]" | "{" ws (string ":" ws scalar (sep string ":" ws scalar){0,${maxItems - 1}})? ws "}"`,
  );
  r.set(
    'value',
    `scalar | "[" ws (value1 (sep value1){0,${maxItems - 1}})? ws "]" | "{" ws (string ":" ws value1 (sep string ":" ws value1){0,${maxItems - 1}})? ws "}"`,
  );

  const list = (item: string) => `"[" ws (${item} (sep ${item}){0,${maxItems - 1}})? ws "]"`;

  const valueFor = (schema: unknown, hint: string, depth = 0): string => {
    if (!schema || typeof schema !== 'object') return 'value';
    const s = schema as Schema;
    if (Array.isArray(s.enum) && s.enum.length > 0) {
      const alts = s.enum.map((v) => gbnfLiteral(d.literal(v)));
      return r.add(`${hint}-enum`, alts.join(' | '));
    }
    if ('const' in s) return r.add(`${hint}-const`, gbnfLiteral(d.literal(s.const)));
    const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
    const alts = types.map((t) => {
      switch (t) {
        case 'string':
          return 'string';
        case 'integer':
          return 'integer';
        case 'number':
        case 'float':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array':
        case 'tuple':
          return depth >= 2 ? list('value1') : r.add(`${hint}-list`, list(valueFor(s.items, `${hint}-item`, depth + 1)));
        case 'object':
        case 'dict':
          return depth >= 2 ? 'value1' : objectFor(s, hint, depth + 1);
        default:
          return 'value';
      }
    });
    const unique = [...new Set(alts)];
    return unique.length === 1 ? unique[0]! : r.add(`${hint}-any`, unique.join(' | '));
  };

  const objectFor = (s: Schema, hint: string, depth: number): string => {
    const props = s.properties && typeof s.properties === 'object' ? Object.entries(s.properties as Record<string, unknown>) : [];
    if (props.length === 0)
      return r.add(`${hint}-dict`, `"{" ws (string ":" ws value (sep string ":" ws value){0,${maxItems - 1}})? ws "}"`);
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const entries = props.map(([k, v]) => ({
      head: `${gbnfLiteral(pyString(k))} ":" ws`,
      value: valueFor(v, `${hint}-${k}`, depth),
      required: required.has(k),
    }));
    return r.add(`${hint}-obj`, `"{" ws ${orderedSubset(r, `${hint}-obj`, entries)} ws "}"`);
  };

  let callAlts: string[];
  if (tools.length === 0) {
    r.set('name', '[a-zA-Z_] [a-zA-Z0-9_]{0,63} ("." [a-zA-Z_] [a-zA-Z0-9_]{0,63}){0,3}');
    r.set('arg', d.anyArg);
    callAlts = [r.add('call', `${d.anyName} (arg (sep arg){0,${maxItems * 2}})? ${d.callClose}`)];
  } else {
    callAlts = tools.map((tool) => {
      const params = tool.parameters ?? {};
      const props =
        params.properties && typeof params.properties === 'object' ? Object.entries(params.properties as Record<string, unknown>) : [];
      const required = new Set(Array.isArray(params.required) ? (params.required as string[]) : []);
      const hint = `call-${tool.name}`;
      const entries = props.map(([k, v]) => ({
        head: d.argHead(k),
        value: valueFor(v, `${tool.name}-${k}`),
        required: required.has(k),
      }));
      const args = entries.length ? orderedSubset(r, `${tool.name}-args`, entries) : '""';
      return r.add(hint, `${d.callOpen(tool.name)} ${args} ${d.callClose}`);
    });
  }
  r.set('call', callAlts.join(' | '));
  const body = `call (${d.listSep} call){0,${maxCalls - 1}}`;
  const calls = options.allowEmpty && format === 'python' ? `"[" (${body})? "]"` : `${d.listOpen} ${body} ${d.listClose}`;
  if (!options.allowWords) return `root ::= ${calls}\n` + r.text();
  const maxWords = Math.max(1, options.maxWordsLength ?? 2048);
  // Any printable text, new lines and tabs included; the first character never starts a call list.
  r.set('words', `[^\\[{<\\x00-\\x20] word-char{0,${maxWords - 1}}`);
  r.set('word-char', '[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]');
  return `root ::= calls | words\ncalls ::= ${calls}\n` + r.text();
}

/**
 * Rules for "each entry optional unless required, in this order, comma-separated":
 * start_i ::= e_i rest_{i+1} | start_{i+1} (e_i optional); rest_i ::= (sep e_i)? rest_{i+1}.
 * Linear in the number of entries.
 */
function orderedSubset(r: Rules, hint: string, entries: { head: string; value: string; required: boolean }[]): string {
  const n = entries.length;
  const rest: string[] = new Array(n + 1);
  const start: string[] = new Array(n + 1);
  rest[n] = '""';
  start[n] = '""';
  for (let i = n - 1; i >= 0; i--) {
    const e = entries[i]!;
    const item = `${e.head} ${e.value}`;
    rest[i] = r.add(`${hint}-rest`, e.required ? `sep ${item} ${rest[i + 1]}` : `(sep ${item})? ${rest[i + 1]}`);
    start[i] = r.add(`${hint}-start`, e.required ? `${item} ${rest[i + 1]}` : `${item} ${rest[i + 1]} | ${start[i + 1]}`);
  }
  return start[0]!;
}

/** A JSON value as the call syntax prints it (Python-style literals). */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyString(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyString(k)}: ${pyLiteral(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}
