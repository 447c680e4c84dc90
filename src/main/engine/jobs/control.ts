import type { JobSummary } from '../../../shared/contract/jobs';
import { ApiError } from '../../../shared/contract/errors';
import type { EngineContext } from '../core/context';
import { getJobRow, getJobSummary, resetUnfinishedSteps, setJobState, type JobRow, clearJobOutcome } from './jobs-repo';

/**
 * User actions on a job (pause, resume, cancel, retry) are state changes in the database, so they work
 * the same from the app, the server, or a second `toolsmith` process. The runner that executes the job
 * reacts: at once when it lives in this process (`notify`), within its watch interval otherwise.
 */
export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry';

/** Run tokens of executions alive in this process (a pid alone cannot tell a live runner from a closed one). */
export const liveTokens = new Set<string>();

/** Runners in this process, told about every action. */
export const localRunners = new Set<{ notify(jobId: number): void }>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is some live process executing this job right now? In this process the run token says it exactly.
 * Elsewhere the runner's lease must still hold (a PID alone may have been reused by another program) and
 * its process must exist (so that a crash is seen at once, not only when the lease runs out).
 */
export function ownerAlive(row: Pick<JobRow, 'runner_pid' | 'run_token' | 'lease_expires_at'>, now = Date.now()): boolean {
  if (row.runner_pid === null || row.run_token === null) return false;
  if (row.runner_pid === process.pid) return liveTokens.has(row.run_token);
  if (row.lease_expires_at === null || row.lease_expires_at <= now) return false;
  return pidAlive(row.runner_pid);
}

function conflict(row: JobRow, action: JobAction): ApiError {
  const hint: Record<JobAction, string> = {
    pause: 'only queued or running jobs can be paused',
    resume: 'only paused jobs can be resumed (use retry for failed or cancelled ones)',
    cancel: 'finished jobs cannot be cancelled',
    retry: 'only failed or cancelled jobs can be retried',
  };
  return new ApiError('conflict', `Cannot ${action} job ${row.id} (${row.kind}): it is ${row.state}; ${hint[action]}.`, {
    id: row.id,
    state: row.state,
  });
}

/** Applies one action in one transaction; returns the job as it is now. */
export function controlJob(ctx: EngineContext, id: number, action: JobAction): JobSummary {
  const db = ctx.db;
  db.transaction(() => {
    const row = getJobRow(db, id);
    if (!row) throw new ApiError('not_found', `Job ${id} was not found.`, { id });
    const from = [row.state];
    switch (action) {
      case 'pause':
        if (row.state === 'paused') return;
        if (row.state !== 'queued' && row.state !== 'running') throw conflict(row, action);
        setJobState(db, id, 'paused', { fromStates: from });
        return;
      case 'resume':
        if (row.state === 'running' && !ownerAlive(row)) {
          // Left running by a process that died: go on from its checkpoints.
          setJobState(db, id, 'queued', { fromStates: from });
          resetUnfinishedSteps(db, id);
          return;
        }
        if (row.state === 'queued' || row.state === 'running') return;
        if (row.state !== 'paused') throw conflict(row, action);
        setJobState(db, id, 'queued', { fromStates: from });
        return;
      case 'cancel':
        if (row.state === 'cancelled') return;
        if (row.state === 'done' || row.state === 'failed') throw conflict(row, action);
        // A running job becomes `cancelling` until its step unwinds; with no live runner it is over now.
        if ((row.state === 'running' || row.state === 'cancelling') && ownerAlive(row)) {
          setJobState(db, id, 'cancelling', { fromStates: from });
        } else {
          setJobState(db, id, 'cancelled', { fromStates: from, finished: true });
        }
        return;
      case 'retry':
        if (row.state !== 'failed' && row.state !== 'cancelled') throw conflict(row, action);
        clearJobOutcome(db, id);
        resetUnfinishedSteps(db, id);
        setJobState(db, id, 'queued', { fromStates: from });
        return;
    }
  }).immediate();
  const job = getJobSummary(db, id)!;
  ctx.events.emit('jobs.changed', { job });
  for (const runner of localRunners) runner.notify(id);
  return job;
}
