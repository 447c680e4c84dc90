import type { Db } from '../db/open';

/**
 * What the start-up sweep reads of the jobs: the sweep runs in the workspace tier, below `jobs/`, so its one
 * read of that table lives here rather than in `jobs/jobs-repo.ts`.
 */

/** The runner PIDs of running or cancelling jobs whose lease has not run out at `now` (ms since the epoch). */
export function liveLeaseRunnerPids(db: Db, now: number): (number | null)[] {
  return (
    db.prepare("SELECT runner_pid FROM jobs WHERE state IN ('running','cancelling') AND lease_expires_at > ?").all(now) as {
      runner_pid: number | null;
    }[]
  ).map((j) => j.runner_pid);
}
