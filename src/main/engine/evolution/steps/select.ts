import { answerKey } from '../../subtasks/verify';
import { selectedBefore, setMetric, setStage, upsertPassK } from '../rounds-repo';
import { selectModelAware, selectRandom, type PassRecord } from '../select';
import { candidatesOf, partialCredit, roundOf, stoppedBefore, type Ctx } from './shared';

/**
 * Step 6, model-aware selection (ToolACE-R): pass@k of the generating model on each candidate (its first
 * passK answers from tool-using) buckets it as mastered, learnable or unreachable; the record of every
 * decision is stored with its reason.
 */
export function selectStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const candidates = candidatesOf(ctx, round);
  const records: PassRecord[] = candidates.map((c) => {
    const outs = c.outputs.slice(0, s.passK);
    const k = Math.max(1, outs.length);
    // A match is a well-formed answer with the label's canonical form (noise is not a refusal).
    const matches = outs.filter((o) => answerKey(o) === c.key).length;
    return {
      id: c.sampleId,
      k,
      matches,
      partial: Math.max(0, ...outs.map((o) => partialCredit(o, c.use.calls))),
      refusal: !c.use.calls || c.use.calls.length === 0,
    };
  });
  const aware = selectModelAware(records, {
    replayShare: s.replayShare,
    unreachableCap: s.unreachableCap,
    minSelected: s.minSelected,
    seed: s.seed + seq,
  });
  let selected = new Set(aware.selectedIds);
  if (s.selection === 'random') selected = new Set(selectRandom(records, aware.selectedIds.length, s.seed * 31 + seq));
  const earlier = new Set(selectedBefore(ctx.db, s.runId, seq));
  const newSelected = [...selected].filter((id) => !earlier.has(id)).length;
  ctx.commit((db) => {
    for (const d of aware.decisions) {
      const rec = records.find((r) => r.id === d.id)!;
      const isSel = selected.has(d.id);
      const why =
        s.selection === 'random' ? `${isSel ? 'selected' : 'not selected'} at random (ablation); model-aware would say: ${d.why}` : d.why;
      upsertPassK(db, {
        sampleId: d.id,
        roundId: round.id,
        k: rec.k,
        matches: rec.matches,
        p: d.p,
        bucket: d.bucket,
        selected: isSel,
        difficulty: d.difficulty,
        reason: why,
      });
    }
    setMetric(db, round.id, 'candidates', records.length);
    setMetric(db, round.id, 'samples_selected', selected.size);
    setMetric(db, round.id, 'new_selected', newSelected);
    setMetric(db, round.id, 'mastered', aware.counts.mastered);
    setMetric(db, round.id, 'learnable', aware.counts.learnable);
    setMetric(db, round.id, 'unreachable', aware.counts.unreachable);
    setMetric(db, round.id, 'topped_up', aware.counts.toppedUp);
    setStage(db, round.id, 'mix');
  }, {});
  return { candidates: records.length, selected: selected.size, newSelected, counts: aware.counts, selection: s.selection };
}
