import type { RoundSummary } from '../../../shared/contract/insight';
import type { Db } from '../db/open';
import { trainPointsOfRound } from '../train/points-repo';
import { roundCounts } from '../evolution/round-counts';

interface RoundRow {
  id: number;
  run_id: string;
  seq: number;
  state: string;
  stage: string | null;
  base_model_id: number | null;
  base_name: string | null;
  result_model_id: number | null;
  result_name: string | null;
  started_at: string;
  finished_at: string | null;
}

/** Every round (of one run, or all), with what the dashboards show about it. */
export function roundSummaries(db: Db, runId?: string): RoundSummary[] {
  const rounds = db
    .prepare(
      `SELECT r.id, r.run_id, r.seq,
              -- A round whose job was cancelled or failed mid-way is shown as such, not as still running.
              CASE WHEN r.state = 'running' AND j.state IN ('cancelled', 'failed', 'paused') THEN j.state ELSE r.state END AS state,
              r.stage, r.base_model_id, b.name AS base_name, r.result_model_id, m.name AS result_name,
              r.started_at, r.finished_at
       FROM rounds r LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN models b ON b.id = r.base_model_id LEFT JOIN models m ON m.id = r.result_model_id
       ${runId ? 'WHERE r.run_id = ?' : ''} ORDER BY r.started_at, r.run_id, r.seq`,
    )
    .all(...(runId ? [runId] : [])) as RoundRow[];
  const buckets = db.prepare(
    'SELECT bucket, COUNT(*) AS n, SUM(selected) AS selected FROM sample_passk WHERE round_id = ? GROUP BY bucket',
  );
  const previous = db.prepare('SELECT id FROM rounds WHERE run_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1').pluck();
  const movement = db.prepare(
    `SELECT a.bucket AS "from", b.bucket AS "to", COUNT(*) AS count FROM sample_passk a JOIN sample_passk b ON b.sample_id = a.sample_id
     WHERE a.round_id = ? AND b.round_id = ? GROUP BY a.bucket, b.bucket ORDER BY a.bucket, b.bucket`,
  );
  const metrics = db.prepare('SELECT name, category, value FROM round_metrics WHERE round_id = ? ORDER BY name, category');
  const evalRuns = db.prepare(
    `SELECT e.id, s.name AS "set", COUNT(x.id) AS items, COALESCE(SUM(x.valid), 0) AS correct, AVG(x.valid) AS accuracy,
            COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') AS mode
     FROM eval_runs e JOIN eval_sets s ON s.id = e.set_id LEFT JOIN eval_results x ON x.run_id = e.id
     WHERE e.round_id = ? GROUP BY e.id ORDER BY e.id`,
  );
  return rounds.map((r) => {
    const c = roundCounts(db, r.id);
    const b = buckets.all(r.id) as { bucket: keyof RoundSummary['buckets']; n: number; selected: number }[];
    const prev = previous.get(r.run_id, r.seq) as number | undefined;
    return {
      id: r.id,
      runId: r.run_id,
      seq: r.seq,
      state: r.state,
      stage: r.stage,
      baseModel: r.base_model_id !== null && r.base_name ? { id: r.base_model_id, name: r.base_name } : null,
      resultModel: r.result_model_id !== null && r.result_name ? { id: r.result_model_id, name: r.result_name } : null,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      // One source for the counts (round-counts.ts): the cards, the metrics table, the CLI and the model card.
      generated: c.generated,
      verified: c.verified,
      selected: c.selected,
      counts: c,
      buckets: {
        mastered: b.find((x) => x.bucket === 'mastered')?.n ?? 0,
        learnable: b.find((x) => x.bucket === 'learnable')?.n ?? 0,
        unreachable: b.find((x) => x.bucket === 'unreachable')?.n ?? 0,
      },
      movement: prev === undefined ? [] : (movement.all(prev, r.id) as RoundSummary['movement']),
      metrics: metrics.all(r.id) as RoundSummary['metrics'],
      trainCurve: trainPointsOfRound(db, r.id),
      evalRuns: (
        evalRuns.all(r.id) as { id: number; set: string; items: number; correct: number; accuracy: number | null; mode: string }[]
      ).map((e) => ({
        ...e,
        mode: e.mode === 'constrained' ? ('constrained' as const) : ('unconstrained' as const),
        accuracy: e.items ? e.accuracy : null,
      })),
    };
  });
}
