import type { jobsMethods } from '../../../shared/contract/jobs';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import { controlJob } from './control';
import { getJobDetail, getJobRow, listJobs, listLogs } from './jobs-repo';
import { describeJobKinds } from './registry';
import { jobRunner, queueJob } from './runner';
// Every engine that serves the contract knows every job kind.

/**
 * Reading and controlling jobs works without starting a runner in this process (a `toolsmith jobs list`
 * must not start resuming jobs); starting one uses the workspace's runner.
 */
export const jobsHandlers: Handlers<typeof jobsMethods> = {
  'jobs.kinds': () => ({ items: describeJobKinds() }),
  'jobs.list': (input, ctx) => ({ items: listJobs(ctx.db, input) }),
  'jobs.get': ({ id }, ctx) => {
    const job = getJobDetail(ctx.db, id);
    if (!job) throw new ApiError('not_found', `Job ${id} was not found.`, { id });
    return job as never;
  },
  'jobs.logs': (input, ctx) => {
    if (!getJobRow(ctx.db, input.id)) throw new ApiError('not_found', `Job ${input.id} was not found.`, { id: input.id });
    return listLogs(ctx.db, input);
  },
  'jobs.start': ({ kind, settings, queueOnly }, ctx) => (queueOnly ? queueJob(ctx, kind, settings) : jobRunner(ctx).start(kind, settings)),
  'jobs.wait': ({ id, here }, ctx) => {
    const runner = jobRunner(ctx);
    if (here) runner.adopt(id);
    else if (!getJobRow(ctx.db, id)) throw new ApiError('not_found', `Job ${id} was not found.`, { id });
    return runner.waitFor(id);
  },
  'jobs.pause': ({ id }, ctx) => controlJob(ctx, id, 'pause'),
  'jobs.resume': ({ id }, ctx) => controlJob(ctx, id, 'resume'),
  'jobs.cancel': ({ id }, ctx) => controlJob(ctx, id, 'cancel'),
  'jobs.retry': ({ id }, ctx) => controlJob(ctx, id, 'retry'),
};
