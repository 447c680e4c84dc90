import type { JobState, JobSummary } from '../../../../shared/contract/jobs';
import type { JobProgress } from '../../ui/useJobProgress';

export const STATE_COLOR: Record<JobState, string> = {
  queued: 'gray',
  running: 'blue',
  paused: 'yellow',
  cancelling: 'orange',
  cancelled: 'gray',
  failed: 'red',
  done: 'teal',
};

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry';

/** What a person may do with a job in each state. */
export const ACTIONS: Record<JobState, JobAction[]> = {
  queued: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  cancelling: [],
  cancelled: ['retry'],
  failed: ['retry'],
  done: [],
};

export const ACTION_LABEL: Record<JobAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry' };

/** Where a job's results are shown, by the domain its kind belongs to. */
export const PRODUCED: [prefix: string, route: string, label: string][] = [
  ['evolution', '/rounds', 'Rounds'],
  ['eval', '/evaluation', 'Evaluation'],
  ['train', '/models', 'Models'],
  ['model', '/models', 'Models'],
  ['import', '/datasets', 'Datasets'],
];

export function progressOf(job: JobSummary, live: JobProgress | undefined) {
  // Live events are fresher while the job runs; the stored summary is right once it stopped.
  const useLive = live && (job.state === 'running' || job.state === 'cancelling') && live.seq >= (job.currentStep?.seq ?? 0);
  return {
    fraction: useLive ? live.fraction : job.fraction,
    step: useLive ? live.step : job.currentStep?.name,
    seq: useLive ? live.seq : job.currentStep?.seq,
    done: useLive ? live.done : job.currentStep?.done,
    total: useLive ? live.total : job.currentStep?.total,
    eta: useLive ? live.eta : '',
    rate: useLive ? live.rate : null,
    message: useLive ? live.message : null,
  };
}
