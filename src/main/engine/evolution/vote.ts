import type { Verdict } from '../subtasks/types';
import { verifyConsistency, verifyFormat, verifySchema, vote } from '../subtasks/verify';
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

export function voteOnSamples(outputs: readonly string[], tools: readonly ToolDef[], threshold: number): VoteDecision {
  if (outputs.length === 0) throw new Error('voteOnSamples needs at least one answer');
  const v = vote(outputs);
  // Nothing parsed: the first answer stands for the sample, so its rejection shows what the model wrote.
  const chosen = v.index >= 0 ? outputs[v.index]! : outputs[0]!;
  const verdicts: Verdict[] = [verifyFormat(chosen)];
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
