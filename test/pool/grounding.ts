/**
 * Checks that a call's argument values come from the query: strings appear in it (ignoring case), numbers
 * appear as written, ISO dates appear as written or as their day and year, `HH:MM` times as the hour.
 * Enum values and booleans are chosen from words ("uppercase" → `upper`, "unlock" → `false`) and are
 * skipped here; the schema check covers them.
 */
import type { CallValue, JsonSchema, ToolDef } from '../../src/main/engine/tools/types';

/** Words a value follows from, where the query says it in words rather than verbatim. */
const SAID_AS: Record<string, string[]> = {
  USD: ['us dollars'],
  EUR: ['euros'],
  GBP: ['british pounds'],
  JPY: ['japanese yen'],
  CHF: ['swiss francs'],
  CAD: ['canadian dollars'],
  AUD: ['australian dollars'],
  INR: ['indian rupees'],
  CNY: ['chinese yuan'],
  MXN: ['mexican pesos'],
  BRL: ['brazilian reais'],
  SEK: ['swedish kronor'],
};
const NUMBER_SAID_AS: Record<string, Record<number, string>> = {
  compounds_per_year: { 1: 'yearly', 4: 'quarterly', 12: 'monthly', 365: 'daily' },
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function valueInQuery(value: CallValue, schema: JsonSchema | undefined, query: string, param: string): string | undefined {
  const q = query.toLowerCase();
  if (schema?.enum || typeof value === 'boolean' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const bad = valueInQuery(item, schema?.items, query, param);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'number') {
    // A negative number may be said as its size plus a word ("subtract 7 days", "x - 5").
    if (q.includes(String(value)) || (value < 0 && q.includes(String(-value)))) return undefined;
    const word = NUMBER_SAID_AS[param]?.[value];
    return word && q.includes(word) ? undefined : `number ${value} is not in the query`;
  }
  if (typeof value === 'string') {
    if (q.includes(value.toLowerCase())) return undefined;
    if ((SAID_AS[value] ?? []).some((w) => q.includes(w))) return undefined;
    // "2027-08-24 13:00": each part on its own.
    if (/^\S+ \S+$/.test(value) && value.split(' ').every((part) => valueInQuery(part, undefined, query, param) === undefined))
      return undefined;
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (date) {
      const [, y, m, d] = date as unknown as [string, string, string, string];
      const month = MONTHS[Number(m) - 1] as string;
      return q.includes(y) && q.includes(month.toLowerCase()) && new RegExp(`\\b${Number(d)}\\b`).test(q)
        ? undefined
        : `date ${value} is not said in the query`;
    }
    const time = /^(\d{2}):(\d{2})$/.exec(value);
    if (time) {
      const h = Number(time[1]);
      const h12 = h % 12 === 0 ? 12 : h % 12;
      const min = time[2] === '00' ? '' : `:${time[2]}`;
      const said = `${h12}${min} ${h < 12 ? 'am' : 'pm'}`;
      return q.includes(said) ? undefined : `time ${value} is not said in the query`;
    }
    return `"${value}" is not in the query`;
  }
  return undefined;
}

export function ungroundedArguments(query: string, call: { name: string; args: Record<string, CallValue> }, def: ToolDef): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(call.args)) {
    const bad = valueInQuery(value, def.parameters.properties[name], query, name);
    if (bad) problems.push(`${call.name}.${name}: ${bad}`);
  }
  return problems;
}
