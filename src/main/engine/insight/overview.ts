import type { Db } from '../db/open';
import { roundSummaries } from './rounds';

/** The Overview's headline numbers. */
export function overview(db: Db) {
  const accepted = db
    .prepare(
      `SELECT m.id, m.name, m.kind, m.created_at AS createdAt FROM rounds r JOIN models m ON m.id = r.result_model_id
       WHERE r.state = 'accepted' ORDER BY r.finished_at DESC, r.id DESC LIMIT 1`,
    )
    .get() as { id: number; name: string; kind: string; createdAt: string } | undefined;
  const newest = db.prepare('SELECT id, name, kind, created_at AS createdAt FROM models ORDER BY id DESC LIMIT 1').get() as typeof accepted;
  const rounds = roundSummaries(db);
  // Per run, in round order; a round that was rolled back, cancelled or failed is marked (inTrend false) and
  // stays out of the line, and so does an unfinished evaluation (a cancelled baseline is no 0 %).
  const trend = (
    db
      .prepare(
        `SELECT r.run_id AS runId, r.seq, r.state, s.name AS "set", e.finished_at IS NOT NULL AS finished,
                COALESCE(SUM(x.valid), 0) AS correct, COUNT(x.id) AS items
           FROM eval_runs e JOIN rounds r ON r.id = e.round_id JOIN eval_sets s ON s.id = e.set_id
           LEFT JOIN eval_results x ON x.run_id = e.id
          WHERE COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') = 'unconstrained'
          GROUP BY e.id ORDER BY (SELECT MIN(f.id) FROM rounds f WHERE f.run_id = r.run_id), r.seq, e.id`,
      )
      .all() as { runId: string; seq: number; state: string; set: string; finished: number; correct: number; items: number }[]
  ).map((t) => {
    const state = rounds.find((r) => r.runId === t.runId && r.seq === t.seq)?.state ?? t.state;
    return {
      label: `round ${t.seq}`,
      runId: t.runId,
      seq: t.seq,
      state,
      set: t.set,
      correct: t.correct,
      items: t.items,
      accuracy: t.items ? t.correct / t.items : 0,
      inTrend: state === 'accepted' && t.finished === 1 && t.items > 0,
    };
  });
  const running = db
    .prepare(
      "SELECT id, title, state FROM jobs WHERE state IN ('running','cancelling','paused','queued') ORDER BY CASE state WHEN 'running' THEN 0 ELSE 1 END, id DESC LIMIT 1",
    )
    .get() as { id: number; title: string; state: string } | undefined;
  return { currentModel: accepted ?? newest ?? null, lastRound: rounds[rounds.length - 1] ?? null, trend, runningJob: running ?? null };
}
