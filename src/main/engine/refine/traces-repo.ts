import type { Db } from '../db/open';
import type { RefineTrace } from './adaptive';

export interface TraceLinks {
  modelId?: number | null;
  roundId?: number | null;
  evalRunId?: number | null;
  sampleId?: number | null;
}

/** Stores a refinement trace and its steps in one transaction; returns the trace id. */
export function insertTrace(db: Db, trace: RefineTrace, links: TraceLinks = {}): number {
  return db.transaction(() => {
    const { id } = db
      .prepare(
        `INSERT INTO refinement_traces (model_id, round_id, eval_run_id, sample_id, query, tools_json, stop_reason, iterations, changed, final_text, total_tokens, total_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        links.modelId ?? null,
        links.roundId ?? null,
        links.evalRunId ?? null,
        links.sampleId ?? null,
        trace.query,
        JSON.stringify(trace.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }))),
        trace.stopReason,
        trace.steps.length - 1,
        trace.changed ? 1 : 0,
        trace.finalText,
        trace.totalTokens,
        trace.totalMs,
      ) as { id: number };
    const step = db.prepare(
      'INSERT INTO trace_steps (trace_id, seq, input_text, output_text, canonical_json, verdicts_json, tokens, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const s of trace.steps)
      step.run(
        id,
        s.seq,
        s.input,
        s.output,
        s.canonical === null ? null : JSON.stringify(s.canonical),
        JSON.stringify(s.verdicts),
        s.tokens,
        s.ms,
      );
    return id;
  })();
}

export interface StoredTrace {
  id: number;
  stopReason: string;
  iterations: number;
  changed: boolean;
  finalText: string;
  totalTokens: number;
  steps: { seq: number; output: string; canonical: string | null }[];
}

export function getTrace(db: Db, id: number): StoredTrace | undefined {
  const row = db
    .prepare('SELECT id, stop_reason, iterations, changed, final_text, total_tokens FROM refinement_traces WHERE id = ?')
    .get(id) as
    { id: number; stop_reason: string; iterations: number; changed: number; final_text: string; total_tokens: number } | undefined;
  if (!row) return undefined;
  const steps = db.prepare('SELECT seq, output_text, canonical_json FROM trace_steps WHERE trace_id = ? ORDER BY seq').all(id) as {
    seq: number;
    output_text: string;
    canonical_json: string | null;
  }[];
  return {
    id: row.id,
    stopReason: row.stop_reason,
    iterations: row.iterations,
    changed: row.changed === 1,
    finalText: row.final_text,
    totalTokens: row.total_tokens,
    steps: steps.map((s) => ({
      seq: s.seq,
      output: s.output_text,
      canonical: s.canonical_json === null ? null : (JSON.parse(s.canonical_json) as string),
    })),
  };
}

/** How a round's refinement traces stopped: count per stop reason. */
export function stopReasonsOfRound(db: Db, roundId: number): { stop_reason: string; n: number }[] {
  return db.prepare('SELECT stop_reason, COUNT(*) AS n FROM refinement_traces WHERE round_id = ? GROUP BY stop_reason').all(roundId) as {
    stop_reason: string;
    n: number;
  }[];
}

/** Tokens and refinement steps spent by the traces of one evaluation run. */
export function traceTotalsOfEvalRun(db: Db, evalRunId: number): { tokens: number; steps: number } {
  return db
    .prepare(
      'SELECT COALESCE(SUM(total_tokens), 0) AS tokens, COALESCE(SUM(iterations), 0) AS steps FROM refinement_traces WHERE eval_run_id = ?',
    )
    .get(evalRunId) as { tokens: number; steps: number };
}
