import type { Db } from '../../db/open';

/** The demo job's rows (`demo_rows`): what its steps write and its last step digests. */

/** Writes rows of one step; call it inside the step's commit. */
export function demoRowWriter(db: Db, jobId: number, step: number): (idx: number, value: string) => void {
  const insert = db.prepare('INSERT INTO demo_rows (job_id, step, idx, value) VALUES (?, ?, ?, ?)');
  return (idx, value) => void insert.run(jobId, step, idx, value);
}

export function demoRowsOf(db: Db, jobId: number): { step: number; idx: number; value: string }[] {
  return db.prepare('SELECT step, idx, value FROM demo_rows WHERE job_id = ? ORDER BY step, idx').all(jobId) as {
    step: number;
    idx: number;
    value: string;
  }[];
}
