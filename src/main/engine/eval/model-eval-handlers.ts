import type { modelEvalMethods } from '../../../shared/contract/models';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../api/handlers';
import { openBackend } from '../models/backend-select';
import { evaluateModel } from './model-eval';

export const modelEvalHandlers: Handlers<typeof modelEvalMethods> = {
  'models.evaluate': async (input, ctx) => {
    if (input.model !== undefined && input.remote)
      throw new ApiError('invalid_input', 'Give either model (a local model) or remote (a server), not both.', { field: 'remote' });
    const { backend, modelId, release } = await openBackend(
      ctx,
      input.remote ? { kind: 'remote', ...input.remote } : { kind: 'local', model: input.model },
    );
    try {
      const run = await evaluateModel(ctx.db, {
        backend,
        set: input.set,
        modelId,
        label: input.label,
        resumeRunId: input.resumeRunId,
        settings: {
          sampling: input.sampling,
          constrain: input.constrain,
          decoder: input.decoder,
          categories: input.categories,
          limit: input.limit,
        },
        onProgress: (p) => ctx.events.emit('models.evalProgress', p),
      });
      return run;
    } finally {
      await release();
    }
  },
};
