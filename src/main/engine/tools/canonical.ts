/**
 * The canonical form of a set of calls, used by voting, pass@k and the refinement stop rule to decide whether
 * two answers are "the same". Argument order and object key order are ignored; values keep their JSON type
 * (`1` ≠ `"1"`, `1` = `1.0`). Call order is ignored too: the calls are sorted by their own canonical form, as
 * BFCL's parallel checker matches calls order-free. Repeated identical calls still count (a multiset).
 */
import type { Call, CallValue } from './types';

function canonicalValue(value: CallValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && Object.is(value, -0)) return '0';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalValue).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(value[k] as CallValue)}`).join(',')}}`;
}

export function canonicalCall(call: Call): string {
  const keys = Object.keys(call.args).sort();
  return `${JSON.stringify(call.name)}(${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(call.args[k] as CallValue)}`).join(',')})`;
}

export function canonicalKey(calls: Call[]): string {
  return `[${calls.map(canonicalCall).sort().join(',')}]`;
}

export function sameCalls(a: Call[], b: Call[]): boolean {
  return a.length === b.length && canonicalKey(a) === canonicalKey(b);
}
