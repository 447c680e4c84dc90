import type { trainMethods } from '../../../shared/contract/train';
import type { Handlers } from '../core/handlers';
import { trainCurves } from './points-repo';
import { trainerEnvStatus } from './python/env';

export const trainHandlers: Handlers<typeof trainMethods> = {
  'trainer.status': () => trainerEnvStatus(),
  'train.curves': (input, ctx) => ({ runs: trainCurves(ctx.db, input) }),
};
