/**
 * Prints calls in the canonical text form `[f(a=1, b="x"), pkg.g(c=[1, 2])]`, which `parseCalls` reads back
 * to the same calls. Strings use double quotes and JSON escapes (valid Python too); `None/True/False`.
 */
import { PyFloat, PyTuple, reprFloat, type PyValue } from './py-value';
import type { TypedCall } from './py-resolve';
import type { Call, CallValue } from './types';

export function printCalls(calls: Call[]): string {
  return `[${calls.map(printCall).join(', ')}]`;
}

export function printCall(call: Call): string {
  return `${call.name}(${Object.entries(call.args)
    .map(([k, v]) => `${k}=${printValue(v)}`)
    .join(', ')})`;
}

export function printValue(value: CallValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) return 'None'; // no literal for NaN/Infinity
      return Object.is(value, -0) ? '-0.0' : String(value);
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      if (value === null) return 'None';
      if (Array.isArray(value)) return `[${value.map(printValue).join(', ')}]`;
      return `{${Object.entries(value)
        .map(([k, v]) => `${JSON.stringify(k)}: ${printValue(v)}`)
        .join(', ')}}`;
  }
}

/** Prints values that keep Python's types (floats as `1.0`, tuples as `(1, 2)`). */
export function printTypedValue(value: PyValue): string {
  if (value instanceof PyFloat) return reprFloat(value.value);
  if (value instanceof PyTuple)
    return value.items.length === 1
      ? `(${printTypedValue(value.items[0] as PyValue)},)`
      : `(${value.items.map(printTypedValue).join(', ')})`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${JSON.stringify(k)}: ${printTypedValue(v)}`).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map(printTypedValue).join(', ')}]`;
  return printValue(value);
}

export function printTypedCalls(calls: Pick<TypedCall, 'name' | 'args'>[]): string {
  return `[${calls.map((c) => `${c.name}(${[...c.args].map(([k, v]) => `${k}=${printTypedValue(v)}`).join(', ')})`).join(', ')}]`;
}
