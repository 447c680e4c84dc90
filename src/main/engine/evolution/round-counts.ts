import type { RoundCounts, RoundRef } from '../../../shared/contract/round-counts';
import type { Db } from '../db/open';
import { roundCountRows, roundRefRow } from './rounds-repo';

/**
 * The counts of a round, each from the rows that hold it, so that every place showing them agrees:
 * generated and verified from the round's invocation samples and their engine verdicts of version 1 (a
 * later human reject or edit does not change what verification found), selected from the pass@k records,
 * trained from the mix the train step read. Tool-generation samples are counted apart.
 */
export function roundCounts(db: Db, roundId: number): RoundCounts {
  const { samples, passk, mix } = roundCountRows(db, roundId);
  const trained = (subtask: string) => mix.find((m) => m.category === subtask)?.value ?? 0;
  return {
    generated: samples.generated ?? 0,
    verified: samples.verified ?? 0,
    toolsGenerated: samples.toolsGenerated ?? 0,
    candidates: passk.candidates,
    selected: passk.selected,
    trained: {
      invocation: trained('invocation'),
      tool_generation: trained('tool_generation'),
      doc_adaption: trained('doc_adaption'),
      refinement: trained('refinement'),
    },
  };
}

/** The run and number within it of a round, by its database id (undefined when the round is gone). */
export function roundRef(db: Db, roundId: number): RoundRef | undefined {
  return roundRefRow(db, roundId);
}
