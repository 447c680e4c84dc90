import { parseCalls } from '../tools/call-parse';
import { canonicalKey } from '../tools/canonical';
import { checkCalls } from '../tools/schema-check';
import type { Call, ToolDef } from '../tools/types';
import type { Verdict } from './types';

/**
 * The automatic verifiers of method.md, each returning a verdict with its reason: format (the output
 * parses as a call list, or is an answer in words), schema (functions exist, arguments declared, required
 * present, types and enums respected), self-consistency (the canonical majority's vote share reaches the
 * threshold) and execution (the call runs in the sandbox without error; see `execution.ts`).
 */

export type ParsedOutput = { ok: true; calls: Call[]; key: string; words: boolean } | { ok: false; reason: string };

/** Parses one model output; an answer in words is a valid output with no calls (`key` = "[]"). */
export function parseOutput(text: string): ParsedOutput {
  const parsed = parseCalls(text);
  if (!parsed.ok) return { ok: false, reason: `${parsed.error.kind} at ${parsed.error.position}: ${parsed.error.message}` };
  return { ok: true, calls: parsed.calls, key: canonicalKey(parsed.calls), words: parsed.format === 'empty' };
}

/**
 * Whether text reads as language (an answer in words, a user query): at least three tokens, most of them
 * words of letters. Keeps a model's noise from passing as a refusal or a query.
 */
export function looksLikeWords(text: string): boolean {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length < 3) return false;
  const words = tokens.filter((t) => /^[("'¿¡]?\p{L}[\p{L}'’-]*[)"'.,!?:;]*$/u.test(t));
  return words.length / tokens.length >= 0.7;
}

/** The canonical key of a well-formed answer (a call list, or words that read as language); null otherwise. */
export function answerKey(text: string): string | null {
  const p = parseOutput(text);
  if (!p.ok || (p.words && !looksLikeWords(text))) return null;
  return p.key;
}

export function verifyFormat(text: string): Verdict {
  const p = parseOutput(text);
  if (!p.ok) return { verifier: 'format', passed: false, reason: `does not parse as a call list: ${p.reason}` };
  if (p.words && !looksLikeWords(text))
    return { verifier: 'format', passed: false, reason: 'neither a call list nor an answer in words (the text does not read as language)' };
  return {
    verifier: 'format',
    passed: true,
    reason: p.words ? 'an answer in words (no call)' : `parses as ${p.calls.length} call${p.calls.length === 1 ? '' : 's'}`,
  };
}

export function verifySchema(calls: Call[], tools: ToolDef[]): Verdict {
  const problems = checkCalls(calls, tools);
  if (problems.length === 0)
    return { verifier: 'schema', passed: true, reason: calls.length ? 'every call matches its tool' : 'no call to check' };
  return { verifier: 'schema', passed: false, reason: problems.map((p) => p.message).join('; '), details: problems };
}

export interface VoteResult {
  /** Canonical key of the majority answer; null when no output parsed. */
  key: string | null;
  /** The majority's calls (from its first occurrence). */
  calls: Call[] | null;
  /** Index of the first output with the majority answer. */
  index: number;
  /** Majority count / all k outputs (unparseable ones count against it). */
  share: number;
  count: number;
  k: number;
  /** Count per canonical key, most frequent first. */
  tally: { key: string; count: number }[];
}

/**
 * Self-consistency vote over k outputs: groups by canonical form (never raw text) and picks the largest
 * group; a tie goes to the answer seen first. The share is over all k outputs, so k garbled samples and
 * one parsed one give a share of 1/k.
 */
export function vote(texts: readonly string[]): VoteResult {
  const groups = new Map<string, { count: number; first: number; calls: Call[] }>();
  texts.forEach((text, i) => {
    const p = parseOutput(text);
    if (!p.ok) return;
    const g = groups.get(p.key);
    if (g) g.count++;
    else groups.set(p.key, { count: 1, first: i, calls: p.calls });
  });
  const tally = [...groups.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
    .map(([key, g]) => ({ key, count: g.count }));
  const top = tally[0];
  if (!top) return { key: null, calls: null, index: -1, share: 0, count: 0, k: texts.length, tally };
  const g = groups.get(top.key)!;
  return {
    key: top.key,
    calls: g.calls,
    index: g.first,
    share: texts.length ? top.count / texts.length : 0,
    count: top.count,
    k: texts.length,
    tally,
  };
}

export function verifyConsistency(result: VoteResult, threshold: number): Verdict {
  const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
  const details = { share: result.share, count: result.count, k: result.k, threshold, tally: result.tally };
  if (result.key === null) return { verifier: 'consistency', passed: false, reason: `none of the ${result.k} samples parsed`, details };
  const passed = result.share >= threshold;
  return {
    verifier: 'consistency',
    passed,
    reason: `majority answer in ${result.count} of ${result.k} samples (${pct(result.share)}) ${passed ? '≥' : '<'} threshold ${pct(threshold)}`,
    details,
  };
}

/** Verifies a tool-generation output: the rule checks of tool-making, as one schema verdict. */
export function verifyToolsText(parse: { ok: true; tools: ToolDef[] } | { ok: false; reason: string }): Verdict[] {
  if (!parse.ok) {
    const isJson = /JSON|no JSON/.test(parse.reason);
    return isJson
      ? [{ verifier: 'format', passed: false, reason: parse.reason }]
      : [
          { verifier: 'format', passed: true, reason: 'valid JSON' },
          { verifier: 'schema', passed: false, reason: parse.reason },
        ];
  }
  return [
    { verifier: 'format', passed: true, reason: 'valid JSON' },
    {
      verifier: 'schema',
      passed: true,
      reason: `${parse.tools.length} valid tool definition${parse.tools.length === 1 ? '' : 's'} (unique names, required ⊆ properties, known types)`,
    },
  ];
}

export function allPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((v) => v.passed);
}

/** The first failing verdict's reason (what a rejected sample is marked with). */
export function rejectionReason(verdicts: readonly Verdict[]): string | null {
  const bad = verdicts.find((v) => !v.passed);
  return bad ? `${bad.verifier}: ${bad.reason}` : null;
}
