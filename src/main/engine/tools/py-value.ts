/**
 * Values with Python's distinctions, which the BFCL checker depends on: int vs float (`1` vs `1.0`),
 * list vs tuple, dict. Ints are plain numbers, floats are `PyFloat`, tuples `PyTuple`, dicts `Map`.
 */
import type { CallValue } from './types';

export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export type PyDict = Map<string, PyValue>;

export type PyValue = string | number | boolean | null | PyFloat | PyTuple | PyValue[] | PyDict;

export type PyType = 'str' | 'int' | 'float' | 'bool' | 'NoneType' | 'list' | 'tuple' | 'dict';

export function pyType(value: PyValue): PyType {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'number':
      return 'int';
    case 'boolean':
      return 'bool';
    default:
      if (value === null) return 'NoneType';
      if (Array.isArray(value)) return 'list';
      if (value instanceof PyFloat) return 'float';
      if (value instanceof PyTuple) return 'tuple';
      return 'dict';
  }
}

function numeric(value: PyValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** Python's `==`: `1 == 1.0 == True`, lists and tuples never equal each other, dicts by key. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    return nb !== undefined && na === nb;
  }
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && listEquals(a, b);
  if (a instanceof PyTuple) return b instanceof PyTuple && listEquals(a.items, b.items);
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (!b.has(key) || !pyEquals(value, b.get(key) as PyValue)) return false;
    }
    return true;
  }
  return false;
}

function listEquals(a: PyValue[], b: PyValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!pyEquals(a[i] as PyValue, b[i] as PyValue)) return false;
  return true;
}

/** Python's `x in list`. */
export function pyIn(value: PyValue, list: readonly PyValue[]): boolean {
  for (const item of list) if (pyEquals(value, item)) return true;
  return false;
}

/** Python's `repr`, used in error messages and for `ast.unparse`-like strings. */
export function pyRepr(value: PyValue): string {
  switch (typeof value) {
    case 'string':
      return reprString(value);
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      if (value === null) return 'None';
      if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
      if (value instanceof PyFloat) return reprFloat(value.value);
      if (value instanceof PyTuple)
        return value.items.length === 1 ? `(${pyRepr(value.items[0] as PyValue)},)` : `(${value.items.map(pyRepr).join(', ')})`;
      return `{${[...value].map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
}

export function reprFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Object.is(n, -0)) return '-0.0';
  const s = String(n);
  return /[.eE]/.test(s) || s.includes('n') ? s : `${s}.0`;
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** To the JSON-like value calls carry (floats become numbers, tuples lists, dicts objects). */
export function toCallValue(value: PyValue): CallValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCallValue);
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyTuple) return value.items.map(toCallValue);
  // fromEntries defines own properties: a "__proto__" key stays a key instead of becoming the prototype.
  return Object.fromEntries([...value].map(([k, v]) => [k, toCallValue(v)]));
}

/** From a JSON-like value: non-integral numbers become floats, everything else keeps its shape. */
export function fromCallValue(value: CallValue): PyValue {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? value : new PyFloat(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromCallValue);
  const out: PyDict = new Map();
  for (const [k, v] of Object.entries(value)) out.set(k, fromCallValue(v));
  return out;
}
