import type { demoMethods } from '../../../shared/contract/demo';
import type { Handlers } from '../core/handlers';
import { getModel } from '../models/registry';
import { defaultThreads } from '../workspace/threads-setting';
import { DEMO_STARTER_SHAPE, demoSettings, ensureStarter, installDemoData, REAL_MODEL_DEMO_SETTINGS } from './demo-setup';

/**
 * `toolsmith demo`'s workspace set-up behind the contract: the built-in pool, seeds and held-out sets, then
 * the model (the given one, or the starter: reused, bundled, or taught the call format now, with progress
 * as `demo.progress` events) and the demo's budgets for it.
 */
export const demoHandlers: Handlers<typeof demoMethods> = {
  'demo.setup': async (input, ctx) => {
    const data = await installDemoData(ctx.db);
    const progress = (message: string | null, done: number | null = null, total: number | null = null) =>
      ctx.events.emit('demo.progress', { message, done, total });
    if (input.modelId !== undefined) {
      const model = getModel(ctx.db, ctx.workspace.modelsDir, input.modelId);
      return { ...data, modelId: model.id, starter: null, settings: { ...REAL_MODEL_DEMO_SETTINGS, modelId: model.id } };
    }
    const starter = await ensureStarter(ctx.db, {
      modelsDir: ctx.workspace.modelsDir,
      steps: input.starterSteps,
      bundled: input.bundledStarter,
      threads: input.threads ?? defaultThreads(ctx.db).training,
      shape: DEMO_STARTER_SHAPE,
      log: (line) => progress(line),
      onProgress: (p) => progress(p.loss !== undefined ? `loss ${p.loss.toFixed(3)}` : null, p.step, p.totalSteps ?? null),
    });
    const { id, ...how } = starter;
    return { ...data, modelId: id, starter: how, settings: { ...demoSettings(starter.bundled), modelId: id } };
  },
};
