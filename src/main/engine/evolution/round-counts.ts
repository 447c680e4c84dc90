import type { RoundCounts, RoundRef } from '../../../shared/contract/round-counts';
import type { Db } from '../db/open';

/**
 * The counts of a round, each from the rows that hold it, so that every place showing them agrees:
 * generated and verified from the round's invocation samples and their engine verdicts of version 1 (a
 * later human reject or edit does not change what verification found), selected from the pass@k records,
 * trained from the mix the train step read. Tool-generation samples are counted apart.
 */
export function roundCounts(db: Db, roundId: number): RoundCounts {
  const samples = db
    .prepare(
      `SELECT
         SUM(CASE WHEN s.subtask = 'invocation' THEN 1 ELSE 0 END) AS generated,
         SUM(CASE WHEN s.subtask = 'invocation' AND EXISTS (SELECT 1 FROM verdicts v WHERE v.sample_id = s.id AND v.version = 1 AND v.verifier != 'human')
                   AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.sample_id = s.id AND v.version = 1 AND v.verifier != 'human' AND v.passed = 0)
                  THEN 1 ELSE 0 END) AS verified,
         SUM(CASE WHEN s.subtask = 'tool_generation' THEN 1 ELSE 0 END) AS toolsGenerated
       FROM samples s WHERE s.round_id = ?`,
    )
    .get(roundId) as { generated: number | null; verified: number | null; toolsGenerated: number | null };
  const passk = db
    .prepare('SELECT COUNT(*) AS candidates, COALESCE(SUM(selected), 0) AS selected FROM sample_passk WHERE round_id = ?')
    .get(roundId) as { candidates: number; selected: number };
  const mix = db.prepare("SELECT category, value FROM round_metrics WHERE round_id = ? AND name = 'mix'").all(roundId) as {
    category: string;
    value: number;
  }[];
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
  const row = db.prepare('SELECT run_id AS runId, seq FROM rounds WHERE id = ?').get(roundId) as RoundRef | undefined;
  return row;
}
