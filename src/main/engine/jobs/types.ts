import type { z } from 'zod';
import type { EventName, EventPayload } from '../../../shared/contract';
import type { JobResource, LogLevel } from '../../../shared/contract/jobs';
import type { Db } from '../db/open';
import type { EngineContext } from '../core/context';

/**
 * What a step's `run` gets. A step must be safe to run again from its last checkpoint: it reads
 * `checkpoint`, does the next piece of work, and stores that work's rows together with the new
 * checkpoint through `commit` (one transaction). Work that was not committed is simply done again.
 */
export interface StepContext<S = unknown, C = unknown> {
  readonly db: Db;
  /** The engine the job runs in: its services (the model runtime), events and workspace. */
  readonly engine: EngineContext;
  readonly jobId: number;
  readonly stepId: number;
  /** 0-based position of this step in the job. */
  readonly seq: number;
  readonly name: string;
  /** The job's settings as used (parsed by the kind's schema when the job was started). */
  readonly settings: S;
  /** The step's own `input` from its StepDef (stored with the job). */
  readonly input: unknown;
  /** The checkpoint last committed by this step (undefined on its first run). Validate it before use. */
  readonly checkpoint: C | undefined;
  /** 1 on the first try; counts retries and resumes. */
  readonly attempt: number;
  /** Aborted on pause, cancel, retry backoff shutdown and engine close: pass it to model runtimes and trainers. */
  readonly signal: AbortSignal;
  /** Outputs of the steps before this one, by step name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /**
   * Runs `write` (the step's data writes) and stores `checkpoint` (and the progress reported so far)
   * in ONE transaction. Throws an AbortError, after rolling back, when the job has meanwhile been
   * paused or cancelled (so a stale run can never write); throws an AbortError after committing when
   * the signal is aborted, so steps that forget to check the signal still stop at their next commit.
   */
  commit(write: (db: Db) => void, checkpoint: C): void;
  /** Reports progress (cheap: events are throttled to ≤ 10/s per job, rate and ETA computed here). */
  progress(done: number, total?: number | null, message?: string): void;
  /** Stores a log line for the job (shown in the Jobs view, `jobs.logs`). */
  log(level: LogLevel, message: string): void;
  /** Sends a contract event on the engine's bus (e.g. `train.progress` while a step trains). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Throws an AbortError when the job was paused or cancelled. */
  throwIfAborted(): void;
  /** Waits `ms`, rejecting with an AbortError as soon as the signal aborts. */
  sleep(ms: number): Promise<void>;
}

export interface StepDef<S = unknown, C = unknown> {
  /** Unique within the job; shown in the UI. Changing a kind's step names breaks resuming old jobs. */
  name: string;
  /** JSON stored with the step (beside a snapshot of the settings) so the run can be traced. */
  input?: unknown;
  /** Overrides the kind's retry policy for this step. */
  retry?: RetryPolicy;
  /** Returns the step's output (JSON), stored with the step once it is done. */
  run(step: StepContext<S, C>): Promise<unknown> | unknown;
}

export interface RetryPolicy {
  /** Tries in all, including the first (default 3). Only errors marked retryable are retried. */
  attempts?: number;
  /** First backoff in ms, doubled each retry (default 1000). */
  baseDelayMs?: number;
  /** Backoff ceiling in ms (default 30 000). */
  maxDelayMs?: number;
}

export interface JobKindDef<Schema extends z.ZodType = z.ZodType> {
  /** Stable id stored in the jobs table (e.g. 'evolution.round', 'eval.run', 'import.samples'). */
  kind: string;
  /** Shown in lists; a function may use the settings ("Evaluate qwen-0.5b on BFCL simple"). */
  title: string | ((settings: z.output<Schema>) => string);
  /** 'model' when the job's steps use the model runtime or a trainer: one such job runs at a time. */
  resource: JobResource;
  /** Validates and completes (defaults) the settings given to `jobs.start`; the parsed value is stored. */
  settings: Schema;
  /** The ordered steps for these settings, decided once when the job is created. */
  steps(settings: z.output<Schema>): StepDef<z.output<Schema>>[];
  retry?: RetryPolicy;
  /**
   * What the job's first item depends on (threads, cores free, model size), written to its log when no item
   * has finished a minute after it started, so that a slow start says why instead of sitting at 0 %.
   */
  slowStartHint?(settings: z.output<Schema>, engine: EngineContext): string;
}

/** Throw this (or any error with `retryable: true`) for failures worth retrying: remote backend hiccups, timeouts. */
export class RetryableError extends Error {
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export function abortError(message = 'The job was stopped.'): Error {
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
