import { decompose } from '../subtasks/builders';
import type { SubtaskExample, ToolUse } from '../subtasks/types';
import { seededShuffle } from '../lib/random';

/**
 * The training mix of a round: the selected tool-use samples decomposed into the three sub-tasks, in the
 * configured shares (default invocation 60 %, tool generation 20 %, doc adaption 20 %), plus refinement
 * samples. Invocation examples are all kept (they are what was selected); the other two sub-tasks are drawn
 * from the decomposition of the same samples up to their share, so the ratio holds whatever the count.
 */

export interface MixShares {
  invocation: number;
  toolGeneration: number;
  docAdaption: number;
}

export const DEFAULT_MIX: MixShares = { invocation: 0.6, toolGeneration: 0.2, docAdaption: 0.2 };

export interface MixResult {
  examples: SubtaskExample[];
  counts: { invocation: number; tool_generation: number; doc_adaption: number; refinement: number };
}

/** Samples decomposed; `refinement` examples are appended as they are (the corpus decides their count). */
export function buildTrainingMix(
  samples: readonly ToolUse[],
  shares: MixShares,
  refinement: readonly SubtaskExample[],
  seed: number,
): MixResult {
  const total = shares.invocation + shares.toolGeneration + shares.docAdaption;
  if (!(total > 0)) throw new Error('training mix: the sub-task shares must add up to more than 0');
  const pools = { invocation: [] as SubtaskExample[], tool_generation: [] as SubtaskExample[], doc_adaption: [] as SubtaskExample[] };
  const seenDoc = new Set<string>();
  for (const s of samples) {
    const d = decompose(s);
    pools.invocation.push(...d.invocation);
    pools.tool_generation.push(...d.tool_generation);
    // A tool's documentation is one example however many samples offer the tool.
    for (const e of d.doc_adaption) {
      const key = e.messages[1]!.content + '\u0000' + e.target;
      if (!seenDoc.has(key)) {
        seenDoc.add(key);
        pools.doc_adaption.push(e);
      }
    }
  }
  const nInv = shares.invocation > 0 ? pools.invocation.length : 0;
  // With invocation at share s_i and n_i examples, the set has n_i / s_i examples; a sub-task gets its share of it.
  const setSize = shares.invocation > 0 ? nInv / (shares.invocation / total) : samples.length;
  const want = (share: number) => Math.round((setSize * share) / total);
  const pick = (pool: SubtaskExample[], n: number, salt: number) => seededShuffle(pool, seed + salt).slice(0, Math.min(n, pool.length));
  const inv = pools.invocation.slice(0, nInv);
  const tg = pick(pools.tool_generation, want(shares.toolGeneration), 1);
  const doc = pick(pools.doc_adaption, want(shares.docAdaption), 2);
  const examples = seededShuffle([...inv, ...tg, ...doc, ...refinement], seed + 3);
  return {
    examples,
    counts: { invocation: inv.length, tool_generation: tg.length, doc_adaption: doc.length, refinement: refinement.length },
  };
}
