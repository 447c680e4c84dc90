import { describe, expect, it } from 'vitest';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { OUT_OF_SCOPE } from '../../resources/seed/intents';
import { loadSeedSamples, POOL_DOMAIN_GROUPS, REFUSAL, SEED_CATEGORIES, seedSampleTools } from '../../src/main/engine/pool/seed';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { canonicalKey } from '../../src/main/engine/tools/canonical';
import { checkCalls } from '../../src/main/engine/tools/schema-check';
import { ungroundedArguments } from './grounding';

describe('seed samples', () => {
  const samples = loadSeedSamples();

  it('number at least 300 and cover all five categories', () => {
    const counts = Object.fromEntries(SEED_CATEGORIES.map((c) => [c, samples.filter((s) => s.category === c).length]));
    console.log('seed samples:', samples.length, counts);
    expect(samples.length).toBeGreaterThanOrEqual(300);
    for (const c of SEED_CATEGORIES) expect(counts[c], c).toBeGreaterThanOrEqual(40);
  });

  it('are deterministic', () => {
    const again = loadSeedSamples([...loadBuiltinPool()]);
    expect(again.map((s) => [s.id, s.query, s.target])).toEqual(samples.map((s) => [s.id, s.query, s.target]));
  });

  it('have unique ids and unique queries', () => {
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
    expect(new Set(samples.map((s) => s.query)).size).toBe(samples.length);
  });

  it("every sample's calls pass the schema check against its tools", () => {
    for (const s of samples) {
      const verdicts = checkCalls(s.calls, seedSampleTools(s));
      expect(
        verdicts.map((v) => v.message),
        `${s.id}: ${s.query}`,
      ).toEqual([]);
    }
  });

  it('every argument value appears in (or follows from) the query', () => {
    const problems: string[] = [];
    for (const s of samples) {
      const tools = new Map(seedSampleTools(s).map((t) => [t.name, t]));
      for (const c of s.calls)
        for (const p of ungroundedArguments(s.query, c, tools.get(c.name)!)) problems.push(`${s.id} "${s.query}": ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('has the shape of its category', () => {
    for (const s of samples) {
      const names = new Set(s.calls.map((c) => c.name));
      switch (s.category) {
        case 'simple':
          expect(s.tools.length).toBe(1);
          expect(s.calls.length).toBe(1);
          break;
        case 'multiple':
          expect(s.tools.length).toBeGreaterThan(1);
          expect(s.calls.length).toBe(1);
          break;
        case 'parallel':
          expect(s.tools.length).toBe(1);
          expect(s.calls.length).toBeGreaterThanOrEqual(2);
          expect(new Set(s.calls.map((c) => canonicalKey([c]))).size).toBe(s.calls.length);
          break;
        case 'parallel_multiple':
          expect(s.calls.length).toBeGreaterThanOrEqual(2);
          expect(names.size).toBeGreaterThanOrEqual(2);
          break;
        case 'irrelevance':
          expect(s.calls).toEqual([]);
          expect(s.target).toBe(REFUSAL);
          expect(s.tools.length).toBeGreaterThan(0);
          break;
      }
      for (const name of names) expect(s.tools).toContain(name);
    }
  });

  it('targets are canonical call text that parses back to the calls', () => {
    for (const s of samples.filter((x) => x.calls.length)) {
      const parsed = parseCalls(s.target);
      expect(parsed.ok, s.target).toBe(true);
      if (parsed.ok) expect(canonicalKey(parsed.calls)).toBe(canonicalKey(s.calls));
    }
  });

  it('an irrelevance query is never served by a tool of its own request template', () => {
    // The query of an irrelevance sample must not be one that a seed sample answers with an offered tool.
    const servedBy = new Map<string, Set<string>>();
    for (const s of samples) for (const c of s.calls) servedBy.set(s.query, new Set([...(servedBy.get(s.query) ?? []), c.name]));
    for (const s of samples.filter((x) => x.category === 'irrelevance')) {
      for (const t of s.tools) expect(servedBy.get(s.query)?.has(t) ?? false, `${s.id}: ${s.query}`).toBe(false);
    }
  });

  it('an irrelevance query comes from a domain unrelated to every offered tool', () => {
    const pool = new Map(loadBuiltinPool().map((t) => [t.name, t]));
    const group = (name: string) => POOL_DOMAIN_GROUPS.findIndex((g) => g.includes(pool.get(name)!.domain));
    for (const d of new Set(loadBuiltinPool().map((t) => t.domain))) expect(POOL_DOMAIN_GROUPS.flat(), d).toContain(d);
    const irrelevance = samples.filter((x) => x.category === 'irrelevance');
    expect(irrelevance.filter((s) => s.source).length).toBeGreaterThan(irrelevance.length / 2);
    for (const s of irrelevance.filter((x) => x.source)) {
      for (const t of s.tools) expect(group(t), `${s.id}: ${s.query} offered ${t}`).not.toBe(group(s.source!));
    }
    for (const s of irrelevance.filter((x) => !x.source)) expect(OUT_OF_SCOPE, s.id).toContain(s.query);
  });

  it('uses every tool of the pool at least twice', () => {
    const used = new Map<string, number>();
    for (const s of samples) for (const c of s.calls) used.set(c.name, (used.get(c.name) ?? 0) + 1);
    const rare = loadBuiltinPool()
      .filter((t) => (used.get(t.name) ?? 0) < 2)
      .map((t) => t.name);
    expect(rare).toEqual([]);
  });

  it('keeps queries short for a small character-level model', () => {
    const lengths = samples.map((s) => s.query.length).sort((a, b) => a - b);
    const median = lengths[Math.floor(lengths.length / 2)]!;
    console.log(`query length: median ${median}, max ${lengths.at(-1)}`);
    expect(median).toBeLessThanOrEqual(120);
    expect(lengths.at(-1)!).toBeLessThanOrEqual(400);
  });
});
