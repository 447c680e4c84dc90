import type { trainMethods } from '../../../shared/contract/train';
import type { Handlers } from '../api/handlers';
import { trainerEnvStatus } from './python/env';

export const trainHandlers: Handlers<typeof trainMethods> = {
  'trainer.status': () => trainerEnvStatus(),
};
