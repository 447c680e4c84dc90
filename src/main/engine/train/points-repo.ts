import type { TrainProgress, TrainRunCurve } from '../../../shared/contract/train';
import type { Db } from '../db/open';

/** Stores one progress point of a training run (the curve the Rounds and Jobs views draw). */
export function insertTrainPoint(
  db: Db,
  point: { runKey: string; roundId?: number | null; jobId?: number | null; progress: TrainProgress },
): void {
  db.prepare('INSERT INTO train_points (round_id, job_id, run_key, step, progress_json) VALUES (?, ?, ?, ?, ?)').run(
    point.roundId ?? null,
    point.jobId ?? null,
    point.runKey,
    point.progress.step,
    JSON.stringify(point.progress),
  );
}

export function trainPointsOfRound(db: Db, roundId: number): TrainProgress[] {
  return (db.prepare('SELECT progress_json FROM train_points WHERE round_id = ? ORDER BY id').pluck().all(roundId) as string[]).map(
    (p) => JSON.parse(p) as TrainProgress,
  );
}

/** The stored curves of a job's training runs (or of one run), each in report order; runs oldest first. */
export function trainCurves(db: Db, filter: { jobId?: number; runId?: string }): TrainRunCurve[] {
  const conditions: [sql: string, value: number | string | undefined][] = [
    ['job_id = ?', filter.jobId],
    ['run_key = ?', filter.runId],
  ];
  const used = conditions.filter(([, v]) => v !== undefined);
  const where = used.map(([sql]) => sql);
  const args = used.map(([, v]) => v!);
  const rows = db
    .prepare(
      `SELECT run_key, job_id, round_id, progress_json FROM train_points ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
    )
    .all(...args) as { run_key: string; job_id: number | null; round_id: number | null; progress_json: string }[];
  const runs = new Map<string, TrainRunCurve>();
  for (const r of rows) {
    let run = runs.get(r.run_key);
    if (!run) runs.set(r.run_key, (run = { runId: r.run_key, jobId: r.job_id, roundId: r.round_id, points: [] }));
    run.points.push(JSON.parse(r.progress_json) as TrainProgress);
  }
  return [...runs.values()];
}

/** Forgets a training run's stored curve (its run key), before the run is started over. */
export function deleteTrainPointsOfRun(db: Db, runKey: string): void {
  db.prepare('DELETE FROM train_points WHERE run_key = ?').run(runKey);
}
