/**
 * Runner liveness by lease, and the one-model-job rule in the database.
 *
 * A bare `runner_pid` cannot tell a live runner from a reused PID, so a runner now holds a lease on each job
 * it executes (`lease_expires_at`, ms since the epoch, renewed by a heartbeat); a job whose lease ran out is
 * ownerless whatever its PID. The partial unique index lets at most one `model` job be running (or
 * cancelling) across every process that opens the workspace: a second claim fails in SQLite itself.
 *
 * Jobs left running by an older Toolsmith have no lease; any model job beyond the first is queued again
 * (its unfinished steps pending, its checkpoints kept) so that the index can be built.
 */
export const sql = /* sql */ `
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;

UPDATE job_steps SET state = 'pending'
  WHERE state IN ('running','failed') AND job_id IN (
    SELECT id FROM jobs WHERE resource = 'model' AND state IN ('running','cancelling')
      AND id <> (SELECT MIN(id) FROM jobs WHERE resource = 'model' AND state IN ('running','cancelling')));
UPDATE jobs SET state = 'queued', run_token = NULL
  WHERE resource = 'model' AND state IN ('running','cancelling')
    AND id <> (SELECT MIN(id) FROM jobs WHERE resource = 'model' AND state IN ('running','cancelling'));

CREATE UNIQUE INDEX jobs_one_model_job ON jobs(resource) WHERE resource = 'model' AND state IN ('running','cancelling');
`;
