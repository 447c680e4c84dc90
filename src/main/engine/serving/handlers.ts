import { ApiError } from '../../../shared/contract/errors';
import type { ServedModel, servingMethods } from '../../../shared/contract/serving';
import type { Disposable, EngineContext } from '../core/context';
import type { Handlers } from '../core/handlers';
import type { LocalBackend } from '../inference/local-backend';
import { createServeRefiner } from '../refine/serve-refiner';
import { isLoopbackHost, startModelServer, type ModelServer } from './serve';
import { runnableFiles } from '../models/registry';
import { defaultThreads } from '../workspace/threads-setting';

/** The servers this engine's process runs, each with its own loaded model; closed with the engine. */
class ServedModels implements Disposable {
  readonly running = new Map<string, { server: ModelServer; backend: LocalBackend; info: ServedModel }>();

  async stop(url?: string): Promise<number> {
    const which = [...this.running.values()].filter((s) => url === undefined || s.info.url === url);
    for (const s of which) {
      this.running.delete(s.info.url);
      await s.server.close();
      await s.backend.dispose();
    }
    return which.length;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }
}

const served = (ctx: EngineContext) => ctx.service('serving', () => new ServedModels());

export const servingHandlers: Handlers<typeof servingMethods> = {
  'serving.start': async (input, ctx) => {
    // An adapter model is served on its base with the adapter applied.
    const { model, file, adapterFile } = runnableFiles(ctx.db, ctx.workspace.modelsDir, input.model);
    // Loaded here, not at the top: node-llama-cpp is heavy and most engines never serve.
    const { createLocalBackend } = await import('../inference/local-backend');
    const backend = await createLocalBackend({
      modelPath: file,
      loraPath: adapterFile ?? undefined,
      threads: input.threads ?? defaultThreads(ctx.db).generation,
      contextSize: input.contextSize,
      sequences: 4,
      gpu: input.gpu ? 'auto' : false,
    });
    let server: ModelServer;
    try {
      const urlOf = () => server?.url ?? '';
      server = await startModelServer({
        backend,
        modelName: model.name,
        aliases: [String(model.id)],
        host: input.host,
        port: input.port,
        apiKey: input.apiKey,
        refiner: input.refine ? createServeRefiner(ctx, { modelId: model.id }) : undefined,
        log: (line) => ctx.events.emit('serving.log', { url: urlOf(), line }),
      });
    } catch (error) {
      await backend.dispose();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new ApiError(
          'conflict',
          `port ${input.port}: another program listens there on ${input.host}; choose another port (0 = any free one).`,
          {
            port: input.port,
          },
        );
      throw error;
    }
    const info: ServedModel = {
      url: server.url,
      host: server.host,
      port: server.port,
      modelId: model.id,
      modelName: model.name,
      device: backend.device.gpu ? `${backend.device.gpu} (${backend.device.gpuDevices.join(', ') || 'GPU'})` : 'CPU',
      refined: input.refine,
      apiKeyRequired: input.apiKey !== undefined,
      loopback: isLoopbackHost(server.host),
    };
    served(ctx).running.set(info.url, { server, backend, info });
    return info;
  },
  'serving.stop': async ({ url }, ctx) => ({ stopped: await served(ctx).stop(url) }),
};
