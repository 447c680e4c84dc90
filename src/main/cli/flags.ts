/** Parsing of command-line values shared by the commands: one wording for every bad flag. */

/** A model or set argument: digits are an id, anything else a name. */
export function nameOrId(raw: string): string | number {
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** A numeric flag's value (undefined when the flag is absent), or an error that names the flag and the rule. */
export function numberFlag(flag: string, raw: string | undefined, rule: NumberRule = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const { integer = false, min, max } = rule;
  if (
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (integer && !Number.isInteger(n)) ||
    (min !== undefined && n < min) ||
    (max !== undefined && n > max)
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    const range =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` ≥ ${min}`
          : max !== undefined
            ? ` ≤ ${max}`
            : '';
    throw new Error(`${flag} must be ${kind}${range}, not "${raw}".`);
  }
  return n;
}

/** The same as a commander option parser: `.option('--lr <x>', 'learning rate', numberArg('--lr', { min: 0 }))`. */
export const numberArg =
  (flag: string, rule: NumberRule = {}) =>
  (raw: string): number =>
    numberFlag(flag, raw, rule)!;
