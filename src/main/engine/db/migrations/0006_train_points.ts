/** Training curves: each progress point a training run reports, kept with the round (and job) that ran it. */
export const sql = /* sql */ `
CREATE TABLE train_points (
  id INTEGER PRIMARY KEY,
  round_id INTEGER REFERENCES rounds(id) ON DELETE CASCADE,
  job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
  run_key TEXT NOT NULL,
  step INTEGER NOT NULL,
  progress_json TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX train_points_round ON train_points(round_id, id);
CREATE INDEX train_points_run ON train_points(run_key, id);
`;
