/**
 * A BFCL-compatible AST checker: the same rules and the same error-type names as BFCL's `ast_checker.py`
 * (ShishirPatil/gorilla, berkeley-function-call-leaderboard), so that results can be compared line by line.
 * Written from its documented behaviour; Python's semantics (int vs float, `==`, `in`) come from `py-value.ts`.
 *
 * Known differences: BFCL's Java/JavaScript decoders are tree-sitter parsers; ours read the same call shape
 * from the source text (see `bfcl-decode.ts`). Model-specific name rewriting (`.` → `_` for some APIs) is not
 * applied: outputs are read as a prompting model's text. Where BFCL's decoding surprises (a repeated keyword
 * keeps its last value, `foo().f(…)` is `f`, Java double-brace maps read as empty, …) we decode as it does,
 * its bugs included unless `decoder: 'bfcl-fixed'`; docs/evaluation.md lists each case.
 */
import { parseCalls } from '../tools/call-parse';
import { fromCallValue, PyFloat, pyIn, pyEquals, pyRepr, PyTuple, pyType, type PyDict, type PyType, type PyValue } from '../tools/py-value';
import { parseTypedJson } from '../tools/typed-json';
import type { CallValue } from '../tools/types';
import { decodeBfcl, type BfclLanguage, type DecodedCall } from './bfcl-decode';
import { javaConvert, JAVA_TYPES, jsConvert, JS_TYPES } from './bfcl-convert';
import { isRecord } from '../../../shared/json';

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
  /**
   * 'bfcl' (default): decode as BFCL does for prompting models, its bugs included (see docs/evaluation.md).
   * 'bfcl-fixed': the same with those bugs fixed. 'any': 'bfcl', and also JSON/Hermes/OpenAI forms.
   */
  decoder?: BfclDecoder;
}

export type BfclDecoder = 'bfcl' | 'bfcl-fixed' | 'any';

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

export function languageOf(category: string): BfclLanguage {
  if (category.includes('javascript')) return 'javascript';
  if (category.includes('java')) return 'java';
  return 'python';
}

/** True when the decoded output holds no call (BFCL's `is_empty_output`: not a list of calls, or an empty one). */
function isEmptyOutput(calls: DecodedCall[] | null): boolean {
  return calls === null || calls.length === 0;
}

function decode(output: string, language: BfclLanguage, decoder: BfclDecoder | undefined) {
  const decoded = decodeBfcl(output, language, decoder === 'bfcl-fixed' ? 'fixed' : 'bfcl');
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

/** Which of BFCL's checkers an item's category selects (by the words in its name, as BFCL does). */
type CheckerKind = 'irrelevance' | 'relevance' | 'parallel' | 'multiple' | 'simple';

function checkerKind(category: string): CheckerKind {
  if (category.includes('relevance')) return category.includes('irrelevance') ? 'irrelevance' : 'relevance';
  if (category.includes('parallel')) return 'parallel';
  if (category.includes('multiple')) return 'multiple';
  return 'simple';
}

/**
 * An item read once (answer parsed, functions indexed, the answer side of every comparison normalised) and
 * checked against many outputs: only the output side is read and normalised per check.
 */
export interface PreparedBfclItem {
  category: string;
  language: BfclLanguage;
  functions: FuncDescription[];
  answer: AnswerCall[];
  kind: CheckerKind;
}

export function prepareBfcl(input: Omit<BfclCheckInput, 'output' | 'decoder'>): PreparedBfclItem {
  const kind = checkerKind(input.category);
  const language = input.language ?? languageOf(input.category);
  const functions = input.tools.map((raw) => describeFunction(raw, language));
  const answer = kind === 'irrelevance' || kind === 'relevance' ? [] : readAnswer(input.answer);
  // An answer naming an unknown function fails when it is checked (as BFCL's would), not here.
  for (const a of answer) a.description = functions.find((d) => d.name === a.name);
  return { category: input.category, language, functions, answer, kind };
}

export function checkBfcl(input: BfclCheckInput): BfclCheckResult {
  return checkPrepared(prepareBfcl(input), input.output, input.decoder);
}

export function checkPrepared(item: PreparedBfclItem, output: string, decoder?: BfclDecoder): BfclCheckResult {
  const kind = item.kind;
  if (kind === 'irrelevance' || kind === 'relevance') {
    // Relevance and irrelevance: only whether a call was produced matters (decoded as Python, as BFCL does).
    const decoded = decode(output, 'python', decoder);
    const containsCall = decoded.ok && !isEmptyOutput(decoded.calls);
    if (kind === 'irrelevance') {
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
  const result = astChecker(item.functions, decoded.calls, item.answer, item.language, kind);
  return result.valid ? { valid: true } : { valid: false, error: result.error, errorType: result.errorType };
}

/** An answer entry: one function name and, per parameter, the list of allowed values. */
interface AnswerCall {
  name: string;
  params: Map<string, AllowedValues>;
  /** The parameters that must be given (their allowed values do not include "", the "may be omitted" mark). */
  mandatory: string[];
  /** The item's description of the function, found when the item is prepared. */
  description?: FuncDescription;
}

/** One parameter's allowed values, with what every check compares against computed once. */
interface AllowedValues {
  values: PyValue[];
  /** The type of the first value that is not "" (BFCL's `possible_answer_type`). */
  answerType: PyType | undefined;
  /** Standardised string values (for `stringChecker`), made on first use. */
  strings?: Set<string>;
  /** Each allowed value as the standardised list `listChecker` compares with (undefined: not iterable). */
  lists?: (PyValue[] | undefined)[];
  /** `pyRepr(values)`, made on first use. */
  repr?: string;
}

function allowedValues(values: PyValue[]): AllowedValues {
  return { values, answerType: possibleAnswerType(values) };
}

/** The allowed values as error messages show them (made once: every failing output shows the same text). */
function allowedRepr(allowed: AllowedValues): string {
  return (allowed.repr ??= pyRepr(allowed.values));
}

export function readAnswer(raw: unknown): AnswerCall[] {
  const value: PyValue = typeof raw === 'string' ? parseTypedJson(raw) : raw instanceof Map || Array.isArray(raw) ? toPy(raw) : toPy(raw);
  if (!Array.isArray(value)) throw new Error('the possible answer must be a list of {function: {param: [allowed values]}}');
  return value.map((entry, i) => {
    if (!(entry instanceof Map) || entry.size !== 1) throw new Error(`ground_truth[${i}] must be an object with one function name`);
    const [[name, params]] = [...entry] as [[string, PyValue]];
    if (!(params instanceof Map)) throw new Error(`ground_truth[${i}].${name} must be an object of parameters`);
    const out = new Map<string, AllowedValues>();
    const mandatory: string[] = [];
    for (const [p, allowed] of params) {
      if (!Array.isArray(allowed)) throw new Error(`ground_truth[${i}].${name}.${p} must be a list of allowed values`);
      out.set(p, allowedValues(allowed));
      if (!allowed.includes('')) mandatory.push(p);
    }
    return { name, params: out, mandatory };
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

/** How one parameter's value is read and typed, from its declared type: worked out once per function. */
interface ParamSpec {
  typeDesc: string;
  expected: PyType | 'set';
  nested: PyType | 'set' | undefined;
  /** Java/JavaScript: the value is source text that this declared type converts (BFCL's type converters). */
  convert: boolean;
  /** Java/JavaScript arrays: the declared type of the items, for the converter. */
  inner: string | undefined;
}

interface FuncDescription {
  name: string;
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  /** Specs of the declared parameters (other names are looked up in `properties` as the checker always did). */
  specs: Map<string, ParamSpec>;
}

function describeFunction(raw: unknown, language: BfclLanguage): FuncDescription {
  const fn = isRecord(raw) && raw.type === 'function' && isRecord(raw.function) ? raw.function : raw;
  if (!isRecord(fn) || typeof fn.name !== 'string') throw new Error('a function description has no name');
  const params = isRecord(fn.parameters) ? fn.parameters : {};
  const properties = isRecord(params.properties) ? (params.properties as Record<string, Record<string, unknown>>) : {};
  const required = Array.isArray(params.required) ? (params.required.filter((r) => typeof r === 'string') as string[]) : [];
  const specs = new Map<string, ParamSpec>();
  for (const key of Object.keys(properties)) {
    const details = properties[key];
    if (details) specs.set(key, paramSpec(details, language));
  }
  return { name: fn.name, properties, required, specs };
}

/** The spec of a parameter name, or undefined when the function does not declare it. */
function specOf(fn: FuncDescription, param: string, language: BfclLanguage): ParamSpec | undefined {
  const spec = fn.specs.get(param);
  if (spec !== undefined) return spec;
  const details = fn.properties[param]; // names such as "constructor" are found here, as before the specs
  return details ? paramSpec(details, language) : undefined;
}

function paramSpec(details: Record<string, unknown>, language: BfclLanguage): ParamSpec {
  const typeDesc = typeof details.type === 'string' ? details.type : 'any';
  if (language === 'java' || language === 'javascript') {
    const table = language === 'java' ? JAVA_TO_PY : JS_TO_PY;
    const known = language === 'java' ? JAVA_TYPES : JS_TYPES;
    const expected = table[typeDesc] ?? 'str';
    if (known.has(typeDesc) && NESTED_CONVERSION.has(typeDesc)) {
      const inner = itemsType(details) ?? 'any';
      return { typeDesc, expected, nested: table[inner] ?? 'str', convert: true, inner };
    }
    return { typeDesc, expected, nested: undefined, convert: known.has(typeDesc), inner: undefined };
  }
  let nested: PyType | undefined;
  if (typeDesc === 'array' || typeDesc === 'tuple') {
    const inner = itemsType(details);
    nested = inner === undefined ? undefined : (PYTHON_TYPES[inner] ?? 'str');
  }
  return { typeDesc, expected: PYTHON_TYPES[typeDesc] ?? 'str', nested, convert: false, inner: undefined };
}

function findDescription(functions: FuncDescription[], name: string): FuncDescription {
  for (const d of functions) if (d.name === name) return d;
  // BFCL would fail here with an exception; report it as a checker error instead.
  throw new Error(`the possible answer names function "${name}", which is not among the item's functions`);
}

/** The answer entry's function description (found when the item was prepared). */
function descriptionOf(functions: FuncDescription[], expected: AnswerCall): FuncDescription {
  const name = expected.name;
  return expected.description ?? findDescription(functions, name);
}

function astChecker(
  tools: FuncDescription[],
  output: DecodedCall[],
  answer: AnswerCall[],
  language: BfclLanguage,
  kind: CheckerKind,
): Outcome {
  if (kind === 'parallel') return parallelNoOrder(tools, output, answer, language);
  if (kind === 'multiple') {
    if (output.length !== answer.length)
      return { valid: false, error: ['Wrong number of functions.'], errorType: 'multiple_function_checker:wrong_count' };
    const first = answer[0] as AnswerCall;
    return simpleFunctionChecker(descriptionOf(tools, first), output[0] as DecodedCall, first, language);
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
    const description = descriptionOf(tools, expected);
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

/*
 * Messages are built inline (`quiet ? [] : [...]`) rather than through closures: a closure over a loop's
 * variables costs an allocation per parameter checked, on the path where every parameter is fine.
 */

function simpleFunctionChecker(fn: FuncDescription, call: DecodedCall, answer: AnswerCall, language: BfclLanguage): Outcome {
  if (call.name !== fn.name) {
    return {
      valid: false,
      error: quiet ? [] : [`Function name ${pyRepr(fn.name)} not found in model output.`],
      errorType: 'simple_function_checker:wrong_func_name',
    };
  }
  const possible = answer.params;
  const args = call.args;
  for (const param of fn.required) {
    if (!args.has(param))
      return {
        valid: false,
        error: quiet ? [] : [`Missing required parameter: ${pyRepr(param)}.`],
        errorType: 'simple_function_checker:missing_required',
      };
  }
  for (const [param, raw] of args) {
    const spec = specOf(fn, param, language);
    const allowed = possible.get(param);
    if (spec === undefined || allowed === undefined)
      return {
        valid: false,
        error: quiet ? [] : [`Unexpected parameter: ${pyRepr(param)}.`],
        errorType: 'simple_function_checker:unexpected_param',
      };
    const result = checkParam(param, raw, spec, allowed, language);
    if (!result.valid) return result;
  }
  for (const param of answer.mandatory) {
    if (!args.has(param)) {
      return {
        valid: false,
        error: quiet ? [] : [`Optional parameter ${pyRepr(param)} not provided and not marked as optional.`],
        errorType: 'simple_function_checker:missing_optional',
      };
    }
  }
  return OK;
}

function checkParam(param: string, raw: PyValue, spec: ParamSpec, allowed: AllowedValues, language: BfclLanguage): Outcome {
  const { typeDesc, expected, nested } = spec;
  let value = raw;
  if (spec.convert) {
    if (typeof value !== 'string') {
      return {
        valid: false,
        error: quiet
          ? []
          : [
              `Incorrect type for parameter ${pyRepr(param)}. Expected type String, got ${pyType(value)}. Parameter value: ${pyRepr(value)}.`,
            ],
        errorType: language === 'java' ? 'type_error:java' : 'type_error:js',
      };
    }
    value = language === 'java' ? javaConvert(value, typeDesc, spec.inner) : jsConvert(value, typeDesc, spec.inner);
  }
  // Tuples become lists where a tuple is expected (answers went through JSON); Python widens int to float.
  if (typeDesc === 'tuple' && value instanceof PyTuple) value = value.items;
  if (language === 'python' && typeDesc === 'float' && typeof value === 'number') value = new PyFloat(value);

  const typed = typeChecker(param, value, allowed.values, allowed.answerType, typeDesc, expected, nested);
  if (typed === TYPE_OK) {
    if (expected === 'dict') return dictChecker(param, value, allowed.values);
    if (expected === 'list' && nested === 'dict') return listDictChecker(param, value as PyValue[], allowed.values);
    if (expected === 'str') return stringChecker(param, value as string, allowed);
    if (expected === 'list') return listChecker(param, value as PyValue[], allowed);
  } else if (typed !== TYPE_VARIABLE) return typed;
  if (!pyIn(value, allowed.values)) {
    return {
      valid: false,
      error: quiet ? [] : [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${allowedRepr(allowed)}.`],
      errorType: 'value_error:others',
    };
  }
  return OK;
}

function possibleAnswerType(allowed: PyValue[]): PyType | undefined {
  for (const a of allowed) if (a !== '') return pyType(a);
  return undefined;
}

/** The type matches; it matches and the answer holds a variable name (only the answer's type is checked). */
const TYPE_OK = 0;
const TYPE_VARIABLE = 1;

function typeChecker(
  param: string,
  value: PyValue,
  allowed: PyValue[],
  answerType: PyType | undefined,
  typeDesc: string,
  expected: PyType | 'set',
  nested: PyType | 'set' | undefined,
): typeof TYPE_OK | typeof TYPE_VARIABLE | Fail {
  let nestedFailure: Fail | undefined;
  const isVariable = answerType !== undefined && answerType !== expected;
  const actual = pyType(value);
  if (actual === expected) {
    if (nested === undefined) return isVariable ? TYPE_VARIABLE : TYPE_OK;
    for (const item of allowed) {
      if (!Array.isArray(item) || nestedTypesMatch(param, value as PyValue[], item, nested)) return isVariable ? TYPE_VARIABLE : TYPE_OK;
    }
    nestedFailure = {
      valid: false,
      error: quiet
        ? []
        : [
            `Nested type checking failed for parameter ${pyRepr(param)}. Expected outer type ${typeDesc} with inner type ${nested}. Parameter value: ${pyRepr(value)}.`,
          ],
      errorType: 'type_error:nested',
    };
  }
  // The value may be a variable name where the answer holds one (answers keep variables as strings).
  if (answerType !== undefined && actual === answerType) return nestedFailure ?? TYPE_VARIABLE;
  return {
    valid: false,
    error: [
      ...(nestedFailure?.error ?? []),
      ...(quiet
        ? []
        : [`Incorrect type for parameter ${pyRepr(param)}. Expected type ${typeDesc}, got ${actual}. Parameter value: ${pyRepr(value)}.`]),
    ],
    errorType: 'type_error:simple',
  };
}

/** Every item of the value has the nested type (checked against one allowed list; messages are not needed). */
function nestedTypesMatch(param: string, value: PyValue[], item: PyValue[], nested: PyType | 'set'): boolean {
  const wasQuiet = quiet;
  quiet = true;
  try {
    const answerType = possibleAnswerType(item);
    for (const v of value) {
      const r = typeChecker(param, v, item, answerType, String(nested), nested, undefined);
      if (r !== TYPE_OK && r !== TYPE_VARIABLE) return false;
    }
    return true;
  } finally {
    quiet = wasQuiet;
  }
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

function stringChecker(param: string, value: string, allowed: AllowedValues): Outcome {
  let options = allowed.strings;
  if (!options) {
    options = new Set();
    for (const a of allowed.values) if (typeof a === 'string') options.add(standardizeString(a));
    allowed.strings = options;
  }
  if (options.has(standardizeString(value))) return OK;
  return {
    valid: false,
    error: quiet
      ? []
      : [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${allowedRepr(allowed)}. Case insensitive.`],
    errorType: 'value_error:string',
  };
}

function standardizeItems(items: Iterable<PyValue>): PyValue[] {
  const out: PyValue[] = [];
  for (const x of items) out.push(typeof x === 'string' ? standardizeString(x) : x);
  return out;
}

function listChecker(param: string, value: PyValue[], allowed: AllowedValues): Outcome {
  let lists = allowed.lists;
  if (!lists) {
    // A string (the optional marker "" or a variable name) iterates as its characters, as in Python.
    lists = allowed.values.map((a) => {
      const items =
        typeof a === 'string'
          ? [...a]
          : Array.isArray(a)
            ? a
            : a instanceof PyTuple
              ? a.items
              : a instanceof Map
                ? [...a.keys()]
                : undefined;
      return items && standardizeItems(items);
    });
    allowed.lists = lists;
  }
  const v = standardizeItems(value);
  for (const items of lists) if (items && pyEquals(v, items)) return OK;
  return {
    valid: false,
    error: quiet ? [] : [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${allowedRepr(allowed)}.`],
    errorType: 'value_error:list/tuple',
  };
}

/** Per answer dict, each key's options standardised (the answer side: computed once, not per check). */
const standardizedDictOptions = new WeakMap<PyDict, Map<string, PyValue[]>>();

function dictOptions(candidate: PyDict): Map<string, PyValue[]> {
  let out = standardizedDictOptions.get(candidate);
  if (!out) {
    out = new Map();
    for (const [key, options] of candidate) {
      // Options that are not a list iterate as Python would (a string by its characters).
      out.set(
        key,
        standardizeItems(
          Array.isArray(options) ? options : typeof options === 'string' ? [...options] : options instanceof Map ? options.keys() : [],
        ),
      );
    }
    standardizedDictOptions.set(candidate, out);
  }
  return out;
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
        result = { valid: false, error: quiet ? [] : [`Unexpected dict key parameter: '${key}'.`], errorType: 'value_error:dict_key' };
        flag = false;
        break;
      }
      const sv = typeof v === 'string' ? standardizeString(v) : v;
      const so = dictOptions(candidate).get(key) as PyValue[];
      if (!pyIn(sv, so)) {
        result = {
          valid: false,
          error: quiet ? [] : [`Invalid value for parameter ${pyRepr(key)}: ${pyRepr(v)}. Expected one of ${pyRepr(so)}.`],
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
          error: quiet ? [...result.error] : [...result.error, `Missing dict key parameter: '${key}'.`],
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
