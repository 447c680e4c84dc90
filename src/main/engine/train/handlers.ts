import { ApiError } from '../../../shared/contract/errors';
import type { trainMethods } from '../../../shared/contract/train';
import type { EngineContext } from '../core/context';
import type { Handlers } from '../core/handlers';
import { getModel } from '../models/registry';
import { resolveTrainBase } from './base';
import { readDataset } from './contract';
import { registryRegistrar } from './lineage';
import { trainCurves } from './points-repo';
import { trainProgressEmitter } from './progress-events';
import { trainerEnvStatus } from './python/env';
import { runTraining } from './run';
import { pretrainStarter } from './starter-train';

/** `train.run`s of this process, by run id, so that `train.cancel` can stop one. */
const runsOf = (ctx: EngineContext) => ctx.service('train-runs', () => new Map<string, AbortController>());

export const trainHandlers: Handlers<typeof trainMethods> = {
  'train.run': async (input, ctx) => {
    const runs = runsOf(ctx);
    if (runs.has(input.runId))
      throw new ApiError('conflict', `A training run named "${input.runId}" is running already.`, { runId: input.runId });
    const controller = new AbortController();
    runs.set(input.runId, controller);
    const live = trainProgressEmitter((e) => ctx.events.emit('train.progress', e), { runId: input.runId });
    try {
      const rows = await readDataset(input.data);
      const { file, modelId } = await resolveTrainBase(ctx.db, ctx.workspace.modelsDir, input.base);
      return await runTraining(
        {
          backend: input.backend,
          ...(input.name ? { name: input.name } : {}),
          baseModel: file,
          ...(modelId !== undefined ? { baseModelId: modelId } : {}),
          examples: rows.map((r) => ({ text: r.text, spans: r.spans.map(([start, end]) => ({ start, end })) })),
          output: input.output,
          ...(input.validationShare !== undefined ? { validationShare: input.validationShare } : {}),
          hyper: input.hyper,
          register: input.register,
          ...(input.threads ? { native: { threads: input.threads } } : {}),
          ...(input.backend === 'python' ? { python: { method: input.method, ...(input.threads ? { threads: input.threads } : {}) } } : {}),
          ...(input.preset ? { command: { preset: input.preset } } : {}),
        },
        {
          signal: controller.signal,
          onProgress: (p) => live.report(p),
          onLog: (level, message) => ctx.events.emit('train.log', { runId: input.runId, level, message }),
          ...(input.register ? { register: registryRegistrar(ctx.db, ctx.workspace.modelsDir) } : {}),
        },
      );
    } finally {
      live.flush();
      runs.delete(input.runId);
    }
  },
  'train.starter': async ({ model, steps, runId }, ctx) => {
    const key = runId ?? `starter-${Date.now()}`;
    const controller = new AbortController();
    runsOf(ctx).set(key, controller);
    const live = trainProgressEmitter((e) => ctx.events.emit('train.progress', e), { runId: key });
    try {
      const starter = getModel(ctx.db, ctx.workspace.modelsDir, model);
      const result = await pretrainStarter(ctx.db, ctx.workspace.modelsDir, starter.id, {
        steps,
        signal: controller.signal,
        onProgress: (p) => live.report(p),
      });
      return {
        modelId: result.modelId!,
        file: result.file,
        firstLoss: result.metrics.firstLoss ?? null,
        finalLoss: result.metrics.finalLoss ?? null,
        heldOutAccuracy: result.heldOutAccuracy,
      };
    } finally {
      live.flush();
      runsOf(ctx).delete(key);
    }
  },
  'train.cancel': ({ runId }, ctx) => {
    const controller = runsOf(ctx).get(runId);
    controller?.abort();
    return { cancelled: controller !== undefined };
  },
  'trainer.setupStatus': ({ venv }) => trainerEnvStatus({ venvDir: venv }),
  'trainer.status': () => trainerEnvStatus(),
  'train.curves': (input, ctx) => ({ runs: trainCurves(ctx.db, input) }),
};
