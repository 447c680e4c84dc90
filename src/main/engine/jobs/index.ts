/**
 * The job scheduler's public surface for hosts and handlers. Modules that DEFINE job kinds import from
 * `jobs/registry` and `jobs/types` instead (this file loads `./kinds`, which loads them: no cycles).
 */
export { defineJobKind, findJobKind, jobKindNames } from './registry';
export { JobRunner, jobRunner, createJob, abortableSleep, type JobRunnerOptions } from './runner';
export { controlJob, type JobAction } from './control';
export {
  RetryableError,
  isRetryable,
  abortError,
  isAbortError,
  type StepContext,
  type StepDef,
  type JobKindDef,
  type RetryPolicy,
} from './types';
