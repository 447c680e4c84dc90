import type { ToolSpec } from './types';
import type { JsonSchema, JsonSchemaObject, JsonType, ToolDef } from './types';
import { isRecord } from '../../../shared/json';

/** A tool definition that cannot be understood; the message starts with the path of the bad field. */
export class ToolValidationError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ToolValidationError';
  }
}

/**
 * Type names seen in the wild, mapped to JSON-Schema. BFCL uses Python names (`dict`, `float`, `tuple`, `any`)
 * and, for its Java/JavaScript categories, the language's names (`String`, `HashMap`, `Bigint`, …).
 * `null` means "any value" (no `type` in the normalised schema).
 */
const TYPE_NAMES: Record<string, JsonType | null> = {
  string: 'string',
  str: 'string',
  String: 'string',
  char: 'string',
  text: 'string',
  integer: 'integer',
  int: 'integer',
  long: 'integer',
  short: 'integer',
  byte: 'integer',
  Bigint: 'integer',
  bigint: 'integer',
  number: 'number',
  float: 'number',
  double: 'number',
  boolean: 'boolean',
  bool: 'boolean',
  Boolean: 'boolean',
  array: 'array',
  list: 'array',
  tuple: 'array',
  Array: 'array',
  ArrayList: 'array',
  Set: 'array',
  Queue: 'array',
  Stack: 'array',
  object: 'object',
  dict: 'object',
  HashMap: 'object',
  Hashtable: 'object',
  map: 'object',
  null: 'null',
  NoneType: 'null',
  any: null,
  Any: null,
};

function normalizeTypeName(raw: unknown, path: string): JsonType | JsonType[] | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return undefined; // BFCL has `"type": ""` on some nested properties: no constraint
    if (!Object.prototype.hasOwnProperty.call(TYPE_NAMES, raw)) {
      throw new ToolValidationError(
        path,
        `unknown type "${raw}" (expected one of string, integer, number, boolean, array, object, null or a BFCL type such as dict, float, tuple, any)`,
      );
    }
    return TYPE_NAMES[raw] ?? undefined;
  }
  if (Array.isArray(raw)) {
    const out: JsonType[] = [];
    for (let i = 0; i < raw.length; i++) {
      const t = normalizeTypeName(raw[i], `${path}[${i}]`);
      if (t === undefined) return undefined; // a union with "any" is "any"
      for (const one of Array.isArray(t) ? t : [t]) if (!out.includes(one)) out.push(one);
    }
    return out.length === 1 ? out[0] : out;
  }
  throw new ToolValidationError(path, `type must be a string or a list of strings, got ${describe(raw)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Normalises one schema node (a parameter, an item, a nested property). */
function normalizeSchema(raw: unknown, path: string): JsonSchema {
  if (raw === true || raw === undefined) return {};
  if (!isRecord(raw)) throw new ToolValidationError(path, `expected a schema object, got ${describe(raw)}`);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type' || key === 'items' || key === 'properties' || key === 'required') continue;
    out[key] = value;
  }
  const type = normalizeTypeName(raw.type, `${path}.type`);
  if (type !== undefined) out.type = type;
  // Keep the source's own type name where it says more than JSON-Schema does (float, tuple, HashMap, …).
  if (typeof raw.type === 'string' && raw.type !== type) out['x-source-type'] = raw.type;
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw new ToolValidationError(`${path}.description`, `must be a string, got ${describe(raw.description)}`);
  }
  if (raw.enum !== undefined && !Array.isArray(raw.enum)) {
    throw new ToolValidationError(`${path}.enum`, `must be a list, got ${describe(raw.enum)}`);
  }
  if (raw.items !== undefined) {
    if (Array.isArray(raw.items)) {
      // Tuple-style items ([schemaA, schemaB]): keep the first as the item schema, the list as prefixItems.
      out.prefixItems = raw.items.map((item, i) => normalizeSchema(item, `${path}.items[${i}]`));
      if (raw.items.length > 0) out.items = (out.prefixItems as JsonSchema[])[0];
    } else {
      out.items = normalizeSchema(raw.items, `${path}.items`);
    }
  }
  const isObject = type === 'object' || (type === undefined && raw.properties !== undefined);
  if (raw.properties !== undefined || isObject) {
    const { properties, required } = normalizeProperties(raw, path);
    if (raw.properties !== undefined) out.properties = properties;
    if (required.length > 0 || raw.required !== undefined) out.required = required;
    if (type === undefined && raw.properties !== undefined) out.type = 'object';
  }
  return out;
}

/**
 * `strictRequired`: a required name must be a declared property. Checked for a tool's parameters; nested
 * objects in real data (BFCL) sometimes require undeclared keys, which is kept as written.
 */
function normalizeProperties(
  raw: Record<string, unknown>,
  path: string,
  strictRequired = false,
): { properties: Record<string, JsonSchema>; required: string[] } {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  if (raw.properties !== undefined && raw.properties !== null) {
    if (!isRecord(raw.properties)) {
      throw new ToolValidationError(`${path}.properties`, `must be an object of parameter schemas, got ${describe(raw.properties)}`);
    }
    for (const [name, schema] of Object.entries(raw.properties)) {
      const propPath = `${path}.properties.${name}`;
      // Some sources mark required-ness on the property itself (`"required": true`).
      if (isRecord(schema) && typeof schema.required === 'boolean') {
        const { required: flag, ...rest } = schema;
        if (flag) required.push(name);
        properties[name] = normalizeSchema(rest, propPath);
      } else {
        properties[name] = normalizeSchema(schema, propPath);
      }
    }
  }
  // ToolACE writes `"required": null` for "nothing required".
  if (raw.required !== undefined && raw.required !== null) {
    if (!Array.isArray(raw.required)) {
      throw new ToolValidationError(`${path}.required`, `must be a list of parameter names, got ${describe(raw.required)}`);
    }
    raw.required.forEach((name, i) => {
      if (typeof name !== 'string') {
        throw new ToolValidationError(`${path}.required[${i}]`, `must be a parameter name, got ${describe(name)}`);
      }
      if (strictRequired && !Object.prototype.hasOwnProperty.call(properties, name)) {
        throw new ToolValidationError(
          `${path}.required[${i}]`,
          `"${name}" is not one of the declared properties (${Object.keys(properties).join(', ') || 'none'})`,
        );
      }
      if (!required.includes(name)) required.push(name);
    });
  }
  return { properties, required };
}

/**
 * Normalises one tool definition. Accepts the OpenAI shape `{type: 'function', function: {...}}`, a bare
 * function object `{name, description, parameters}`, Anthropic's `input_schema`, BFCL's (`"type": "dict"`,
 * `float`, `tuple`, `any`, Java/JavaScript type names) and ToolACE's (names with spaces, `required: null`,
 * defaults). The original is kept as given.
 */
export function normalizeTool(raw: unknown, path = 'tool'): ToolDef {
  if (!isRecord(raw)) throw new ToolValidationError(path, `expected a tool object, got ${describe(raw)}`);
  let fn: Record<string, unknown> = raw;
  let fnPath = path;
  if (raw.type === 'function' && raw.function !== undefined) {
    if (!isRecord(raw.function)) throw new ToolValidationError(`${path}.function`, `expected an object, got ${describe(raw.function)}`);
    fn = raw.function;
    fnPath = `${path}.function`;
  }
  const name = fn.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ToolValidationError(
      `${fnPath}.name`,
      name === undefined ? 'is missing' : `must be a non-empty string, got ${describe(name)}`,
    );
  }
  const description = fn.description ?? '';
  if (typeof description !== 'string') {
    throw new ToolValidationError(`${fnPath}.description`, `must be a string, got ${describe(description)}`);
  }
  const paramsKey = fn.parameters !== undefined ? 'parameters' : fn.input_schema !== undefined ? 'input_schema' : 'parameters';
  const rawParams = fn[paramsKey];
  const paramsPath = `${fnPath}.${paramsKey}`;
  let parameters: JsonSchemaObject;
  if (rawParams === undefined || rawParams === null) {
    parameters = { type: 'object', properties: {}, required: [] };
  } else {
    if (!isRecord(rawParams)) throw new ToolValidationError(paramsPath, `expected an object schema, got ${describe(rawParams)}`);
    const declared = normalizeTypeName(rawParams.type, `${paramsPath}.type`);
    if (declared !== undefined && declared !== 'object') {
      throw new ToolValidationError(
        `${paramsPath}.type`,
        `parameters must be an object schema ("object" or "dict"), got "${String(rawParams.type)}"`,
      );
    }
    const rest = normalizeSchema({ ...rawParams, type: undefined, properties: undefined, required: undefined }, paramsPath);
    delete rest.type;
    const { properties, required } = normalizeProperties(rawParams, paramsPath, true);
    parameters = { ...rest, type: 'object', properties, required };
  }
  return { name: name.trim(), description, parameters, original: raw };
}

/**
 * Normalises a list of tools: a JSON list, `{tools: [...]}`, `{functions: [...]}` or a single tool.
 * Paths in errors read `tools[3].parameters.properties.city.type`.
 */
export function normalizeTools(raw: unknown, path = 'tools'): ToolDef[] {
  let list: unknown = raw;
  let listPath = path;
  if (isRecord(raw) && Array.isArray(raw.tools)) {
    list = raw.tools;
    listPath = `${path}.tools`;
  } else if (isRecord(raw) && Array.isArray(raw.functions)) {
    list = raw.functions;
    listPath = `${path}.functions`;
  } else if (isRecord(raw)) {
    return [normalizeTool(raw, `${path}[0]`)];
  }
  if (!Array.isArray(list)) throw new ToolValidationError(path, `expected a list of tools, got ${describe(raw)}`);
  const out: ToolDef[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const def = normalizeTool(item, `${listPath}[${i}]`);
    const earlier = seen.get(def.name);
    if (earlier !== undefined) {
      throw new ToolValidationError(`${listPath}[${i}].name`, `"${def.name}" is already defined by ${listPath}[${earlier}]`);
    }
    seen.set(def.name, i);
    out.push(def);
  });
  return out;
}

export interface ToolProblem {
  index: number;
  path: string;
  message: string;
}

/** Like `normalizeTools`, but reports every broken tool instead of stopping at the first. */
export function validateTools(raw: unknown, path = 'tools'): { tools: ToolDef[]; problems: ToolProblem[] } {
  let list: unknown = raw;
  let listPath = path;
  if (isRecord(raw) && Array.isArray(raw.tools)) [list, listPath] = [raw.tools, `${path}.tools`];
  else if (isRecord(raw) && Array.isArray(raw.functions)) [list, listPath] = [raw.functions, `${path}.functions`];
  else if (isRecord(raw)) [list, listPath] = [[raw], path];
  if (!Array.isArray(list)) {
    return { tools: [], problems: [{ index: -1, path, message: `${path}: expected a list of tools, got ${describe(raw)}` }] };
  }
  const tools: ToolDef[] = [];
  const problems: ToolProblem[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    try {
      const def = normalizeTool(item, `${listPath}[${i}]`);
      const earlier = seen.get(def.name);
      if (earlier !== undefined) {
        throw new ToolValidationError(`${listPath}[${i}].name`, `"${def.name}" is already defined by ${listPath}[${earlier}]`);
      }
      seen.set(def.name, i);
      tools.push(def);
    } catch (error) {
      if (!(error instanceof ToolValidationError)) throw error;
      problems.push({ index: i, path: error.path, message: error.message });
    }
  });
  return { tools, problems };
}

/** The tool as a generation backend sees it (OpenAI function shape). */
export function toToolSpec(def: ToolDef): ToolSpec {
  return { name: def.name, description: def.description, parameters: def.parameters as unknown as Record<string, unknown> };
}
