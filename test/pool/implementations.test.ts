import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { loadSeedSamples } from '../../src/main/engine/pool/seed';
import { Sandbox } from '../../src/main/engine/lib/sandbox';

const sandbox = new Sandbox();
afterAll(() => sandbox.close());

const pool = loadBuiltinPool();
const byName = new Map(pool.map((t) => [t.name, t]));
const run = (name: string, args: unknown) => sandbox.run(byName.get(name)!.implementation!, args);

describe('tool implementations in the sandbox', () => {
  it("every implemented tool runs on every seed sample's calls of it without error", async () => {
    const calls = loadSeedSamples()
      .flatMap((s) => s.calls)
      .filter((c) => byName.get(c.name)?.implementation);
    const covered = new Set(calls.map((c) => c.name));
    const implemented = pool.filter((t) => t.implementation).map((t) => t.name);
    // Each implemented tool is exercised by the seed data.
    expect(implemented.filter((n) => !covered.has(n))).toEqual([]);
    const failures: string[] = [];
    const t0 = performance.now();
    for (const call of calls) {
      const r = await run(call.name, call.args);
      if (!r.ok) failures.push(`${call.name}(${JSON.stringify(call.args)}): ${r.reason}: ${r.message}`);
    }
    console.log(`${calls.length} seed calls of ${covered.size} implemented tools ran in ${Math.round(performance.now() - t0)} ms`);
    expect(failures).toEqual([]);
  });

  it('compute the right answers on known cases', async () => {
    const cases: [string, unknown, unknown][] = [
      ['math.factorial', { number: 5 }, { number: 5, factorial: 120 }],
      ['math.gcd', { a: 84, b: 36 }, { gcd: 12 }],
      ['math.lcm', { a: 4, b: 6 }, { lcm: 12 }],
      ['is_prime', { number: 97 }, { number: 97, prime: true }],
      ['fibonacci', { n: 10 }, { n: 10, value: 55 }],
      ['solve_quadratic', { a: 1, b: -3, c: 2 }, { roots: [1, 2], discriminant: 1 }],
      ['calculate_statistics', { numbers: [1, 2, 3, 4], measure: 'median' }, { measure: 'median', value: 2.5, count: 4 }],
      ['convert_length', { value: 1, from_unit: 'mi', to_unit: 'km' }, { value: 1.609344, unit: 'km' }],
      ['convert_temperature', { value: 100, from_unit: 'celsius', to_unit: 'fahrenheit' }, { value: 212, unit: 'fahrenheit' }],
      ['convert_data_size', { value: 2, from_unit: 'GB', to_unit: 'MB' }, { value: 2048, unit: 'MB' }],
      ['convert_currency', { amount: 100, from_currency: 'USD', to_currency: 'EUR' }, { amount: 92, currency: 'EUR' }],
      ['calculate_tip', { bill_amount: 100, tip_percent: 20, split: 4 }, { tip: 20, total: 120, per_person: 30 }],
      ['add_days', { date: '2026-02-27', days: 2 }, { date: '2026-03-01', weekday: 'Sunday' }],
      ['days_between', { start_date: '2026-01-01', end_date: '2027-01-01' }, { days: 365 }],
      ['get_weekday', { date: '2026-07-04' }, { weekday: 'Saturday' }],
      ['convert_timezone', { time: '23:30', from_tz: 'UTC', to_tz: 'Tokyo' }, { time: '08:30', day_shift: 1 }],
      ['is_leap_year', { year: 1900 }, { year: 1900, leap: false }],
      ['calculate_age', { birth_date: '1990-06-15', on_date: '2026-06-14' }, { age: 35 }],
      ['count_words', { text: 'small models can learn tools' }, { words: 5 }],
      ['change_case', { text: 'hello world', case: 'title' }, { text: 'Hello World' }],
      ['is_palindrome', { text: 'Never odd or even' }, { palindrome: true }],
      ['make_slug', { text: 'Ten Tips for Better Sleep' }, { slug: 'ten-tips-for-better-sleep' }],
      ['list_directory', { path: '/recipes' }, { path: '/recipes', entries: ['pancakes.txt', 'soup.txt'] }],
      ['move_file', { source: '/photos/cat.png', destination: '/archive' }, { moved: '/photos/cat.png', to: '/archive/cat.png' }],
      ['calculate_discount', { price: 80, discount_percent: 25 }, { final_price: 60, saved: 20 }],
    ];
    for (const [name, args, expected] of cases) {
      const r = await run(name, args);
      expect(r.ok ? r.result : r, `${name}(${JSON.stringify(args)})`).toEqual(expected);
    }
  });

  it('reject invalid calls with an error verdict the execution verifier can store', async () => {
    const bad: [string, unknown][] = [
      ['read_file', { path: '/nope.txt' }],
      ['convert_currency', { amount: 5, from_currency: 'XYZ', to_currency: 'EUR' }],
      ['add_days', { date: '2026-02-30', days: 1 }],
      ['math.factorial', { number: -3 }],
      ['convert_timezone', { time: '25:00', from_tz: 'UTC', to_tz: 'Paris' }],
    ];
    for (const [name, args] of bad) {
      const r = await run(name, args);
      expect(r, name).toMatchObject({ ok: false, reason: 'error' });
    }
  });
});
