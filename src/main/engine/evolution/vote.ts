import type { Verdict } from '../subtasks/types';
import { parseOutput, verifyConsistency, verifyFormat, verifySchema, vote, type VoteResult } from '../subtasks/verify';
import { canonicalCall, canonicalKey } from '../tools/canonical';
import { printCalls } from '../tools/call-print';
import type { Call, ToolDef } from '../tools/types';

/**
 * Self-consistency voting over the k answers a model gave to one tool-using prompt (method.md, step 4):
 * the majority canonical answer becomes the sample, checked for format and schema, with its vote share as
 * its confidence and the consistency verdict (share ≥ threshold). Pure: the execution verifier, which
 * runs tools in a sandbox, is the verify step's.
 */

export interface VoteDecision {
  /** The answer the sample keeps: the majority's call list printed canonically, or the words as given. */
  outputText: string;
  /** The majority's calls; null for an answer in words (or when nothing parsed). */
  calls: Call[] | null;
  /** Majority count / k (unparseable answers count against it). */
  share: number;
  /** format, schema (when something parsed) and consistency, in that order. */
  verdicts: Verdict[];
  /** BFCL category of the voted answer for the tools offered. */
  category: string;
}

/** BFCL category of a call list for the tools offered. */
export function categoryOf(calls: Call[] | null, toolCount: number): string {
  if (!calls || calls.length === 0) return 'irrelevance';
  if (calls.length === 1) return toolCount > 1 ? 'multiple' : 'simple';
  return new Set(calls.map((c) => c.name)).size === 1 && toolCount === 1 ? 'parallel' : 'parallel_multiple';
}

/**
 * 'answer' (method.md): the most frequent whole answer wins. 'per-call' (ours): each call is voted on by
 * itself, and the answer is every call that a `threshold` share of the samples made — so a request that
 * asks for several things keeps the calls most samples agree on even when no two samples agree on the whole
 * list (a weak model's parallel answers), and the share is the weakest kept call's.
 */
export type VoteMode = 'answer' | 'per-call';

export function voteOnSamples(
  outputs: readonly string[],
  tools: readonly ToolDef[],
  threshold: number,
  mode: VoteMode = 'answer',
): VoteDecision {
  if (outputs.length === 0) throw new Error('voteOnSamples needs at least one answer');
  const v = mode === 'per-call' ? (perCallVote(outputs, threshold) ?? vote(outputs)) : vote(outputs);
  // Nothing parsed: the first answer stands for the sample, so its rejection shows what the model wrote.
  const chosen = v.index >= 0 ? outputs[v.index]! : outputs[0]!;
  // A per-call answer may be no single sample's text: its format is checked on the calls it keeps.
  const verdicts: Verdict[] = [verifyFormat(mode === 'per-call' && v.calls && v.calls.length > 0 ? printCalls(v.calls) : chosen)];
  if (v.calls) verdicts.push(verifySchema(v.calls, [...tools]));
  verdicts.push(verifyConsistency(v, threshold));
  const calls = v.calls && v.calls.length > 0 ? v.calls : null;
  return {
    outputText: calls ? printCalls(calls) : chosen.trim(),
    calls,
    share: v.share,
    verdicts,
    category: categoryOf(calls, tools.length),
  };
}

/** The per-call vote as a vote result (null when no call reaches the threshold: the answer vote decides). */
export function perCallVote(outputs: readonly string[], threshold: number): VoteResult | null {
  const counts = new Map<string, { count: number; call: Call; order: number }>();
  let order = 0;
  outputs.forEach((text) => {
    const p = parseOutput(text);
    if (!p.ok) return;
    // A call counts once per sample, however often that sample repeats it.
    for (const call of new Map(p.calls.map((c) => [canonicalCall(c), c]))) {
      const g = counts.get(call[0]);
      if (g) g.count++;
      else counts.set(call[0], { count: 1, call: call[1], order: order++ });
    }
  });
  const kept = [...counts.values()].filter((g) => g.count / outputs.length >= threshold).sort((a, b) => a.order - b.order);
  if (kept.length === 0) return null;
  const calls = kept.map((g) => g.call);
  const count = Math.min(...kept.map((g) => g.count));
  const key = canonicalKey(calls);
  const whole = vote(outputs);
  // The sample to show as the source: one that made exactly this answer, else the first that parsed.
  const index = outputs.findIndex((t) => {
    const p = parseOutput(t);
    return p.ok && p.key === key;
  });
  return {
    key,
    calls,
    index: index >= 0 ? index : whole.index,
    share: count / outputs.length,
    count,
    k: outputs.length,
    tally: whole.tally,
  };
}
