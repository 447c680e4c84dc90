import { parseCalls } from '../tools/call-parse';
import { printCalls } from '../tools/call-print';
import type { Call } from '../tools/types';

/**
 * A model's own way of writing tool calls. Toolsmith stores, votes on and checks calls in one canonical form
 * (BFCL's Python-style list); a model trained on another syntax keeps answering in it, so its prompts,
 * training targets and grammar use its format and its answers are read back into the canonical form at the
 * backend's edge.
 *
 * - `python`: `[get_weather(city="Paris"), add(a=1, b=2)]` (BFCL; the format for models without one of their own)
 * - `hermes`: one `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>` block per call (Qwen2.5, Hermes)
 * - `llama3-json`: `{"name": …, "parameters": {…}}`, several joined by `; ` (Llama 3.1+ JSON tool calling)
 */
export const CALL_FORMATS = ['python', 'hermes', 'llama3-json'] as const;
export type CallFormat = (typeof CALL_FORMATS)[number];

export function isCallFormat(value: unknown): value is CallFormat {
  return typeof value === 'string' && (CALL_FORMATS as readonly string[]).includes(value);
}

/** Prints calls in a format; `python` is the canonical text. */
export function printCallsAs(format: CallFormat, calls: readonly Call[]): string {
  switch (format) {
    case 'python':
      return printCalls([...calls]);
    case 'hermes':
      return calls.map((c) => `<tool_call>\n${pyJson({ name: c.name, arguments: c.args })}\n</tool_call>`).join('\n');
    case 'llama3-json':
      return calls.map((c) => pyJson({ name: c.name, parameters: c.args })).join('; ');
  }
}

/**
 * JSON with the spacing of Python's `json.dumps` (`{"a": 1, "b": [1, 2]}`), which is how Qwen's and Llama's
 * templates print calls (`tojson`), so a target reads as the model's own training data did.
 */
export function pyJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`)
    .join(', ')}}`;
}

/**
 * The calls in a model's answer, whatever syntax it used: null when the answer is words (no call attempt),
 * `{error}` when it tried to call and the text does not parse.
 */
export function readCalls(text: string): { calls: Call[] } | { calls: null } | { error: string } {
  const joined = readJoinedJson(text);
  if (joined) return { calls: joined };
  const parsed = parseCalls(text);
  if (!parsed.ok) return { error: parsed.error.message };
  return parsed.calls.length === 0 ? { calls: null } : { calls: parsed.calls };
}

/**
 * Llama 3's several calls: JSON objects `{"name", "parameters"}` joined by `;` (or new lines), optionally
 * after `<|python_tag|>`. Null unless the whole text is such objects.
 */
function readJoinedJson(text: string): Call[] | null {
  const body = text
    .trim()
    .replace(/^<\|python_tag\|>/, '')
    .trim();
  if (!body.startsWith('{') || !body.endsWith('}')) return null;
  const calls: Call[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const call = jsonCall(body.slice(start, i + 1));
      if (!call) return null;
      calls.push(call);
      const rest = /^[\s;]*/.exec(body.slice(i + 1))![0];
      start = i + 1 + rest.length;
      i = start - 1;
      if (start < body.length && body[start] !== '{') return null;
    }
  }
  return depth === 0 && calls.length > 1 ? calls : null;
}

function jsonCall(text: string): Call | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const args = v.parameters ?? v.arguments ?? {};
  if (typeof v.name !== 'string' || !args || typeof args !== 'object' || Array.isArray(args)) return null;
  return { name: v.name, args: args as Call['args'] };
}

/**
 * An answer in the canonical text: a call list in any format becomes `[f(…), …]`; words, and text that does
 * not parse, stay as they are (so a failure is still visible as one).
 */
export function toCanonicalText(format: CallFormat, text: string): string {
  if (format === 'python') return text;
  const read = readCalls(text);
  return 'calls' in read && read.calls ? printCalls(read.calls) : text;
}

/**
 * Calls written without the list's brackets (`f(a=1)`, `f(a=1), g(b=2)`) and nothing else, every one naming
 * one of `names`; else null. Small models under `tool_choice: "auto"` answer so (the grammar's words branch
 * lets them), and a client is owed the call they meant.
 */
export function readBareCalls(text: string, names: ReadonlySet<string>): Call[] | null {
  const trimmed = text.trim();
  if (!BARE_CALL_START.test(trimmed)) return null;
  const parsed = parseCalls(`[${trimmed}]`);
  if (!parsed.ok || parsed.format !== 'python' || parsed.calls.length === 0) return null;
  return parsed.calls.every((c) => names.has(c.name)) ? parsed.calls : null;
}

/** A dotted name and its opening parenthesis: how a call without brackets starts. */
export const BARE_CALL_START = /^[A-Za-z_][\w.]*\(/;

/** Canonical call text (assistant turns the engine wrote) printed in the model's format; anything else unchanged. */
export function fromCanonicalText(format: CallFormat, text: string): string {
  if (format === 'python') return text;
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(')]')) return text;
  const parsed = parseCalls(trimmed);
  return parsed.ok && parsed.format === 'python' && parsed.calls.length > 0 ? printCallsAs(format, parsed.calls) : text;
}

/**
 * The format a chat template teaches, read from the template text: Hermes-style `<tool_call>` tags, Llama 3's
 * `"parameters"` JSON (with its ipython role), else the canonical Python list.
 */
export function detectCallFormat(template: string | null | undefined): CallFormat {
  if (!template) return 'python';
  if (template.includes('<tool_call>')) return 'hermes';
  if (/ipython|<\|python_tag\|>/.test(template) && /"parameters"|parameters/.test(template) && template.includes('"name"'))
    return 'llama3-json';
  return 'python';
}

/** One line telling a model how to call in its format (for templates that do not say it themselves). */
export function callInstruction(format: CallFormat): string {
  switch (format) {
    case 'python':
      return (
        // Placeholders, not real names: small models copy an example's names into their answers.
        'To call functions, answer with only the list of calls, in the format ' +
        '[func_name1(param_name1=value1, param_name2=value2), func_name2(param=value)], and no other text. ' +
        'Put several calls in the list when the request asks for several things.'
      );
    case 'hermes':
      return (
        'To call a function, answer with <tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>, ' +
        'one such block for each call when the request asks for several things.'
      );
    case 'llama3-json':
      return (
        'To call a function, answer with only {"name": <function-name>, "parameters": <args-json-object>}; ' +
        'join several calls with "; " when the request asks for several things.'
      );
  }
}
