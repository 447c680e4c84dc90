import type { playgroundMethods } from '../../../shared/contract/playground';
import type { Handlers } from '../core/handlers';
import { runExchange } from './exchange';
import { playgroundRequests } from './requests';
import { savePlaygroundSample } from './save';

export const playgroundHandlers: Handlers<typeof playgroundMethods> = {
  'playground.send': (request, ctx) => runExchange(ctx, request),
  'playground.cancel': ({ requestId }, ctx) => ({ cancelled: playgroundRequests(ctx).cancel(requestId) }),
  'playground.save': (save, ctx) => savePlaygroundSample(ctx, save),
};
