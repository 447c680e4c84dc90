import { continueModelEvalRun, modelEvalRunExists, runItemsOf, startModelEvalRun } from '../../eval/model-eval';
import type { EvalSummary } from '../../eval/eval-run';
import { validityOfRun } from '../../eval/runs-repo';
import { traceTotalsOfEvalRun } from '../../refine/traces-repo';
import { openBackend } from '../../models/backend-select';
import { INVOCATION_INSTRUCTION } from '../../subtasks/prompts';
import { normalizeTools } from '../../tools/normalize';
import { setMetric, setStage, type RoundRow } from '../rounds-repo';
import { checkpointOutput, roundOf, stoppedBefore, type Ctx } from './shared';

/**
 * A round's evaluation: each held-out set through `continueModelEvalRun`, the same flow as the eval.model
 * job (`models.evaluate`, `toolsmith eval run`, the Evaluation view), with the round's decoding: greedy,
 * the invocation instruction as system prompt, free text (an answer in words stays possible) and
 * self-refinement with traces. So its `eval_runs` rows carry the same summary (categories, errorTypes) that
 * `eval.runs` and the views read. Each batch of results is one transaction with the step's checkpoint (the
 * run ids), so a resumed step goes on where it stopped.
 *
 * Always on the local model, whatever backend generates: it is the model the round trained, and accept /
 * roll back compares evaluations from one runtime.
 */

export type Failures = Record<string, { total: number; failed: number }>;

export interface RoundEvaluation {
  /** The main metric, in accuracy points (0–100). */
  main: number;
  /** Accuracy per set, in points. */
  accuracy: Record<string, number>;
  /** Failures per tool offered by failing items (targeted synthesis reads these). */
  byTool: Failures;
}

interface EvalCheckpoint {
  runs?: Record<string, number>;
  evaluated?: boolean;
  output?: unknown;
}

/** Failures per tool over a finished run's items. */
function failuresByTool(ctx: Ctx, runId: number, into: Failures): void {
  const valid = validityOfRun(ctx.db, runId);
  for (const item of runItemsOf(ctx.db, runId)) {
    let names: string[];
    try {
      names = normalizeTools(JSON.parse(item.tools_json)).map((t) => t.name);
    } catch {
      continue; // a broken item is a failed result already; it names no tool
    }
    for (const name of names) {
      const t = (into[name] ??= { total: 0, failed: 0 });
      t.total++;
      if (!valid.get(item.id)) t.failed++;
    }
  }
}

function traceTotals(ctx: Ctx, runId: number): { tokens: number; steps: number } {
  return traceTotalsOfEvalRun(ctx.db, runId);
}

export async function evaluateRound(ctx: Ctx, round: RoundRow, modelId: number, label: string): Promise<RoundEvaluation> {
  const s = ctx.settings;
  const cp = (ctx.checkpoint ?? {}) as EvalCheckpoint;
  const runs: Record<string, number> = { ...cp.runs };
  const summaries: Record<string, EvalSummary> = {};
  const byTool: Failures = {};
  const settings = {
    sampling: { temperature: 0, maxTokens: s.maxTokens },
    constrain: 'none' as const,
    decoder: 'bfcl' as const,
    systemPrompt: INVOCATION_INSTRUCTION,
    refinement: { mode: s.evalRefinement, maxRefinements: s.maxRefinements },
    itemErrors: 'record' as const,
  };
  // The same items again under the call grammar (calls, or calls-or-words on relevance items), stored as its own
  // run marked evalMode 'constrained': it tells whether training taught the format or only the grammar supplies it.
  // Not the main metric and not what accept / roll back compares (finishedEvalRun skips it).
  const constrainedItems = s.constrainedEvalItems;
  const constrainedLimit = s.evalLimit > 0 ? Math.min(s.evalLimit, constrainedItems) : constrainedItems;
  const constrainedSettings = { ...settings, constrain: 'auto' as const };
  const constrainedSummaries: Record<string, EvalSummary> = {};
  const { backend, release } = await openBackend(
    ctx.engine,
    { kind: 'local', model: modelId },
    { threads: s.threads, gpu: s.generation.kind === 'local' ? s.generation.gpu : 'auto', sequences: Math.max(s.k, s.passK) },
  );
  try {
    for (const [i, set] of s.evalSets.entries()) {
      if (runs[set] === undefined || !modelEvalRunExists(ctx.db, runs[set])) {
        // The run row and the checkpoint naming it: one transaction (commit stores `runs` after the write fills it).
        ctx.commit(
          (tx) => {
            runs[set] = startModelEvalRun(tx, {
              set,
              modelId,
              roundId: round.id,
              label,
              jobId: ctx.jobId,
              settings: {
                ...settings,
                evalMode: 'unconstrained',
                backend: backend.id,
                ...(s.evalLimit > 0 ? { limit: s.evalLimit, spread: true } : {}),
              },
            });
          },
          { runs },
        );
      }
      const runId = runs[set]!;
      const run = await continueModelEvalRun(ctx.db, {
        backend,
        runId,
        settings,
        modelId,
        roundId: round.id,
        signal: ctx.signal,
        transact: (write, p) => {
          ctx.progress(i * p.total + p.done, s.evalSets.length * p.total, `evaluating on ${set}`);
          ctx.commit(write, { runs });
        },
      });
      summaries[set] = run.summary!;
      failuresByTool(ctx, runId, byTool);
      ctx.engine.events.emit('eval.changed', { setId: run.setId });
    }
    if (constrainedItems > 0) {
      for (const [i, set] of s.evalSets.entries()) {
        const key = `constrained:${set}`;
        if (runs[key] === undefined || !modelEvalRunExists(ctx.db, runs[key])) {
          ctx.commit(
            (tx) => {
              runs[key] = startModelEvalRun(tx, {
                set,
                modelId,
                roundId: round.id,
                label: `${label} (constrained)`,
                jobId: ctx.jobId,
                settings: { ...constrainedSettings, evalMode: 'constrained', backend: backend.id, limit: constrainedLimit, spread: true },
              });
            },
            { runs },
          );
        }
        const run = await continueModelEvalRun(ctx.db, {
          backend,
          runId: runs[key]!,
          settings: constrainedSettings,
          modelId,
          roundId: round.id,
          signal: ctx.signal,
          transact: (write, p) => {
            ctx.progress(i * p.total + p.done, s.evalSets.length * p.total, `evaluating on ${set} under the call grammar`);
            ctx.commit(write, { runs });
          },
        });
        constrainedSummaries[set] = run.summary!;
        ctx.engine.events.emit('eval.changed', { setId: run.setId });
      }
    }
  } finally {
    await release();
  }
  const points = (x: number) => 100 * x;
  const mainSet = s.mainSet ?? s.evalSets[0]!;
  const main = points(summaries[mainSet]?.accuracy ?? 0) - s.simulateRegression * (round.seq > 0 ? 1 : 0);
  ctx.commit(
    (db) => {
      for (const [set, sum] of Object.entries(summaries)) {
        const totals = traceTotals(ctx, runs[set]!);
        setMetric(db, round.id, 'accuracy', points(sum.accuracy), set);
        // The counts behind each accuracy: a reader needs them to tell 1 item from 80.
        setMetric(db, round.id, 'correct', sum.correct, set);
        setMetric(db, round.id, 'items', sum.total, set);
        setMetric(db, round.id, 'eval_tokens', totals.tokens, set);
        setMetric(db, round.id, 'refinement_steps', totals.steps, set);
        for (const c of sum.categories) {
          setMetric(db, round.id, 'accuracy', points(c.accuracy), `${set}/${c.category}`);
          setMetric(db, round.id, 'correct', c.correct, `${set}/${c.category}`);
          setMetric(db, round.id, 'items', c.total, `${set}/${c.category}`);
        }
      }
      for (const [set, sum] of Object.entries(constrainedSummaries)) {
        setMetric(db, round.id, 'accuracy_constrained', points(sum.accuracy), set);
        setMetric(db, round.id, 'correct_constrained', sum.correct, set);
        setMetric(db, round.id, 'items_constrained', sum.total, set);
      }
      setMetric(db, round.id, 'main_metric', main);
    },
    { runs, evaluated: true },
  );
  return { main, accuracy: Object.fromEntries(Object.entries(summaries).map(([k, v]) => [k, points(v.accuracy)])), byTool };
}

export async function evaluateStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const round = roundOf(ctx, seq);
  const trained = ctx.outputs[`round-${seq}/train`] as { modelId: number | null };
  if (!trained.modelId) {
    const output = { skipped: 'nothing was trained', modelId: null };
    ctx.commit(() => undefined, { output });
    return output;
  }
  const r = await evaluateRound(ctx, round, trained.modelId, `${ctx.settings.runId} round ${seq}`);
  const output = { modelId: trained.modelId, ...r };
  ctx.commit((db) => setStage(db, round.id, 'decide'), { output });
  return output;
}
