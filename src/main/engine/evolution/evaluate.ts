import type { Db } from '../db/open';
import { checkItem } from '../eval/eval-run';
import type { GenerationBackend, SamplingSettings } from '../models/backend';
import { refineAdaptive, type RefineTrace } from '../refine/adaptive';
import { insertTrace } from '../refine/traces-repo';
import { evalItems, evalSetId } from './pool-data';

/**
 * Evaluates a model on one held-out set with BFCL's AST checker: greedy decoding, optionally with adaptive
 * (or fixed) self-refinement, each answer's refinement trace stored. Results go to eval_runs/eval_results.
 */

export interface EvalOptions {
  setName: string;
  limit: number;
  refinement: 'adaptive' | 'fixed' | 'off';
  maxRefinements: number;
  maxTokens: number;
  modelId: number | null;
  roundId: number | null;
  label: string;
  signal?: AbortSignal;
  onItem?: (done: number, total: number) => void;
}

export interface EvalSummary {
  runId: number;
  set: string;
  total: number;
  correct: number;
  /** Percent, 0–100. */
  accuracy: number;
  byCategory: Record<string, { total: number; correct: number; accuracy: number }>;
  /** Failures per tool offered by failing items (targeted synthesis reads these). */
  byTool: Record<string, { total: number; failed: number }>;
  /** Tokens spent (prompt + output, all refinement steps). */
  tokens: number;
  refinementSteps: number;
  ms: number;
}

export async function evaluateSet(db: Db, backend: GenerationBackend, o: EvalOptions): Promise<EvalSummary> {
  const setId = evalSetId(db, o.setName);
  if (setId === undefined)
    throw new Error(`evaluation set "${o.setName}" does not exist in this workspace (import it or install the built-in pool)`);
  const items = evalItems(db, setId, o.limit);
  const settings = { refinement: o.refinement, maxRefinements: o.maxRefinements, maxTokens: o.maxTokens, temperature: 0, limit: o.limit };
  const runId = (
    db
      .prepare('INSERT INTO eval_runs (set_id, model_id, round_id, label, settings_json) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .get(setId, o.modelId, o.roundId, o.label, JSON.stringify(settings)) as { id: number }
  ).id;
  const sampling: SamplingSettings = { temperature: 0, maxTokens: o.maxTokens };
  const byCategory: EvalSummary['byCategory'] = {};
  const byTool: EvalSummary['byTool'] = {};
  let correct = 0;
  let tokens = 0;
  let steps = 0;
  const started = performance.now();
  const insertResult = db.prepare(
    'INSERT INTO eval_results (run_id, item_id, output_text, valid, error_type, error_json, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let trace: RefineTrace | null = null;
    let output = '';
    let failure: string | null = null;
    try {
      trace = await refineAdaptive(backend, item.query, item.tools, {
        maxRefinements: o.refinement === 'off' ? 0 : o.maxRefinements,
        mode: o.refinement === 'fixed' ? 'fixed' : 'adaptive',
        sampling,
        signal: o.signal,
      });
      output = trace.finalText;
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      failure = (error as Error).message;
    }
    const result = failure
      ? { valid: false, errorType: 'generation_failed', error: [failure] }
      : checkItem(
          { category: item.category, tools_json: JSON.stringify(item.toolsRaw), answer_json: item.answer as string | null },
          output,
        );
    const c = (byCategory[item.category] ??= { total: 0, correct: 0, accuracy: 0 });
    c.total++;
    if (result.valid) {
      c.correct++;
      correct++;
    }
    for (const t of item.tools) {
      const s = (byTool[t.name] ??= { total: 0, failed: 0 });
      s.total++;
      if (!result.valid) s.failed++;
    }
    if (trace) {
      tokens += trace.totalTokens;
      steps += trace.steps.length - 1;
    }
    db.transaction(() => {
      const traceId = trace ? insertTrace(db, trace, { modelId: o.modelId, roundId: o.roundId, evalRunId: runId }) : null;
      insertResult.run(
        runId,
        item.id,
        output,
        result.valid ? 1 : 0,
        result.errorType ?? null,
        result.error ? JSON.stringify(result.error) : null,
        traceId,
      );
    })();
    o.onItem?.(i + 1, items.length);
  }
  for (const c of Object.values(byCategory)) c.accuracy = c.total ? (100 * c.correct) / c.total : 0;
  const summary: EvalSummary = {
    runId,
    set: o.setName,
    total: items.length,
    correct,
    accuracy: items.length ? (100 * correct) / items.length : 0,
    byCategory,
    byTool,
    tokens,
    refinementSteps: steps,
    ms: performance.now() - started,
  };
  db.prepare(`UPDATE eval_runs SET summary_json = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(
    JSON.stringify({ total: summary.total, correct, accuracy: summary.accuracy, byCategory, tokens, refinementSteps: steps }),
    runId,
  );
  return summary;
}
