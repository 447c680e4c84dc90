import type { insightMethods } from '../../../shared/contract/insight';
import type { Handlers } from '../core/handlers';
import { compareEvalRuns, evalRuns } from './eval-compare';
import { overview } from './overview';
import { roundComparisonOf } from './round-comparison';
import { roundSummaries } from './rounds';
import { listTraces, traceDetail } from './traces';

export const insightHandlers: Handlers<typeof insightMethods> = {
  'insight.rounds': ({ runId }, ctx) => ({ rounds: roundSummaries(ctx.db, runId) }),
  'insight.evalRuns': (_input, ctx) => ({ runs: evalRuns(ctx.db) }),
  'insight.evalCompare': ({ a, b }, ctx) => compareEvalRuns(ctx.db, a, b),
  'insight.roundComparison': ({ id }, ctx) => roundComparisonOf(ctx.db, id),
  'insight.traces': ({ filter, offset, limit }, ctx) => listTraces(ctx.db, filter, offset, limit),
  'insight.trace': ({ id }, ctx) => traceDetail(ctx.db, id),
  'insight.overview': (_input, ctx) => overview(ctx.db),
};
