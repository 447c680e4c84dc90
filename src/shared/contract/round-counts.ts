import { z } from 'zod';

/**
 * What a round made, selected and trained on: the one set of counts the Rounds cards, the metrics table,
 * the CLI's table and the exported model card all show (engine: evolution/round-counts.ts).
 */
export const RoundCounts = z.object({
  /** Tool-use answers the round voted on and stored as invocation samples. */
  generated: z.number().int(),
  /** Of those, the ones that passed the engine's verifiers (format, schema, consistency, execution). */
  verified: z.number().int(),
  /** Tool definitions the model wrote (tool-making), stored as tool-generation samples. */
  toolsGenerated: z.number().int(),
  /** Candidates pass@k scored (this round's verified samples plus the earlier ones the run replays). */
  candidates: z.number().int(),
  /** Candidates selected for training. */
  selected: z.number().int(),
  /** Training examples in the round's mix, per sub-task (built from the selected samples). */
  trained: z.object({
    invocation: z.number().int(),
    tool_generation: z.number().int(),
    doc_adaption: z.number().int(),
    refinement: z.number().int(),
  }),
});
export type RoundCounts = z.infer<typeof RoundCounts>;

/** Where a round sits: its run and its number within the run (round 0 is the baseline). */
export const RoundRef = z.object({ runId: z.string(), seq: z.number().int() });
export type RoundRef = z.infer<typeof RoundRef>;

/** "round 1 of run demo": how a round is named wherever it leaves the app (lineage, model card, Modelfile). */
export function roundName(ref: RoundRef): string {
  return `round ${ref.seq} of run ${ref.runId}`;
}
