import type { Db } from '../db/open';
import { notFound } from '../core/engine-error';

export interface TraceFilter {
  changed?: boolean;
  stopReason?: string;
  iterations?: number;
  evalRunId?: number;
}

function where(filter: TraceFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.changed !== undefined) {
    clauses.push('t.changed = ?');
    params.push(filter.changed ? 1 : 0);
  }
  if (filter.stopReason) {
    clauses.push('t.stop_reason = ?');
    params.push(filter.stopReason);
  }
  if (filter.iterations !== undefined) {
    clauses.push('t.iterations = ?');
    params.push(filter.iterations);
  }
  if (filter.evalRunId !== undefined) {
    clauses.push('t.eval_run_id = ?');
    params.push(filter.evalRunId);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const ROW = `t.id, t.query, t.stop_reason AS stopReason, t.iterations, t.changed, t.final_text AS finalText, t.total_tokens AS totalTokens,
  t.total_ms AS totalMs, m.name AS model, r.seq AS roundSeq, t.eval_run_id AS evalRunId, t.created_at AS createdAt`;
const FROM = 'refinement_traces t LEFT JOIN models m ON m.id = t.model_id LEFT JOIN rounds r ON r.id = t.round_id';

type Row = { changed: number | boolean } & Record<string, unknown>;
const toRow = <T extends Row>(r: T) => ({ ...r, changed: r.changed === 1 || r.changed === true });

export function listTraces(db: Db, filter: TraceFilter, offset: number, limit: number) {
  const w = where(filter);
  const rows = (
    db.prepare(`SELECT ${ROW} FROM ${FROM} ${w.sql} ORDER BY t.id DESC LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as Row[]
  ).map(toRow);
  const total = db
    .prepare(`SELECT COUNT(*) FROM refinement_traces t ${w.sql}`)
    .pluck()
    .get(...w.params) as number;
  // The histogram and stop reasons describe all traces, so a filter never hides the whole distribution.
  const histogram = db
    .prepare('SELECT iterations, COUNT(*) AS count FROM refinement_traces GROUP BY iterations ORDER BY iterations')
    .all() as { iterations: number; count: number }[];
  const stopReasons = db
    .prepare('SELECT stop_reason AS reason, COUNT(*) AS count FROM refinement_traces GROUP BY stop_reason ORDER BY count DESC')
    .all() as { reason: string; count: number }[];
  return { rows: rows as never[], total, histogram, stopReasons };
}

export function traceDetail(db: Db, id: number) {
  const row = db.prepare(`SELECT ${ROW}, t.tools_json FROM ${FROM} WHERE t.id = ?`).get(id) as (Row & { tools_json: string }) | undefined;
  if (!row) throw notFound(`Refinement trace ${id}`);
  const { tools_json, ...trace } = row;
  const steps = (
    db
      .prepare(
        'SELECT seq, input_text AS input, output_text AS output, canonical_json, verdicts_json, tokens, ms FROM trace_steps WHERE trace_id = ? ORDER BY seq',
      )
      .all(id) as {
      seq: number;
      input: string;
      output: string;
      canonical_json: string | null;
      verdicts_json: string | null;
      tokens: number;
      ms: number;
    }[]
  ).map(({ canonical_json, verdicts_json, ...s }) => ({
    ...s,
    canonical: canonical_json ? (JSON.parse(canonical_json) as unknown) : null,
    verdicts: verdicts_json ? (JSON.parse(verdicts_json) as unknown) : null,
  }));
  return { trace: toRow(trace) as never, tools: JSON.parse(tools_json) as unknown, steps };
}
