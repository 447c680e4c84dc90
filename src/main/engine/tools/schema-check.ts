/**
 * Checks calls against tool definitions: each problem is a typed verdict naming the call (by index) and the
 * parameter, so the refinement loop can show a model exactly what to fix.
 */
import type { Call, CallValue, JsonSchema, JsonType, ToolDef } from './types';

export type CallVerdictKind = 'unknown_function' | 'unknown_parameter' | 'missing_required' | 'wrong_type' | 'not_in_enum';

export interface CallVerdict {
  kind: CallVerdictKind;
  callIndex: number;
  function: string;
  /** Path of the parameter (`city`, `options.units`, `items[2]`); absent for unknown_function. */
  param?: string;
  message: string;
}

function typeOfValue(value: CallValue): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

function matchesType(value: CallValue, type: JsonType): boolean {
  const actual = typeOfValue(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function checkValue(
  value: CallValue,
  schema: JsonSchema,
  path: string,
  base: Omit<CallVerdict, 'kind' | 'message' | 'param'>,
  out: CallVerdict[],
): void {
  const label = `call ${base.callIndex} (${base.function}), parameter "${path}"`;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) {
      out.push({
        ...base,
        kind: 'wrong_type',
        param: path,
        message: `${label}: expected ${types.join(' or ')}, got ${typeOfValue(value)} ${JSON.stringify(value)}`,
      });
      return;
    }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && !schema.enum.some((allowed) => sameJson(allowed, value))) {
    out.push({
      ...base,
      kind: 'not_in_enum',
      param: path,
      message: `${label}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
    return;
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => checkValue(item, schema.items as JsonSchema, `${path}[${i}]`, base, out));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    checkObject(value, schema, path, base, out, false);
  }
}

function checkObject(
  value: { [k: string]: CallValue },
  schema: JsonSchema,
  path: string,
  base: Omit<CallVerdict, 'kind' | 'message' | 'param'>,
  out: CallVerdict[],
  topLevel: boolean,
): void {
  const properties = schema.properties ?? {};
  const where = (name: string) => (path ? `${path}.${name}` : name);
  const strict = topLevel || schema.additionalProperties === false;
  for (const name of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) {
      out.push({
        ...base,
        kind: 'missing_required',
        param: where(name),
        message: `call ${base.callIndex} (${base.function}): required parameter "${where(name)}" is missing`,
      });
    }
  }
  for (const [name, v] of Object.entries(value)) {
    const prop = properties[name];
    if (!prop) {
      if (strict) {
        const known = Object.keys(properties);
        out.push({
          ...base,
          kind: 'unknown_parameter',
          param: where(name),
          message: `call ${base.callIndex} (${base.function}): unknown parameter "${where(name)}" (known: ${known.join(', ') || 'none'})`,
        });
      }
      continue;
    }
    checkValue(v, prop, where(name), base, out);
  }
}

export function checkCalls(calls: Call[], tools: ToolDef[]): CallVerdict[] {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const out: CallVerdict[] = [];
  calls.forEach((call, callIndex) => {
    const tool = byName.get(call.name);
    if (!tool) {
      out.push({
        kind: 'unknown_function',
        callIndex,
        function: call.name,
        message: `call ${callIndex}: unknown function "${call.name}" (available: ${tools.map((t) => t.name).join(', ') || 'none'})`,
      });
      return;
    }
    checkObject(call.args, tool.parameters, '', { callIndex, function: call.name }, out, true);
  });
  return out;
}
