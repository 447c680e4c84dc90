/**
 * BFCL's Java and JavaScript type converters: a decoded argument is the source text of the value, and these
 * read it as the parameter's declared type (`"5L"` as a long, `new int[]{1, 2}` as a list, …), falling back to
 * the text itself when it does not have that shape, exactly as BFCL does.
 */
import { PyFloat, type PyDict, type PyValue } from '../tools/py-value';

const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const PY_FLOAT = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+)?|\d+\.|inf(?:inity)?|nan)\s*$/i;

/** Python's `int(s)` falling back to `float(s)` falling back to the string. */
function intFloatOrString(s: string): PyValue {
  if (PY_INT.test(s)) return Number(s.replace(/_/g, ''));
  if (PY_FLOAT.test(s)) {
    const t = s.trim().toLowerCase().replace(/_/g, '');
    if (/^[+-]?inf/.test(t)) return new PyFloat(t.startsWith('-') ? -Infinity : Infinity);
    if (/^[+-]?nan/.test(t)) return new PyFloat(NaN);
    return new PyFloat(Number(t));
  }
  return s;
}

// ---------- Java ----------

export const JAVA_TYPES = new Set([
  'byte',
  'short',
  'integer',
  'float',
  'double',
  'long',
  'boolean',
  'char',
  'Array',
  'ArrayList',
  'Set',
  'HashMap',
  'Hashtable',
  'Queue',
  'Stack',
  'String',
  'any',
]);

export function javaConvert(value: string, type: string, nested?: string): PyValue {
  switch (type) {
    case 'byte':
    case 'short':
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'float':
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$/.test(value) ? new PyFloat(Number(value.slice(0, -1))) : value;
    case 'double':
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? new PyFloat(Number(value)) : value;
    case 'long':
      return /^-?\d+[lL]$/.test(value) ? Number(value.slice(0, -1)) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'Array':
      return javaArray(value, nested);
    case 'ArrayList':
      return javaArrayList(value, nested);
    case 'HashMap':
      return javaHashMap(value);
    default:
      // char (BFCL's pattern for it never matches), String, any, and the collections BFCL does not convert.
      return value;
  }
}

function javaValue(s: string): PyValue {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 1) return s.slice(1, -1);
  if (/^-?\d+[lL]$/.test(s)) return Number(s.slice(0, -1));
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$/.test(s)) return new PyFloat(Number(s.slice(0, -1)));
  return intFloatOrString(s);
}

function javaElement(s: string, nested?: string): PyValue {
  if (nested === 'char' || nested === 'String') return s.slice(1, -1);
  return nested ? javaConvert(s, nested) : javaValue(s);
}

function javaArrayList(s: string, nested?: string): PyValue {
  const asList = /new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)/.exec(s);
  if (asList) return (asList[1] as string).split(',').map((e) => javaElement(e.trim(), nested));
  const adds = /new\s+ArrayList<\w*>\(\)\s*\{\{\s*([\s\S]+?)\s*\}\}/.exec(s);
  if (adds) return [...(adds[1] as string).matchAll(/add\((.+?)\)/g)].map((m) => javaElement((m[1] as string).trim(), nested));
  if (/new\s+ArrayList<\w*>\(\)/.test(s)) return [];
  return s;
}

function javaArray(s: string, nested?: string): PyValue {
  const m = /new\s+\w+\[\]\s*\{(.*?)\}/.exec(s);
  if (!m) return s;
  return (m[1] as string)
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => (nested ? javaConvert(x, nested) : javaValue(x)));
}

function javaHashMap(s: string): PyValue {
  const m = /new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*([\s\S]*?)\s*\}?\s*\}/.exec(s);
  if (m) {
    const out: PyDict = new Map();
    const puts = m[1] as string;
    if (puts.trim() !== '') {
      for (const put of puts.matchAll(/put\("(.*?)",\s*(.*?)\)/g)) out.set(put[1] as string, javaValue((put[2] as string).trim()));
    }
    return out;
  }
  if (/new\s+HashMap<.*?>\s*\(\)/.test(s)) return new Map();
  return s;
}

// ---------- JavaScript ----------

export const JS_TYPES = new Set(['String', 'integer', 'float', 'Bigint', 'Boolean', 'dict', 'array', 'any']);

export function jsConvert(value: string, type: string, nested?: string): PyValue {
  switch (type) {
    case 'String':
      if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) return value.slice(1, -1);
      return value;
    case 'integer':
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case 'float':
      return /^-?\d+(\.\d+)?$/.test(value) ? new PyFloat(Number(value)) : value;
    case 'Bigint':
      return /^-?\d+n$/.test(value) ? Number(value.slice(0, -1)) : value;
    case 'Boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'dict':
      return jsDict(value);
    case 'array':
      return jsArray(value, nested);
    case 'any':
      return value;
    default:
      throw new Error(`Unsupported type: ${type}`);
  }
}

function jsValue(raw: string): PyValue {
  const s = raw.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) return s.slice(1, -1);
  return intFloatOrString(s);
}

function jsArray(raw: string, nested?: string): PyValue {
  const code = raw.trim();
  try {
    const twoD = /^(?:\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\))/.exec(code);
    if (twoD) {
      return [...twoD[0].matchAll(/\[(.*?)\]/g)].map((m, idx) => {
        let inner = (m[1] as string).trim();
        if (idx === 0 && inner.startsWith('[')) inner = inner.slice(1);
        return inner.split(',').map((e) => jsValue(e.trim()));
      });
    }
    const one = /^(?:\[(.*?)\]|\bnew\s+Array\((.*?)\))/.exec(code);
    if (!one) return code;
    const body = (one[1] ?? one[2] ?? '').trim();
    const elements = body ? body.split(',') : [];
    if (nested) {
      return elements.map((e) => {
        const t = e.trim();
        return t.startsWith("'") || t.startsWith('"') ? jsConvert(t, nested, 'String') : jsConvert(t, nested);
      });
    }
    return elements.map((e) => jsValue(e.trim()));
  } catch {
    return code;
  }
}

function jsDict(raw: string): PyValue {
  const code = raw.trim();
  if (code === '{}') return new Map();
  const m = /^\{(.*?)\}/.exec(code);
  if (!m) return code;
  const out: PyDict = new Map();
  for (const pair of (m[1] as string).matchAll(/([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)/g)) {
    if (pair[0] === '') break;
    const key = (pair[1] as string).trim().replace(/^['"]+|['"]+$/g, '');
    const value = (pair[2] as string).trim();
    if (value.startsWith('[') && value.endsWith(']')) out.set(key, jsArray(value));
    else if (value.startsWith('{') && value.endsWith('}')) out.set(key, jsDict(value));
    else out.set(key, jsValue(value.replace(/^['"]+|['"]+$/g, '')));
  }
  return out;
}
