import type { LeaderboardEntry } from '../../../shared/contract/eval';
import type { Db } from '../db/open';

interface EntryRow {
  runId: number;
  setId: number;
  set: string;
  modelId: number | null;
  model: string | null;
  roundId: number | null;
  roundRun: string | null;
  roundSeq: number | null;
  mode: string | null;
  label: string;
  correct: number;
  total: number;
  finishedAt: string | null;
  createdAt: string;
}

/**
 * Every evaluation run with its counts from the stored results, whoever started it: a round's evaluation
 * (eval_runs.round_id), `models.evaluate`, or outputs checked from a file (no model). Counting the results
 * rather than reading the summary keeps a run that is going or was stopped visible with what it has.
 */
export function leaderboardEntries(db: Db, setId?: number): LeaderboardEntry[] {
  const rows = db
    .prepare(
      `SELECT e.id AS runId, e.set_id AS setId, s.name AS "set", e.model_id AS modelId, m.name AS model,
              r.id AS roundId, r.run_id AS roundRun, r.seq AS roundSeq,
              json_extract(CASE WHEN json_valid(e.settings_json) THEN e.settings_json ELSE '{}' END, '$.evalMode') AS mode,
              e.label, COALESCE(SUM(x.valid), 0) AS correct, COUNT(x.id) AS total, e.finished_at AS finishedAt, e.created_at AS createdAt
       FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id
       LEFT JOIN models m ON m.id = e.model_id LEFT JOIN rounds r ON r.id = e.round_id
       LEFT JOIN eval_results x ON x.run_id = e.id
       WHERE (? IS NULL OR e.set_id = ?)
       GROUP BY e.id ORDER BY e.id DESC`,
    )
    .all(setId ?? null, setId ?? null) as EntryRow[];
  return rows.map((r) => ({
    runId: r.runId,
    setId: r.setId,
    set: r.set,
    modelId: r.modelId,
    model: r.model,
    round: r.roundId !== null && r.roundRun !== null && r.roundSeq !== null ? { id: r.roundId, run: r.roundRun, seq: r.roundSeq } : null,
    source: r.roundId !== null ? 'round' : r.modelId !== null ? 'model' : 'checked',
    mode: r.mode === 'constrained' ? 'constrained' : 'free',
    label: r.label,
    correct: r.correct,
    total: r.total,
    accuracy: r.total > 0 ? r.correct / r.total : null,
    finished: r.finishedAt !== null,
    createdAt: r.createdAt,
  }));
}
