/**
 * What the learning benchmark ends with (pure, so it is unit-tested): the one JSON line issue #18 asks for,
 * and the minutes each step of each round took, from the job's step rows.
 */

/** One round of one run, as the rounds recorded it (accuracies in points, 0–100; null where not measured). */
export interface RoundResult {
  seq: number;
  state: string;
  /** Items scored per set by the round's own (unconstrained) evaluation. */
  items: Record<string, number | null>;
  /** Under the call grammar (`accuracy_constrained`). */
  constrained: Record<string, number | null>;
  /** Without it, free text: the main metric that accept / roll back decides on (`accuracy`). */
  unconstrained: Record<string, number | null>;
}

export interface RunResult {
  name: string;
  rounds: RoundResult[];
}

export interface LearningReportInput {
  model: string;
  sets: string[];
  /** The full method first, then the ablations. */
  runs: RunResult[];
  /** Accuracy (points) on the refinement set of the final model, and tokens spent refining. */
  refinement: { set: string; adaptive: { accuracy: number; tokens: number }; fixed3: { accuracy: number; tokens: number } };
  pValues: Record<string, number | null>;
  minutes: number;
}

export interface LearningReport {
  model: string;
  items: Record<string, number | null>;
  accuracy: Record<string, (number | null)[]>;
  unconstrained: Record<string, (number | null)[]>;
  ablations: Record<string, Record<string, number | null>>;
  p_values: Record<string, number | null>;
  tokens: { adaptive: number; fixed3: number };
  minutes: number;
}

/** JSON has no NaN or Infinity: what was not measured is null. */
function finite(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

/** The last accepted round of a run (round 0, the base model, counts as accepted). */
export function lastAccepted(run: RunResult): RoundResult | undefined {
  return run.rounds.filter((r) => r.state === 'accepted').at(-1);
}

/**
 * The report: per set, the full method's accuracy round by round under the call grammar (`accuracy`) and
 * without it (`unconstrained`), the items behind them (round 0's count: every round scores the same items),
 * each ablation's unconstrained accuracy at its last accepted round, plus fixed-3 refinement on the
 * refinement set, the p-values, the refinement tokens and the minutes the whole bench took.
 */
export function learningReport(input: LearningReportInput): LearningReport {
  const [full, ...ablations] = input.runs;
  if (!full) throw new Error('learningReport: no runs (the full method comes first)');
  const perSet = (pick: (r: RoundResult, set: string) => number | null | undefined) =>
    Object.fromEntries(input.sets.map((set) => [set, full.rounds.map((r) => round1(finite(pick(r, set))))]));
  const abl: LearningReport['ablations'] = {};
  for (const run of ablations) {
    const last = lastAccepted(run);
    abl[run.name] = Object.fromEntries(input.sets.map((set) => [set, round1(finite(last?.unconstrained[set]))]));
  }
  abl['fixed-3 refinement'] = { [input.refinement.set]: round1(finite(input.refinement.fixed3.accuracy)) };
  return {
    model: input.model,
    items: Object.fromEntries(input.sets.map((set) => [set, finite(full.rounds[0]?.items[set])])),
    accuracy: perSet((r, set) => r.constrained[set]),
    unconstrained: perSet((r, set) => r.unconstrained[set]),
    ablations: abl,
    p_values: Object.fromEntries(Object.entries(input.pValues).map(([k, v]) => [k, finite(v)])),
    tokens: { adaptive: input.refinement.adaptive.tokens, fixed3: input.refinement.fixed3.tokens },
    minutes: Math.round(input.minutes * 10) / 10,
  };
}

/** A job step as the jobs repository returns it. */
export interface StepTiming {
  name: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The step names, from the evolution job's steps (`round-N/<step>`; round 0 is `baseline`). */
export const STEP_COLUMNS = [
  { label: 'query writing', steps: ['queries'] },
  { label: 'tool-making', steps: ['tool-making'] },
  // The k answers per query; pass@k reuses the first passK of them.
  { label: 'sampling', steps: ['tool-using'] },
  { label: 'verify+vote', steps: ['verify', 'curation'] },
  { label: 'pass@k', steps: ['select'] },
  { label: 'training', steps: ['mix', 'train'] },
  { label: 'evaluation', steps: ['evaluate', 'baseline'] },
  { label: 'decide', steps: ['decide'] },
] as const;

export interface RoundMinutes {
  round: number;
  minutes: Record<(typeof STEP_COLUMNS)[number]['label'], number | null>;
  total: number;
}

/** Minutes per step column per round, from the steps' start and finish times (null where a step did not run). */
export function stepMinutes(steps: readonly StepTiming[]): RoundMinutes[] {
  const byRound = new Map<number, Map<string, number>>();
  for (const s of steps) {
    const m = /^(?:round-(\d+)\/(.+)|(baseline))$/.exec(s.name);
    if (!m || !s.startedAt || !s.finishedAt) continue;
    const round = m[3] ? 0 : Number(m[1]);
    const step = m[3] ?? m[2]!;
    const ms = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
    if (!Number.isFinite(ms)) continue;
    const r = byRound.get(round) ?? new Map<string, number>();
    r.set(step, (r.get(step) ?? 0) + ms / 60_000);
    byRound.set(round, r);
  }
  return [...byRound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, r]) => {
      const minutes = Object.fromEntries(
        STEP_COLUMNS.map((c) => {
          const got = c.steps.filter((s) => r.has(s));
          return [c.label, got.length ? got.reduce((sum, s) => sum + r.get(s)!, 0) : null];
        }),
      ) as RoundMinutes['minutes'];
      return { round, minutes, total: [...r.values()].reduce((a, b) => a + b, 0) };
    });
}

/** The minutes table as printed lines: one header, one line per round. */
export function formatStepMinutes(rows: readonly RoundMinutes[]): string[] {
  const cols = STEP_COLUMNS.map((c) => c.label);
  const cell = (x: number | null) => (x === null ? '—' : x.toFixed(2)).padStart(13);
  return [
    `${'round'.padEnd(6)}${cols.map((c) => c.padStart(13)).join('')}${'total'.padStart(13)}`,
    ...rows.map((r) => `${String(r.round).padEnd(6)}${cols.map((c) => cell(r.minutes[c])).join('')}${cell(r.total)}`),
  ];
}
