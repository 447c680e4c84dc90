import type { GenerationBackend, SamplingSettings } from '../inference/backend';
import { invocationPrompt, refinementPrompt } from '../subtasks/builders';
import type { Verdict } from '../subtasks/types';
import { parseOutput, verifyFormat, verifySchema } from '../subtasks/verify';
import type { ToolDef } from '../tools/types';

/**
 * Adaptive self-refinement at inference (ToolACE-R): answer once, then ask the model to refine its answer;
 * stop as soon as two consecutive canonical answers are equal, or after `maxRefinements` (default 3).
 * Every step is kept (input, output, canonical form, verdicts, tokens, time) so it can be stored as a trace.
 * `mode: 'fixed'` always does `maxRefinements` refinements (the ablation).
 */

export type StopReason = 'converged' | 'max_refinements' | 'no_refinement';

/** Canonical key of an output; an unparseable output has a key of its own that never equals another. */
export function stepKey(text: string, seq: number): string {
  const p = parseOutput(text);
  return p.ok ? p.key : `\u0000unparsed#${seq}`;
}

/**
 * The stop rule on a sequence of canonical keys (answer, refinement 1, refinement 2, …): the number of
 * steps taken and why it stopped. Keys from unparseable outputs must be distinct (see `stepKey`).
 */
export function stopAfter(
  keys: readonly string[],
  maxRefinements: number,
  mode: 'adaptive' | 'fixed' = 'adaptive',
): { steps: number; reason: StopReason } | null {
  if (maxRefinements <= 0) return keys.length >= 1 ? { steps: 1, reason: 'no_refinement' } : null;
  for (let i = 1; i < keys.length; i++) {
    if (mode === 'adaptive' && keys[i] === keys[i - 1]) return { steps: i + 1, reason: 'converged' };
    if (i >= maxRefinements) return { steps: i + 1, reason: 'max_refinements' };
  }
  return null; // needs another step
}

export interface RefineStep {
  seq: number;
  input: string;
  output: string;
  canonical: string | null;
  verdicts: Verdict[];
  tokens: number;
  ms: number;
}

export interface RefineTrace {
  query: string;
  tools: ToolDef[];
  steps: RefineStep[];
  stopReason: StopReason;
  /** The answer returned: the last step's output. */
  finalText: string;
  /** Whether the final canonical answer differs from the first answer's. */
  changed: boolean;
  totalTokens: number;
  totalMs: number;
  templateHash: string;
}

export interface RefineOptions {
  maxRefinements?: number;
  mode?: 'adaptive' | 'fixed';
  sampling?: SamplingSettings;
  constrain?: 'calls' | 'none';
  /** Use this as the first answer instead of generating one. */
  firstAnswer?: string;
  signal?: AbortSignal;
}

export const REFINE_SAMPLING: SamplingSettings = { temperature: 0, maxTokens: 256 };

function describeInput(messages: { role: string; content: string }[]): string {
  return messages.map((m) => `${m.role}: ${m.content}`).join('\n');
}

export async function refineAdaptive(
  backend: GenerationBackend,
  query: string,
  tools: ToolDef[],
  options: RefineOptions = {},
): Promise<RefineTrace> {
  const max = options.maxRefinements ?? 3;
  const mode = options.mode ?? 'adaptive';
  const sampling = options.sampling ?? REFINE_SAMPLING;
  const steps: RefineStep[] = [];
  const keys: string[] = [];
  let templateHash = '';
  const record = (seq: number, input: string, output: string, tokens: number, ms: number) => {
    const p = parseOutput(output);
    const verdicts: Verdict[] = [verifyFormat(output)];
    if (p.ok) verdicts.push(verifySchema(p.calls, tools));
    steps.push({ seq, input, output, canonical: p.ok ? p.key : null, verdicts, tokens, ms });
    keys.push(stepKey(output, seq));
  };
  const generate = async (prompt: ReturnType<typeof invocationPrompt>) => {
    const r = await backend.generate({
      messages: prompt.messages,
      tools: prompt.tools,
      k: 1,
      sampling,
      constrain: options.constrain ?? 'none',
      signal: options.signal,
    });
    templateHash = r.templateHash;
    return { text: r.outputs[0]?.text ?? '', tokens: (r.outputs[0]?.tokens ?? 0) + r.promptTokens, ms: r.ms };
  };
  const first = invocationPrompt(query, tools);
  if (options.firstAnswer !== undefined) {
    record(0, describeInput(first.messages), options.firstAnswer, 0, 0);
  } else {
    const r = await generate(first);
    record(0, describeInput(first.messages), r.text, r.tokens, r.ms);
  }
  let stop = stopAfter(keys, max, mode);
  while (!stop) {
    const prompt = refinementPrompt(query, tools, steps[steps.length - 1]!.output.trim());
    const r = await generate(prompt);
    record(steps.length, describeInput(prompt.messages), r.text, r.tokens, r.ms);
    stop = stopAfter(keys, max, mode);
  }
  const last = steps[steps.length - 1]!;
  return {
    query,
    tools,
    steps,
    stopReason: stop.reason,
    finalText: last.output,
    changed: keys[0] !== keys[keys.length - 1],
    totalTokens: steps.reduce((a, s) => a + s.tokens, 0),
    totalMs: steps.reduce((a, s) => a + s.ms, 0),
    templateHash,
  };
}
