import { useState } from 'react';
import type { JobProgressEvent } from '../../../shared/contract/jobs';
import { formatEta } from '../../../shared/format';
import { useEvent } from '../api/client';

/** A job's latest progress event, with its ETA in words (`2 h 3 min left`, '' when unknown). */
export interface JobProgress extends JobProgressEvent {
  eta: string;
}

function withEta(event: JobProgressEvent): JobProgress {
  return { ...event, eta: formatEta(event.etaSeconds) };
}

/** The latest `jobs.progress` of every job seen since the component mounted, by job id. */
export function useJobsProgress(): Record<number, JobProgress> {
  const [all, setAll] = useState<Record<number, JobProgress>>({});
  useEvent('jobs.progress', (event) => setAll((prev) => ({ ...prev, [event.jobId]: withEta(event) })));
  return all;
}

/** The latest progress of one job (undefined before its first event, or with no job). */
export function useJobProgress(jobId: number | null | undefined): JobProgress | undefined {
  const all = useJobsProgress();
  return jobId === null || jobId === undefined ? undefined : all[jobId];
}
