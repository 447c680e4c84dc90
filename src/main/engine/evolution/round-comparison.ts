import type { PairedComparison } from '../eval/paired-test';
import { compareRunsPaired } from '../eval/paired-runs';
import type { Db } from '../db/open';
import { doneStepOutput } from '../jobs/jobs-repo';
import { finishedEvalRun, finishedEvalSets, getRound, getRoundById, lastAcceptedBefore, type RoundRow } from './rounds-repo';

// decide.ts and the learning bench read these from here too.
export { finishedEvalRun, lastAcceptedBefore } from './rounds-repo';

/**
 * A round's evaluation against round 0 and against the last accepted round before it, set by set, with the
 * paired test on the items both runs scored. Computed on read from eval_results (no stored copy to drift).
 */

export interface RoundComparison {
  set: string;
  against: 'round0' | 'previous';
  referenceSeq: number;
  referenceRunId: number;
  runId: number;
  test: PairedComparison;
}

/** The bootstrap seed of a round's comparisons: the run's own seed, so every reader sees the same interval. */
export function seedOf(round: RoundRow): number {
  try {
    const seed = (JSON.parse(round.settings_json) as { seed?: unknown }).seed;
    return typeof seed === 'number' && Number.isInteger(seed) ? seed : 1;
  } catch {
    return 1;
  }
}

/** The main set's test against the last accepted round: what the 'significant' rule decides on. */
export function testAgainstLastAccepted(db: Db, round: RoundRow, set: string): PairedComparison | null {
  const ref = lastAcceptedBefore(db, round.run_id, round.seq);
  const before = ref && finishedEvalRun(db, ref.id, set);
  const after = finishedEvalRun(db, round.id, set);
  return before && after ? compareRunsPaired(db, before, after, seedOf(round)) : null;
}

export function roundComparisons(db: Db, roundId: number): RoundComparison[] {
  const round = getRoundById(db, roundId);
  if (!round || round.seq === 0) return [];
  const references: [RoundComparison['against'], RoundRow | undefined][] = [
    ['round0', getRound(db, round.run_id, 0)],
    ['previous', lastAcceptedBefore(db, round.run_id, round.seq)],
  ];
  const sets = finishedEvalSets(db, round.id);
  const out: RoundComparison[] = [];
  for (const set of sets) {
    const runId = finishedEvalRun(db, round.id, set)!;
    for (const [against, ref] of references) {
      const refRun = ref && finishedEvalRun(db, ref.id, set);
      if (!ref || !refRun) continue;
      out.push({
        set,
        against,
        referenceSeq: ref.seq,
        referenceRunId: refRun,
        runId,
        test: compareRunsPaired(db, refRun, runId, seedOf(round)),
      });
    }
  }
  return out;
}

/** What the round's decide step concluded, as it recorded it (its job step's output); null before then. */
export function roundVerdict(db: Db, round: RoundRow): { accepted: boolean; reason: string; rule: string } | null {
  if (round.seq === 0) return null;
  const row = round.job_id === null ? undefined : doneStepOutput(db, round.job_id, `round-${round.seq}/decide`);
  if (!row?.output_json) return null;
  const out = JSON.parse(row.output_json) as { accepted?: unknown; reason?: unknown; rule?: unknown; skipped?: unknown };
  if (typeof out.reason !== 'string' || typeof out.accepted !== 'boolean') return null;
  return { accepted: out.accepted, reason: out.reason, rule: typeof out.rule === 'string' ? out.rule : 'tolerance' };
}
