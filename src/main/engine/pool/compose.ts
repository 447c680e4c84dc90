/**
 * Composes single-call intents into tool-use samples of BFCL's five single-turn categories:
 * - simple: one tool offered, one call;
 * - multiple: several tools offered (mostly from the same domain), one call;
 * - parallel: one tool offered, two or three calls of it;
 * - parallel_multiple: several tools offered, calls of two or more of them;
 * - irrelevance: tools offered that cannot serve the request; the target is a refusal in words.
 * Deterministic for a given seed; queries are unique within a run and never in `exclude`.
 */
import { printCalls } from '../tools/call-print';
import { canonicalKey } from '../tools/canonical';
import type { Call, ToolDef } from '../tools/types';
import { cap, Rng, type Intent, type IntentGen } from './intent-kit';

export const SEED_CATEGORIES = ['simple', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'] as const;
export type SeedCategory = (typeof SEED_CATEGORIES)[number];

/** The refusal every irrelevance sample targets (one fixed sentence, easy for a small model to learn). */
export const REFUSAL = 'None of the available tools can help with this request.';

export interface ComposeTool {
  name: string;
  domain: string;
  def: ToolDef;
}

export interface ComposedSample {
  category: SeedCategory;
  query: string;
  /** Names of the tools offered, in the order offered. */
  tools: string[];
  /** The calls that serve the query, in the order asked; empty for irrelevance. */
  calls: Call[];
  /** Canonical call text (`[f(a=1)]`), or the refusal in words for irrelevance. */
  target: string;
  /** Irrelevance only: the tool whose request template wrote the query (absent for out-of-scope requests). */
  source?: string;
}

export interface ComposeOptions {
  seed: number;
  counts: Record<SeedCategory, number>;
  tools: ComposeTool[];
  intents: Record<string, IntentGen>;
  /** Groups of related domains: an irrelevance query never comes from the offered tools' group. */
  domainGroups: string[][];
  /** Requests no tool can serve at all. */
  outOfScope: string[];
  /** Queries that must not be produced (e.g. the seed set, when building an evaluation set). */
  exclude?: ReadonlySet<string>;
}

const CONNECTORS = ['Also, ', 'And ', 'Then ', 'Plus, ', ''];

/** Lower-cases a sentence's first word when it is an ordinary capitalised word (not "I", not a name). */
function lowerFirst(s: string, names: ReadonlySet<string>): string | undefined {
  const m = /^([A-Z][a-z']+)\b/.exec(s);
  if (!m || names.has(m[1] as string) || (m[1] as string).startsWith("I'")) return undefined;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function joinRequests(r: Rng, parts: string[], names: ReadonlySet<string> = new Set()): string {
  let out = parts[0] as string;
  for (const part of parts.slice(1)) {
    const connector = r.pick(CONNECTORS);
    const lowered = connector === '' ? undefined : lowerFirst(part, names);
    out += lowered === undefined ? ` ${part}` : ` ${connector}${lowered}`;
  }
  return out;
}

export function composeSamples(options: ComposeOptions): ComposedSample[] {
  const r = new Rng(options.seed);
  const tools = options.tools.filter((t) => options.intents[t.name]);
  const missing = options.tools.filter((t) => !options.intents[t.name]).map((t) => t.name);
  if (missing.length) throw new Error(`no request template for: ${missing.join(', ')}`);
  const byDomain = new Map<string, ComposeTool[]>();
  for (const t of tools) byDomain.set(t.domain, [...(byDomain.get(t.domain) ?? []), t]);
  const groupOf = new Map<string, number>();
  options.domainGroups.forEach((g, i) => g.forEach((d) => groupOf.set(d, i)));
  for (const d of byDomain.keys()) if (!groupOf.has(d)) groupOf.set(d, options.domainGroups.length + groupOf.size);
  const seen = new Set<string>(options.exclude ?? []);
  const names = new Set<string>();
  const out: ComposedSample[] = [];

  const intent = (t: ComposeTool): Intent => (options.intents[t.name] as IntentGen)(r);
  const toCall = (t: ComposeTool, i: Intent): Call => ({ name: t.name, args: i.args });
  const domainOthers = (t: ComposeTool) => (byDomain.get(t.domain) ?? []).filter((o) => o.name !== t.name);
  const distractors = (avoid: ComposeTool[], n: number, prefer: ComposeTool[]) => {
    const taken = new Set(avoid.map((t) => t.name));
    const pool = [...r.shuffle(prefer), ...r.shuffle(tools)].filter((t) => !taken.has(t.name) && (taken.add(t.name), true));
    return pool.slice(0, n);
  };
  /** Tries `make` until it yields an unseen query (or gives up on this slot). */
  const add = (category: SeedCategory, make: () => Omit<ComposedSample, 'category' | 'target'> | undefined) => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const s = make();
      if (!s || seen.has(s.query)) continue;
      seen.add(s.query);
      out.push({ category, ...s, target: s.calls.length ? printCalls(s.calls) : REFUSAL });
      return true;
    }
    return false;
  };
  const cycle = (n: number, each: (t: ComposeTool) => boolean) => {
    let order = r.shuffle(tools);
    let made = 0;
    for (let i = 0; made < n && i < n * 4; i++) {
      if (i > 0 && i % order.length === 0) order = r.shuffle(tools);
      if (each(order[i % order.length] as ComposeTool)) made++;
    }
  };

  cycle(options.counts.simple, (t) =>
    add('simple', () => {
      const i = intent(t);
      return { query: cap(i.q), tools: [t.name], calls: [toCall(t, i)] };
    }),
  );

  cycle(options.counts.multiple, (t) =>
    add('multiple', () => {
      const i = intent(t);
      const extra = distractors([t], r.int(1, 3), domainOthers(t));
      return { query: cap(i.q), tools: r.shuffle([t, ...extra]).map((x) => x.name), calls: [toCall(t, i)] };
    }),
  );

  cycle(options.counts.parallel, (t) =>
    add('parallel', () => {
      const n = r.chance(0.25) ? 3 : 2;
      const intents: Intent[] = [];
      const keys = new Set<string>();
      for (let k = 0; k < n * 4 && intents.length < n; k++) {
        const i = intent(t);
        const key = canonicalKey([toCall(t, i)]);
        if (!keys.has(key) && !intents.some((x) => x.q === i.q)) {
          keys.add(key);
          intents.push(i);
        }
      }
      if (intents.length < 2) return undefined;
      return {
        query: joinRequests(
          r,
          intents.map((i) => cap(i.q)),
          names,
        ),
        tools: [t.name],
        calls: intents.map((i) => toCall(t, i)),
      };
    }),
  );

  cycle(options.counts.parallel_multiple, (t) =>
    add('parallel_multiple', () => {
      const sameDomain = r.chance(0.5) && domainOthers(t).length > 0;
      const second = sameDomain ? r.pick(domainOthers(t)) : r.pick(tools.filter((o) => o.name !== t.name));
      const picks: ComposeTool[] = [t, second];
      if (r.chance(0.25)) picks.push(r.chance(0.5) ? t : r.pick(tools.filter((o) => o.name !== t.name && o.name !== second.name)));
      const intents = picks.map((p) => intent(p));
      const calls = picks.map((p, k) => toCall(p, intents[k] as Intent));
      if (new Set(calls.map((c) => canonicalKey([c]))).size !== calls.length) return undefined;
      const offered = [...new Map(picks.map((p) => [p.name, p])).values()];
      const extra = r.chance(0.4) ? distractors(offered, 1, domainOthers(t)) : [];
      return {
        query: joinRequests(
          r,
          intents.map((i) => cap(i.q)),
          names,
        ),
        tools: r.shuffle([...offered, ...extra]).map((x) => x.name),
        calls,
      };
    }),
  );

  const domains = [...byDomain.keys()];
  for (let made = 0, i = 0; made < options.counts.irrelevance && i < options.counts.irrelevance * 4; i++) {
    const ok = add('irrelevance', () => {
      const domain = r.pick(domains);
      const offered = r.sample(byDomain.get(domain) as ComposeTool[], r.int(1, 3));
      if (r.chance(0.3) && options.outOfScope.length)
        return { query: r.pick(options.outOfScope), tools: offered.map((x) => x.name), calls: [] };
      const far = tools.filter((x) => groupOf.get(x.domain) !== groupOf.get(domain));
      if (far.length === 0) return undefined;
      const from = r.pick(far);
      return { query: cap(intent(from).q), tools: offered.map((x) => x.name), calls: [], source: from.name };
    });
    if (ok) made++;
  }
  return out;
}
