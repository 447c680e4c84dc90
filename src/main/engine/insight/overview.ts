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
  const trend = db
    .prepare(
      `SELECT 'round ' || r.seq AS label, AVG(x.valid) AS accuracy, s.name AS "set"
         FROM eval_runs e JOIN rounds r ON r.id = e.round_id JOIN eval_sets s ON s.id = e.set_id JOIN eval_results x ON x.run_id = e.id
        WHERE COALESCE(json_extract(e.settings_json, '$.evalMode'), 'unconstrained') = 'unconstrained'
         GROUP BY e.id ORDER BY r.started_at, r.seq, e.id`,
    )
    .all() as { label: string; accuracy: number; set: string }[];
  const running = db
    .prepare(
      "SELECT id, title, state FROM jobs WHERE state IN ('running','cancelling','paused','queued') ORDER BY CASE state WHEN 'running' THEN 0 ELSE 1 END, id DESC LIMIT 1",
    )
    .get() as { id: number; title: string; state: string } | undefined;
  return { currentModel: accepted ?? newest ?? null, lastRound: rounds[rounds.length - 1] ?? null, trend, runningJob: running ?? null };
}
