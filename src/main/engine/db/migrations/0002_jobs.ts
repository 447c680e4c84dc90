/**
 * Job scheduler additions: who runs a job (so a second process never resumes a job a live process
 * runs, and a stale execution can no longer write once its job was paused, cancelled or re-claimed),
 * and the rows of the built-in `demo` job kind.
 */
export const sql = /* sql */ `
ALTER TABLE jobs ADD COLUMN runner_pid INTEGER;
ALTER TABLE jobs ADD COLUMN run_token TEXT;
CREATE INDEX jobs_kind ON jobs(kind, id);

CREATE TABLE demo_rows (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, step, idx)
) WITHOUT ROWID;
`;
