/**
 * A BFCL-compatible AST checker: the same rules and the same error-type names as BFCL's `ast_checker.py`
 * (ShishirPatil/gorilla, berkeley-function-call-leaderboard), so that results can be compared line by line.
 * Written from its documented behaviour; Python's semantics (int vs float, `==`, `in`) come from `py-value.ts`.
 *
 * Known differences: BFCL's Java/JavaScript decoders are tree-sitter parsers; ours read the same call shape
 * from the source text (see `bfcl-decode.ts`). Model-specific name rewriting (`.` → `_` for some APIs) is not
 * applied: outputs are read as a prompting model's text.
 */
import { parseCalls } from '../tools/call-parse';
import { fromCallValue, PyFloat, pyIn, pyEquals, pyRepr, PyTuple, pyType, type PyDict, type PyType, type PyValue } from '../tools/py-value';
import { parseTypedJson } from '../tools/typed-json';
import type { CallValue } from '../tools/types';
import { decodeBfcl, type BfclLanguage, type DecodedCall } from './bfcl-decode';
import { javaConvert, JAVA_TYPES, jsConvert, JS_TYPES } from './bfcl-convert';

export interface BfclCheckInput {
  category: string;
  /** The item's function descriptions (BFCL's `function` field). */
  tools: unknown[];
  /**
   * The possible answer's `ground_truth`: either as its JSON text (keeps `1.0` a float, as Python's json does)
   * or already parsed.
   */
  answer: unknown;
  /** The raw model text. */
  output: string;
  language?: BfclLanguage;
  /** 'bfcl' (default): decode as BFCL does for prompting models. 'any': also accept JSON/Hermes/OpenAI forms. */
  decoder?: 'bfcl' | 'any';
}

export interface BfclCheckResult {
  valid: boolean;
  errorType?: string;
  error?: string[];
}

interface Fail {
  valid: false;
  error: string[];
  errorType: string;
}
type Outcome = { valid: true; isVariable?: boolean } | Fail;

const OK: { valid: true } = { valid: true };

/**
 * While parallel calls are matched, most tries fail and their messages are thrown away; building them
 * (reprs of every allowed value) would dominate the time. Messages are built only when not quiet.
 */
let quiet = false;
function msg(build: () => string): string[] {
  return quiet ? [] : [build()];
}

export function languageOf(category: string): BfclLanguage {
  if (category.includes('javascript')) return 'javascript';
  if (category.includes('java')) return 'java';
  return 'python';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when the decoded output holds no call (BFCL's `is_empty_output`: not a list of calls, or an empty one). */
function isEmptyOutput(calls: DecodedCall[] | null): boolean {
  return calls === null || calls.length === 0;
}

function decode(output: string, language: BfclLanguage, decoder: 'bfcl' | 'any' | undefined) {
  const decoded = decodeBfcl(output, language);
  if (!decoded.ok && decoder === 'any') {
    const parsed = parseCalls(output);
    if (parsed.ok && parsed.format !== 'python') {
      return {
        ok: true as const,
        calls: parsed.calls.map((c) => ({ name: c.name, args: new Map(Object.entries(c.args).map(([k, v]) => [k, fromCallValue(v)])) })),
      };
    }
  }
  return decoded;
}

/** An item read once (answer parsed, functions indexed) and checked against many outputs. */
export interface PreparedBfclItem {
  category: string;
  language: BfclLanguage;
  functions: FuncDescription[];
  answer: AnswerCall[];
}

export function prepareBfcl(input: Omit<BfclCheckInput, 'output' | 'decoder'>): PreparedBfclItem {
  const relevance = input.category.includes('relevance');
  return {
    category: input.category,
    language: input.language ?? languageOf(input.category),
    functions: input.tools.map(describeFunction),
    answer: relevance ? [] : readAnswer(input.answer),
  };
}

export function checkBfcl(input: BfclCheckInput): BfclCheckResult {
  return checkPrepared(prepareBfcl(input), input.output, input.decoder);
}

export function checkPrepared(item: PreparedBfclItem, output: string, decoder?: 'bfcl' | 'any'): BfclCheckResult {
  const category = item.category;
  if (category.includes('relevance')) {
    // Relevance and irrelevance: only whether a call was produced matters (decoded as Python, as BFCL does).
    const decoded = decode(output, 'python', decoder);
    const containsCall = decoded.ok && !isEmptyOutput(decoded.calls);
    if (category.includes('irrelevance')) {
      return containsCall
        ? {
            valid: false,
            error: ['Valid syntax. Successfully decode AST when it should not.'],
            errorType: 'irrelevance_error:decoder_success',
          }
        : { valid: true };
    }
    return containsCall
      ? { valid: true }
      : {
          valid: false,
          error: [`Invalid syntax. Failed to decode AST when it should have. ${decoded.ok ? '' : decoded.error}`.trim()],
          errorType: 'relevance_error:decoder_failed',
        };
  }
  const decoded = decode(output, item.language, decoder);
  if (!decoded.ok) return { valid: false, error: [decoded.error], errorType: 'ast_decoder:decoder_failed' };
  if (decoded.calls === null) {
    return {
      valid: false,
      error: ['Did not output in the specified format. Note: the model_result is wrapped in a string to ensure json serializability.'],
      errorType: 'ast_decoder:decoder_wrong_output_format',
    };
  }
  const result = astChecker(item.functions, decoded.calls, item.answer, item.language, category);
  return result.valid ? { valid: true } : { valid: false, error: result.error, errorType: result.errorType };
}

/** An answer entry: one function name and, per parameter, the list of allowed values. */
interface AnswerCall {
  name: string;
  params: Map<string, PyValue[]>;
}

export function readAnswer(raw: unknown): AnswerCall[] {
  const value: PyValue = typeof raw === 'string' ? parseTypedJson(raw) : raw instanceof Map || Array.isArray(raw) ? toPy(raw) : toPy(raw);
  if (!Array.isArray(value)) throw new Error('the possible answer must be a list of {function: {param: [allowed values]}}');
  return value.map((entry, i) => {
    if (!(entry instanceof Map) || entry.size !== 1) throw new Error(`ground_truth[${i}] must be an object with one function name`);
    const [[name, params]] = [...entry] as [[string, PyValue]];
    if (!(params instanceof Map)) throw new Error(`ground_truth[${i}].${name} must be an object of parameters`);
    const out = new Map<string, PyValue[]>();
    for (const [p, allowed] of params) {
      if (!Array.isArray(allowed)) throw new Error(`ground_truth[${i}].${name}.${p} must be a list of allowed values`);
      out.set(p, allowed);
    }
    return { name, params: out };
  });
}

function toPy(raw: unknown): PyValue {
  if (raw instanceof Map || raw instanceof PyFloat || raw instanceof PyTuple) return raw as PyValue;
  if (Array.isArray(raw)) return raw.map(toPy);
  if (isRecord(raw)) {
    const out: PyDict = new Map();
    for (const [k, v] of Object.entries(raw)) out.set(k, toPy(v));
    return out;
  }
  return fromCallValue(raw as CallValue);
}

// ---------- the checker proper ----------

interface FuncDescription {
  name: string;
  properties: Record<string, Record<string, unknown>>;
  required: string[];
}

function describeFunction(raw: unknown): FuncDescription {
  const fn = isRecord(raw) && raw.type === 'function' && isRecord(raw.function) ? raw.function : raw;
  if (!isRecord(fn) || typeof fn.name !== 'string') throw new Error('a function description has no name');
  const params = isRecord(fn.parameters) ? fn.parameters : {};
  const properties = isRecord(params.properties) ? (params.properties as Record<string, Record<string, unknown>>) : {};
  const required = Array.isArray(params.required) ? (params.required.filter((r) => typeof r === 'string') as string[]) : [];
  return { name: fn.name, properties, required };
}

function findDescription(functions: FuncDescription[], name: string): FuncDescription {
  for (const d of functions) if (d.name === name) return d;
  // BFCL would fail here with an exception; report it as a checker error instead.
  throw new Error(`the possible answer names function "${name}", which is not among the item's functions`);
}

function astChecker(
  tools: FuncDescription[],
  output: DecodedCall[],
  answer: AnswerCall[],
  language: BfclLanguage,
  category: string,
): Outcome {
  if (category.includes('parallel')) return parallelNoOrder(tools, output, answer, language);
  if (category.includes('multiple')) {
    if (output.length !== answer.length)
      return { valid: false, error: ['Wrong number of functions.'], errorType: 'multiple_function_checker:wrong_count' };
    const first = answer[0] as AnswerCall;
    return simpleFunctionChecker(findDescription(tools, first.name), output[0] as DecodedCall, first, language);
  }
  if (output.length !== 1) return { valid: false, error: ['Wrong number of functions.'], errorType: 'simple_function_checker:wrong_count' };
  const fn = tools[0];
  if (!fn) throw new Error('the item has no functions');
  return simpleFunctionChecker(fn, output[0] as DecodedCall, answer[0] as AnswerCall, language);
}

function parallelNoOrder(tools: FuncDescription[], output: DecodedCall[], answer: AnswerCall[], language: BfclLanguage): Outcome {
  if (output.length !== answer.length)
    return { valid: false, error: ['Wrong number of functions.'], errorType: 'parallel_function_checker_no_order:wrong_count' };
  const matched = new Set<number>();
  for (let i = 0; i < answer.length; i++) {
    const expected = answer[i] as AnswerCall;
    const description = findDescription(tools, expected.name);
    const errors: string[] = [];
    let found = false;
    const wasQuiet = quiet;
    quiet = true;
    try {
      for (let j = 0; j < output.length; j++) {
        if (matched.has(j)) continue;
        if (simpleFunctionChecker(description, output[j] as DecodedCall, expected, language).valid) {
          matched.add(j);
          found = true;
          break;
        }
      }
    } finally {
      quiet = wasQuiet;
    }
    if (!found) {
      // Only now are the reasons worth their cost.
      for (let j = 0; j < output.length; j++) {
        if (matched.has(j)) continue;
        const r = simpleFunctionChecker(description, output[j] as DecodedCall, expected, language);
        if (!r.valid) errors.push(`Model Result Index ${j}: ${r.errorType}: ${r.error.join(' ')}`);
      }
      const considered = output.map((_, j) => j).filter((j) => !matched.has(j));
      return {
        valid: false,
        error: [
          `Could not find a matching function among index [${considered.join(', ')}] of model output for index ${i} of possible answers.`,
          ...errors,
        ],
        errorType: 'parallel_function_checker_no_order:cannot_find_match',
      };
    }
  }
  return OK;
}

const PYTHON_TYPES: Record<string, PyType> = {
  string: 'str',
  integer: 'int',
  float: 'float',
  boolean: 'bool',
  array: 'list',
  tuple: 'list',
  dict: 'dict',
  any: 'str',
  // Beyond BFCL's table, for user sets written in JSON-Schema words.
  number: 'float',
  object: 'dict',
  list: 'list',
  bool: 'bool',
  str: 'str',
  int: 'int',
  null: 'NoneType',
};
const JAVA_TO_PY: Record<string, PyType | 'set'> = {
  byte: 'int',
  short: 'int',
  integer: 'int',
  float: 'float',
  double: 'float',
  long: 'int',
  boolean: 'bool',
  char: 'str',
  Array: 'list',
  ArrayList: 'list',
  Set: 'set',
  HashMap: 'dict',
  Hashtable: 'dict',
  Queue: 'list',
  Stack: 'list',
  String: 'str',
  any: 'str',
};
const JS_TO_PY: Record<string, PyType> = {
  String: 'str',
  integer: 'int',
  float: 'float',
  Bigint: 'int',
  Boolean: 'bool',
  dict: 'dict',
  array: 'list',
  any: 'str',
};
const NESTED_CONVERSION = new Set(['Array', 'ArrayList', 'array']);

function itemsType(details: Record<string, unknown>): string | undefined {
  const items = details.items;
  return isRecord(items) && typeof items.type === 'string' ? items.type : undefined;
}

function simpleFunctionChecker(fn: FuncDescription, call: DecodedCall, answer: AnswerCall, language: BfclLanguage): Outcome {
  if (call.name !== fn.name) {
    return {
      valid: false,
      error: msg(() => `Function name ${pyRepr(fn.name)} not found in model output.`),
      errorType: 'simple_function_checker:wrong_func_name',
    };
  }
  const possible = answer.params;
  for (const param of fn.required) {
    if (!call.args.has(param))
      return {
        valid: false,
        error: msg(() => `Missing required parameter: ${pyRepr(param)}.`),
        errorType: 'simple_function_checker:missing_required',
      };
  }
  for (const [param, raw] of call.args) {
    const details = fn.properties[param];
    const allowed = possible.get(param);
    if (!details || !allowed)
      return {
        valid: false,
        error: msg(() => `Unexpected parameter: ${pyRepr(param)}.`),
        errorType: 'simple_function_checker:unexpected_param',
      };
    const typeDesc = typeof details.type === 'string' ? details.type : 'any';
    let value = raw;
    let expected: PyType | 'set';
    let nested: PyType | 'set' | undefined;
    if (language === 'java' || language === 'javascript') {
      const table = language === 'java' ? JAVA_TO_PY : JS_TO_PY;
      const known = language === 'java' ? JAVA_TYPES : JS_TYPES;
      expected = table[typeDesc] ?? 'str';
      if (known.has(typeDesc)) {
        if (typeof value !== 'string') {
          return {
            valid: false,
            error: msg(
              () =>
                `Incorrect type for parameter ${pyRepr(param)}. Expected type String, got ${pyType(value)}. Parameter value: ${pyRepr(value)}.`,
            ),
            errorType: language === 'java' ? 'type_error:java' : 'type_error:js',
          };
        }
        const convert = language === 'java' ? javaConvert : jsConvert;
        if (NESTED_CONVERSION.has(typeDesc)) {
          const inner = itemsType(details) ?? 'any';
          nested = table[inner] ?? 'str';
          value = convert(value, typeDesc, inner);
        } else value = convert(value, typeDesc);
      }
    } else {
      expected = PYTHON_TYPES[typeDesc] ?? 'str';
      if (typeDesc === 'array' || typeDesc === 'tuple') {
        const inner = itemsType(details);
        nested = inner === undefined ? undefined : (PYTHON_TYPES[inner] ?? 'str');
      }
    }
    // Tuples become lists where a tuple is expected (answers went through JSON); Python widens int to float.
    if (typeDesc === 'tuple' && value instanceof PyTuple) value = value.items;
    if (language === 'python' && typeDesc === 'float' && typeof value === 'number') value = new PyFloat(value);

    const typed = typeChecker(param, value, allowed, typeDesc, expected, nested);
    if (!typed.valid) return typed;
    if (!typed.isVariable) {
      if (expected === 'dict') {
        const r = dictChecker(param, value, allowed);
        if (!r.valid) return r;
        continue;
      }
      if (expected === 'list' && nested === 'dict') {
        const r = listDictChecker(param, value as PyValue[], allowed);
        if (!r.valid) return r;
        continue;
      }
      if (expected === 'str') {
        const r = stringChecker(param, value as string, allowed);
        if (!r.valid) return r;
        continue;
      }
      if (expected === 'list') {
        const r = listChecker(param, value as PyValue[], allowed);
        if (!r.valid) return r;
        continue;
      }
    }
    if (!pyIn(value, allowed)) {
      return {
        valid: false,
        error: msg(() => `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(allowed)}.`),
        errorType: 'value_error:others',
      };
    }
  }
  for (const [param, allowed] of possible) {
    if (!call.args.has(param) && !allowed.includes('')) {
      return {
        valid: false,
        error: msg(() => `Optional parameter ${pyRepr(param)} not provided and not marked as optional.`),
        errorType: 'simple_function_checker:missing_optional',
      };
    }
  }
  return OK;
}

function possibleAnswerType(allowed: PyValue[]): PyType | undefined {
  for (const a of allowed) if (a !== '') return pyType(a);
  return undefined;
}

function typeChecker(
  param: string,
  value: PyValue,
  allowed: PyValue[],
  typeDesc: string,
  expected: PyType | 'set',
  nested: PyType | 'set' | undefined,
): Outcome {
  let isVariable = false;
  let nestedFailure: Fail | undefined;
  const answerType = possibleAnswerType(allowed);
  if (answerType !== undefined && answerType !== expected) isVariable = true;
  if (pyType(value) === expected) {
    if (nested === undefined) return { valid: true, isVariable };
    for (const item of allowed) {
      let flag = true;
      if (Array.isArray(item)) {
        for (const v of value as PyValue[]) {
          if (!typeChecker(param, v, item, String(nested), nested, undefined).valid) {
            flag = false;
            break;
          }
        }
      }
      if (flag) return { valid: true, isVariable };
    }
    nestedFailure = {
      valid: false,
      error: msg(
        () =>
          `Nested type checking failed for parameter ${pyRepr(param)}. Expected outer type ${typeDesc} with inner type ${nested}. Parameter value: ${pyRepr(value)}.`,
      ),
      errorType: 'type_error:nested',
    };
  }
  // The value may be a variable name where the answer holds one (answers keep variables as strings).
  if (answerType !== undefined && pyType(value) === answerType) return nestedFailure ?? { valid: true, isVariable: true };
  return {
    valid: false,
    error: [
      ...(nestedFailure?.error ?? []),
      ...msg(
        () =>
          `Incorrect type for parameter ${pyRepr(param)}. Expected type ${typeDesc}, got ${pyType(value)}. Parameter value: ${pyRepr(value)}.`,
      ),
    ],
    errorType: 'type_error:simple',
  };
}

/** Drops spaces and `,./-_*^`, lower-cases, and turns `'` into `"` (BFCL's `standardize_string`). */
export function standardizeString(s: string): string {
  let out = '';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // space , . / - _ * ^ are dropped; ' becomes "
    if (c === 32 || c === 44 || c === 46 || c === 47 || c === 45 || c === 95 || c === 42 || c === 94) {
      out += s.slice(chunk, i);
      chunk = i + 1;
    } else if (c === 39) {
      out += s.slice(chunk, i) + '"';
      chunk = i + 1;
    }
  }
  return (chunk === 0 ? s : out + s.slice(chunk)).toLowerCase();
}

/** Standardised string options per answer list: computed once, reused by every output checked against it. */
const standardizedOptions = new WeakMap<PyValue[], Set<string>>();

function stringChecker(param: string, value: string, allowed: PyValue[]): Outcome {
  let options = standardizedOptions.get(allowed);
  if (!options) {
    options = new Set();
    for (const a of allowed) if (typeof a === 'string') options.add(standardizeString(a));
    standardizedOptions.set(allowed, options);
  }
  if (options.has(standardizeString(value))) return OK;
  return {
    valid: false,
    error: msg(
      () => `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(allowed)}. Case insensitive.`,
    ),
    errorType: 'value_error:string',
  };
}

function standardizeItems(items: Iterable<PyValue>): PyValue[] {
  const out: PyValue[] = [];
  for (const x of items) out.push(typeof x === 'string' ? standardizeString(x) : x);
  return out;
}

function listChecker(param: string, value: PyValue[], allowed: PyValue[]): Outcome {
  const v = standardizeItems(value);
  for (const a of allowed) {
    // A string (the optional marker "" or a variable name) iterates as its characters, as in Python.
    const items =
      typeof a === 'string' ? [...a] : Array.isArray(a) ? a : a instanceof PyTuple ? a.items : a instanceof Map ? [...a.keys()] : undefined;
    if (items && pyEquals(v, standardizeItems(items))) return OK;
  }
  return {
    valid: false,
    error: msg(() => `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(allowed)}.`),
    errorType: 'value_error:list/tuple',
  };
}

function dictChecker(_param: string, value: PyValue, allowed: PyValue[]): Outcome {
  let result: Fail = { valid: false, error: [], errorType: 'dict_checker:unclear' };
  const model = value as PyDict;
  for (const candidate of allowed) {
    if (candidate === '') continue;
    result = { valid: false, error: [], errorType: 'dict_checker:unclear' };
    if (!(candidate instanceof Map)) continue;
    let flag = true;
    for (const [key, v] of model) {
      const options = candidate.get(key);
      if (options === undefined) {
        result = { valid: false, error: msg(() => `Unexpected dict key parameter: '${key}'.`), errorType: 'value_error:dict_key' };
        flag = false;
        break;
      }
      const sv = typeof v === 'string' ? standardizeString(v) : v;
      // Options that are not a list iterate as Python would (a string by its characters).
      const so = standardizeItems(
        Array.isArray(options) ? options : typeof options === 'string' ? [...options] : options instanceof Map ? options.keys() : [],
      );
      if (!pyIn(sv, so)) {
        result = {
          valid: false,
          error: msg(() => `Invalid value for parameter ${pyRepr(key)}: ${pyRepr(v)}. Expected one of ${pyRepr(so)}.`),
          errorType: 'value_error:dict_value',
        };
        flag = false;
        break;
      }
    }
    for (const [key, options] of candidate) {
      // Python's `"" in options`: true for any string (substring), else list membership.
      if (!model.has(key) && !(typeof options === 'string' || (Array.isArray(options) && options.includes('')))) {
        result = {
          valid: false,
          error: [...result.error, ...msg(() => `Missing dict key parameter: '${key}'.`)],
          errorType: 'value_error:dict_key',
        };
        flag = false;
        break;
      }
    }
    if (flag) return OK;
  }
  return result;
}

function listDictChecker(param: string, value: PyValue[], allowed: PyValue[]): Outcome {
  let result: Outcome = { valid: false, error: [], errorType: 'list_dict_checker:unclear' };
  for (const candidate of allowed) {
    const items = Array.isArray(candidate) ? candidate : typeof candidate === 'string' ? [...candidate] : [];
    if (value.length !== items.length) {
      result = { valid: false, error: ['Wrong number of dictionaries in the list.'], errorType: 'value_error:list_dict_count' };
      continue;
    }
    let flag = true;
    for (let i = 0; i < value.length; i++) {
      result = dictChecker(param, value[i] as PyValue, [items[i] as PyValue]);
      if (!result.valid) {
        flag = false;
        break;
      }
    }
    if (flag) return OK;
  }
  return result;
}
