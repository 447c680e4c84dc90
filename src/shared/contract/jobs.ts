import { z } from 'zod';
import { method } from './define';

/** Lifecycle of a job. `cancelling` lasts until the running step has unwound (≤ 2 s). */
export const JobState = z.enum(['queued', 'running', 'paused', 'cancelling', 'cancelled', 'failed', 'done']);
export type JobState = z.infer<typeof JobState>;
export const FINISHED_JOB_STATES: readonly JobState[] = ['cancelled', 'failed', 'done'];

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepState>;

/** `model`: needs the (one) model runtime, so only one such job runs at a time; `light`: runs beside it. */
export const JobResource = z.enum(['light', 'model']);
export type JobResource = z.infer<typeof JobResource>;

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

const JobId = z.number().int().positive();
const Timestamp = z.string().nullable();

export const JobSummary = z.object({
  id: JobId,
  kind: z.string(),
  title: z.string(),
  state: JobState,
  resource: JobResource,
  createdAt: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  updatedAt: z.string(),
  /** Why it failed (the error's message); the stack is in `JobDetail.errorStack`. */
  error: z.string().nullable(),
  stepCount: z.number().int(),
  stepsDone: z.number().int(),
  /** The first step not yet done (null when all are). */
  currentStep: z
    .object({ seq: z.number().int(), name: z.string(), state: StepState, done: z.number(), total: z.number().nullable() })
    .nullable(),
  /** 0…1 over the whole job: finished steps plus the current step's done/total. */
  fraction: z.number(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobStep = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  name: z.string(),
  state: StepState,
  /** `{ settings, input }`: the job's settings as used, and what this step was given. */
  input: z.json(),
  output: z.json().nullable(),
  checkpoint: z.json().nullable(),
  done: z.number(),
  total: z.number().nullable(),
  attempts: z.number().int(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});
export type JobStep = z.infer<typeof JobStep>;

export const JobDetail = JobSummary.extend({
  /** The settings as they were used (validated and with defaults applied). */
  settings: z.json(),
  /** The last step's output. */
  result: z.json().nullable(),
  errorStack: z.string().nullable(),
  steps: z.array(JobStep),
});
export type JobDetail = z.infer<typeof JobDetail>;

export const JobLog = z.object({
  id: z.number().int(),
  jobId: JobId,
  stepId: z.number().int().nullable(),
  level: LogLevel,
  message: z.string(),
  at: z.string(),
});
export type JobLog = z.infer<typeof JobLog>;

export const JobKindInfo = z.object({
  kind: z.string(),
  title: z.string(),
  resource: JobResource,
  /** JSON Schema of the kind's settings (null when it cannot be expressed). */
  settingsSchema: z.json().nullable(),
});
export type JobKindInfo = z.infer<typeof JobKindInfo>;

const ById = z.object({ id: JobId });

export const jobsMethods = {
  'jobs.kinds': method(z.object({}).default({}), z.object({ items: z.array(JobKindInfo) }), 'List the kinds of job that can be started.'),
  'jobs.list': method(
    z
      .object({
        states: z.array(JobState).optional(),
        kind: z.string().optional(),
        /** Page backwards: only jobs with a smaller id. */
        beforeId: JobId.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .default({ limit: 100 }),
    z.object({ items: z.array(JobSummary) }),
    'List jobs, newest first.',
  ),
  'jobs.get': method(ById, JobDetail, 'One job with its settings, steps, result and error.'),
  'jobs.logs': method(
    z.object({
      id: JobId,
      /** Page forwards: only log lines with a larger id. */
      afterId: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(500),
      minLevel: LogLevel.default('debug'),
    }),
    z.object({ items: z.array(JobLog), total: z.number().int(), nextAfterId: z.number().int().nullable() }),
    "A page of a job's stored log lines, oldest first.",
  ),
  'jobs.start': method(
    z.object({
      kind: z.string().min(1),
      settings: z.record(z.string(), z.unknown()).default({}),
      /** Store it only: no runner starts in this process (a short CLI command queueing for the open app or server). */
      queueOnly: z.boolean().default(false),
    }),
    JobSummary,
    "Queue a job; its settings are checked against the kind's schema and stored as used.",
  ),
  'jobs.wait': method(
    z.object({
      id: JobId,
      /** Run it in this engine's process while waiting (a foreground CLI command); `conflict` when another process runs it. */
      here: z.boolean().default(false),
    }),
    JobSummary,
    'Resolves with the job once it has finished (done, failed or cancelled).',
  ),
  'jobs.pause': method(ById, JobSummary, 'Pause a queued or running job (the running step stops at once; its last checkpoint is kept).'),
  'jobs.resume': method(ById, JobSummary, 'Queue a paused job again; it goes on from its checkpoints.'),
  'jobs.cancel': method(ById, JobSummary, 'Cancel a job; finished steps and their data stay.'),
  'jobs.retry': method(ById, JobSummary, 'Queue a failed or cancelled job again, from its checkpoints.'),
} as const;

export const JobProgressEvent = z.object({
  jobId: JobId,
  stepId: z.number().int(),
  seq: z.number().int(),
  step: z.string(),
  stepCount: z.number().int(),
  done: z.number(),
  total: z.number().nullable(),
  /** Items per second over the recent past (null until measurable). */
  rate: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  message: z.string().nullable(),
  /** 0…1 over the whole job. */
  fraction: z.number(),
});
export type JobProgressEvent = z.infer<typeof JobProgressEvent>;

export const jobsEvents = {
  /** Throttled to at most 10 per second per job. */
  'jobs.progress': JobProgressEvent,
  /** A job was created or changed state (or its current step changed). */
  'jobs.changed': z.object({ job: JobSummary }),
  'jobs.log': JobLog,
} as const;
