/**
 * The small kit the seed and evaluation templates are written with: a seeded random source, value pools,
 * and `say` (pick one phrasing of a request together with the call arguments it implies). An intent is one
 * request in words plus the exact arguments of the one call that serves it; every argument value appears in
 * the words or follows from them (a spoken date → `YYYY-MM-DD`, "3 pm" → `15:00`).
 */
import type { CallValue } from '../tools/types';
import { seededRandom } from '../lib/random';

export interface Intent {
  /** One complete sentence (or question) asking for one call. */
  q: string;
  args: Record<string, CallValue>;
}

export type IntentGen = (r: Rng) => Intent;

/** Mulberry32: small, fast, and the same sequence on every platform. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
  /** `n` distinct items. */
  sample<T>(xs: readonly T[], n: number): T[] {
    return this.shuffle(xs).slice(0, n);
  }
}

/** One of the phrasings, with the arguments they all share. */
export function say(r: Rng, forms: readonly string[], args: Record<string, CallValue>): Intent {
  return { q: r.pick(forms), args };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface SpokenDate {
  iso: string;
  say: string;
}

/** A real date in 2026–2027, said as ISO or in words. */
export function date(r: Rng, years: readonly number[] = [2026, 2027]): SpokenDate {
  const y = r.pick(years);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const month = MONTHS[m - 1] as string;
  const form = r.int(0, 2);
  return { iso, say: form === 0 ? iso : form === 1 ? `${month} ${d}, ${y}` : `${d} ${month} ${y}` };
}

/** A date `days` after `from` (ISO in, spoken out). */
export function dateAfter(r: Rng, from: SpokenDate, days: number): SpokenDate {
  const t = Date.UTC(Number(from.iso.slice(0, 4)), Number(from.iso.slice(5, 7)) - 1, Number(from.iso.slice(8, 10))) + days * 86400000;
  const dt = new Date(t);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth() + 1;
  const d = dt.getUTCDate();
  const iso = dt.toISOString().slice(0, 10);
  const form = r.int(0, 2);
  return { iso, say: form === 0 ? iso : form === 1 ? `${MONTHS[m - 1]} ${d}, ${y}` : `${d} ${MONTHS[m - 1]} ${y}` };
}

export interface SpokenTime {
  hhmm: string;
  say: string;
}

/** A clock time on the quarter hour, said as 24h or am/pm. */
export function time(r: Rng, from = 6, to = 22): SpokenTime {
  const h = r.int(from, to);
  const m = r.pick([0, 0, 15, 30, 45]);
  const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  if (r.chance(0.5)) return { hhmm, say: hhmm };
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const suffix = h < 12 ? 'am' : 'pm';
  return { hhmm, say: m === 0 ? `${h12} ${suffix}` : `${h12}:${String(m).padStart(2, '0')} ${suffix}` };
}

/** A number with one decimal now and then. */
export function amount(r: Rng, lo: number, hi: number, decimals = false): number {
  const n = r.int(lo, hi);
  return decimals && r.chance(0.4) ? n + r.pick([0.5, 0.25, 0.75, 0.99]) : n;
}

export const CITIES = [
  'Paris',
  'Tokyo',
  'Berlin',
  'Lima',
  'Cairo',
  'Oslo',
  'Seattle',
  'Toronto',
  'Madrid',
  'Rome',
  'Nairobi',
  'Sydney',
  'Denver',
  'Boston',
  'Mumbai',
  'Dublin',
  'Vienna',
  'Prague',
  'Lisbon',
  'Austin',
  'Chicago',
  'Seoul',
  'Athens',
  'Helsinki',
];
export const COUNTRIES = [
  'France',
  'Japan',
  'Germany',
  'Peru',
  'Egypt',
  'Norway',
  'Canada',
  'Spain',
  'Italy',
  'Kenya',
  'Australia',
  'India',
  'Ireland',
  'Brazil',
  'Mexico',
  'Thailand',
  'Vietnam',
  'Chile',
  'Morocco',
  'Iceland',
];
export const NATIONALITIES = [
  'United States',
  'India',
  'Brazil',
  'Germany',
  'Nigeria',
  'China',
  'Mexico',
  'United Kingdom',
  'Philippines',
  'Turkey',
];
export const PEOPLE = ['Sam', 'Priya', 'Lena', 'Marco', 'Aisha', 'Tom', 'Yuki', 'Carlos', 'Nora', 'Omar', 'Grace', 'Ivan'];
export const SURNAMES = ['Lee', 'Patel', 'Novak', 'Rossi', 'Khan', 'Berg', 'Sato', 'Diaz', 'Moreau', 'Okafor'];
export const PHONES = ['555-0142', '555-0199', '555-0123', '555-0187', '555-0166', '+44 20 7946 0018', '+1 415 555 0134', '555-0110'];

export function email(r: Rng): { name: string; address: string } {
  const name = r.pick(PEOPLE);
  return { name, address: `${name.toLowerCase()}@${r.pick(['example.com', 'mail.test', 'work.test'])}` };
}

/** Upper-cases the first letter. */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
