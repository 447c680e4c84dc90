/**
 * Reads JSON keeping Python's int/float distinction (`5.0` stays a float), as Python's `json.loads` does and
 * BFCL's checker relies on (`JSON.parse` would turn `5.0` into `5`).
 */
import { PyParseError, PyParser } from './py-parse';
import { resolveValue } from './py-resolve';
import type { PyValue } from './py-value';

export class TypedJsonError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export function parseTypedJson(text: string): PyValue {
  try {
    const p = new PyParser(text, { jsonLiterals: true });
    const value = resolveValue(p.expr(), false);
    if (!p.atEnd()) throw new TypedJsonError(`unexpected text at position ${p.pos}`, p.pos);
    return value;
  } catch (error) {
    if (error instanceof PyParseError) throw new TypedJsonError(`${error.message} at position ${error.position}`, error.position);
    throw error;
  }
}
