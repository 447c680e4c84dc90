import type { TrainProgress } from '../../../shared/contract/train';
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
