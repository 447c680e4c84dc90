/**
 * Model-aware selection (ToolACE-R): each candidate with a trusted label is scored against the current
 * model by pass@k (share of k samples whose canonical answer equals the label), then
 * - p = 1, mastered: dropped, except a replay share (default 10 % of the mastered ones) kept against forgetting;
 * - 0 < p < 1, learnable: selected;
 * - p = 0, unreachable: selected only up to a cap (default 30 % of the selected set), easiest first, so the
 *   hardest are the ones left out ("hardest last").
 * Difficulty for ordering: 1 − p, then, among p = 0, 1 − `partial` (how close the best sample came).
 * Cold start (ours, not in the papers): with nothing learnable or replayed, the cap is 30 % of all candidates.
 * Minimum training set (ours, `minSelected`): a weak model has few learnable candidates and the cap counts
 * against them, so a round could train on a handful of samples (SmolLM2-135M: 7–10 of 25–66). Below the
 * minimum, the set is topped up with the easiest unreachable candidates left (their labels are trusted), then
 * with mastered ones. Answers in words (refusals) are unreachable under a call grammar whatever the model
 * knows, so the top-up keeps their share of the unreachable ones rather than ranking them last.
 */
import { seededShuffle } from '../lib/random';

export type Bucket = 'mastered' | 'learnable' | 'unreachable';

export interface PassRecord {
  id: number;
  k: number;
  matches: number;
  /** 0…1, how close the best wrong sample came (e.g. share of right calls/arguments); used to order p = 0. */
  partial?: number;
  /** The label is an answer in words (no call): it keeps its share in the top-up. */
  refusal?: boolean;
}

export interface SelectionSettings {
  replayShare: number;
  unreachableCap: number;
  /** Fewest samples a round selects (0 = no minimum): topped up as the header says. */
  minSelected?: number;
  /** Seed of the replay draw (deterministic). */
  seed: number;
}

export const SELECTION_DEFAULTS: SelectionSettings = { replayShare: 0.1, unreachableCap: 0.3, seed: 1 };

export interface SelectionDecision {
  id: number;
  p: number;
  bucket: Bucket;
  selected: boolean;
  /** 0 (easy) … 1 (hard). */
  difficulty: number;
  why: string;
}

export function bucketOf(matches: number, k: number): Bucket {
  if (k <= 0) throw new Error('pass@k needs k ≥ 1');
  if (matches >= k) return 'mastered';
  return matches > 0 ? 'learnable' : 'unreachable';
}

export function difficultyOf(r: PassRecord): number {
  const p = r.matches / r.k;
  if (p > 0) return 1 - p;
  // Every unreachable sample is harder than any learnable one: 1 + how far the best sample was.
  return 1 + (1 - Math.min(1, Math.max(0, r.partial ?? 0)));
}

export interface SelectionResult {
  decisions: SelectionDecision[];
  selectedIds: number[];
  counts: {
    mastered: number;
    learnable: number;
    unreachable: number;
    replay: number;
    unreachableSelected: number;
    /** Added by the minimum training set (unreachable and mastered). */
    toppedUp: number;
    selected: number;
  };
}

export function selectModelAware(records: readonly PassRecord[], settings: SelectionSettings = SELECTION_DEFAULTS): SelectionResult {
  const decisions = new Map<number, SelectionDecision>();
  const mastered: PassRecord[] = [];
  const learnable: PassRecord[] = [];
  const unreachable: PassRecord[] = [];
  for (const r of records) {
    const bucket = bucketOf(r.matches, r.k);
    (bucket === 'mastered' ? mastered : bucket === 'learnable' ? learnable : unreachable).push(r);
    decisions.set(r.id, { id: r.id, p: r.matches / r.k, bucket, selected: false, difficulty: difficultyOf(r), why: '' });
  }
  for (const r of learnable) Object.assign(decisions.get(r.id)!, { selected: true, why: `learnable: ${r.matches}/${r.k} samples right` });
  const replayCount = Math.round(mastered.length * settings.replayShare);
  const replay = new Set(
    seededShuffle(
      mastered.map((r) => r.id),
      settings.seed,
    ).slice(0, replayCount),
  );
  for (const r of mastered) {
    const d = decisions.get(r.id)!;
    d.selected = replay.has(r.id);
    d.why = d.selected
      ? `mastered, kept as replay (${Math.round(settings.replayShare * 100)} % of mastered)`
      : `mastered (${r.k}/${r.k}): dropped`;
  }
  // u ≤ cap · (base + u)  ⇔  u ≤ cap / (1 − cap) · base
  const base = learnable.length + replay.size;
  // Cold start (ours): a model that gets (almost) nothing right has too small a learnable set to cap against:
  // SmolLM2-135M's first round had 1 learnable and 16 unreachable seeds, and the cap of the set allowed none, so
  // it trained on one example. Wherever the cap of the set rounds to no unreachable sample at all, it is taken
  // over all candidates instead, so a weak model still trains on the easiest unreachable ones.
  const ofSet = Math.floor((settings.unreachableCap / (1 - settings.unreachableCap)) * base + 1e-9);
  const cap =
    settings.unreachableCap >= 1 ? unreachable.length : ofSet > 0 ? ofSet : Math.floor(settings.unreachableCap * records.length + 1e-9);
  const ordered = [...unreachable].sort((a, b) => difficultyOf(a) - difficultyOf(b) || a.id - b.id);
  ordered.forEach((r, i) => {
    const d = decisions.get(r.id)!;
    d.selected = i < cap;
    d.why = d.selected
      ? `unreachable (0/${r.k}), within the ${Math.round(settings.unreachableCap * 100)} % cap (rank ${i + 1} of ${ordered.length} by difficulty)`
      : `unreachable (0/${r.k}), over the ${Math.round(settings.unreachableCap * 100)} % cap (hardest left out; rank ${i + 1} of ${ordered.length})`;
  });
  const toppedUp = topUp(settings.minSelected ?? 0, decisions, ordered.slice(cap), mastered, settings.seed);
  const all = records.map((r) => decisions.get(r.id)!);
  const selectedIds = all.filter((d) => d.selected).map((d) => d.id);
  return {
    decisions: all,
    selectedIds,
    counts: {
      mastered: mastered.length,
      learnable: learnable.length,
      unreachable: unreachable.length,
      replay: replay.size,
      unreachableSelected: Math.min(cap, unreachable.length) + toppedUp.unreachable,
      toppedUp: toppedUp.unreachable + toppedUp.mastered,
      selected: selectedIds.length,
    },
  };
}

/** Tops the selected set up to `min`: the left-out unreachable ones (refusals at their share), then mastered ones. */
function topUp(
  min: number,
  decisions: Map<number, SelectionDecision>,
  leftUnreachable: readonly PassRecord[],
  mastered: readonly PassRecord[],
  seed: number,
): { unreachable: number; mastered: number } {
  let need = min - [...decisions.values()].filter((d) => d.selected).length;
  const added = { unreachable: 0, mastered: 0 };
  if (need <= 0) return added;
  const words = leftUnreachable.filter((r) => r.refusal);
  const calls = leftUnreachable.filter((r) => !r.refusal);
  const wordsShare = leftUnreachable.length > 0 ? words.length / leftUnreachable.length : 0;
  // Interleaved so that after any prefix the refusals are as near their share as whole samples allow.
  const order: PassRecord[] = [];
  let w = 0;
  let c = 0;
  while (w < words.length || c < calls.length) {
    const takeWords = c >= calls.length || (w < words.length && w < wordsShare * (order.length + 1));
    order.push(takeWords ? words[w++]! : calls[c++]!);
  }
  const spare = mastered.filter((r) => !decisions.get(r.id)!.selected);
  const masteredOrder = seededShuffle(
    spare.map((r) => r.id),
    seed + 1,
  );
  for (const r of order) {
    if (need <= 0) break;
    const d = decisions.get(r.id)!;
    d.selected = true;
    d.why = `unreachable (0/${r.k}), topped up to the minimum training set of ${min}${r.refusal ? ' (an answer in words, at its share)' : ''}`;
    added.unreachable++;
    need--;
  }
  for (const id of masteredOrder) {
    if (need <= 0) break;
    const d = decisions.get(id)!;
    d.selected = true;
    d.why = `mastered, topped up to the minimum training set of ${min}`;
    added.mastered++;
    need--;
  }
  return added;
}

/** The ablation "random selection of the same size": as many samples, drawn uniformly from all candidates. */
export function selectRandom(records: readonly PassRecord[], size: number, seed: number): number[] {
  return seededShuffle(
    records.map((r) => r.id),
    seed,
  ).slice(0, Math.min(size, records.length));
}
