import { refinementPrompt } from '../subtasks/builders';
import type { SubtaskExample } from '../subtasks/types';
import type { ToolDef } from '../tools/types';
import { answerKey } from '../subtasks/verify';
import { seededShuffle } from '../lib/random';

/**
 * The self-refinement corpus (ToolACE-R): from the model's own previous answers to labelled queries,
 * - wrong → corrected: the target is the right answer;
 * - right → unchanged: the target repeats the answer (this teaches the model to stop).
 * Balanced at `ratio` wrong : right (default 1 : 1) by trimming the larger side.
 */

export interface Attempt {
  query: string;
  tools: ToolDef[];
  /** The model's previous output (raw text). */
  output: string;
  /** The right answer's text (canonical call list or the refusal). */
  target: string;
  /** Canonical key of the right answer. */
  targetKey: string;
}

export interface RefinementCorpus {
  examples: SubtaskExample[];
  wrong: number;
  right: number;
}

export function isRight(a: Pick<Attempt, 'output' | 'targetKey'>): boolean {
  return answerKey(a.output) === a.targetKey;
}

export function buildRefinementCorpus(
  attempts: readonly Attempt[],
  options: { ratio?: number; max?: number; seed?: number } = {},
): RefinementCorpus {
  const ratio = options.ratio ?? 1;
  const seed = options.seed ?? 1;
  // One attempt per (query, output) pair: k identical samples teach nothing k times.
  const seen = new Set<string>();
  const wrong: Attempt[] = [];
  const right: Attempt[] = [];
  for (const a of attempts) {
    const key = `${a.query}\u0000${a.output.trim()}`;
    if (seen.has(key) || a.output.trim() === '') continue;
    seen.add(key);
    (isRight(a) ? right : wrong).push(a);
  }
  let nWrong = wrong.length;
  let nRight = right.length;
  // Keep wrong : right = ratio : 1.
  if (nWrong > ratio * nRight) nWrong = Math.floor(ratio * nRight);
  else nRight = Math.floor(nWrong / ratio);
  if (options.max !== undefined && nWrong + nRight > options.max) {
    const scale = options.max / (nWrong + nRight);
    nWrong = Math.floor(nWrong * scale);
    nRight = Math.floor(nRight * scale);
  }
  const take = (list: Attempt[], n: number, salt: number) => seededShuffle(list, seed + salt).slice(0, n);
  const toExample = (a: Attempt, target: string): SubtaskExample => ({ ...refinementPrompt(a.query, a.tools, a.output.trim()), target });
  const examples = [
    ...take(wrong, nWrong, 11).map((a) => toExample(a, a.target)),
    ...take(right, nRight, 13).map((a) => toExample(a, a.output.trim())),
  ];
  return { examples: seededShuffle(examples, seed + 17), wrong: nWrong, right: nRight };
}
