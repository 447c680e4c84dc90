import type { BackendSpec } from '../../../shared/contract/models';
import type { EngineContext } from '../core/context';
import type { GenerationBackend } from '../inference/backend';
import { getModel } from './registry';
import { createRemoteBackend } from '../inference/remote-backend';
import { modelRuntime, type LoadSettings } from './runtime-service';

/**
 * Opens the backend a setting names: a local model through the engine's one model runtime (shared, so
 * `release` leaves it loaded), or a remote server (its own client, closed by `release`). Every module that
 * lets the user pick "which model" takes a `BackendSpec` and calls this. `load` applies when the local
 * model is not loaded yet (threads, GPU, sequences); a LoRA adapter's ref opens its base with the adapter.
 */
export async function openBackend(
  ctx: EngineContext,
  spec: BackendSpec,
  load: LoadSettings = {},
): Promise<{ backend: GenerationBackend; modelId: number | null; release: () => Promise<void> }> {
  if (spec.kind === 'remote') {
    const { kind: _kind, ...remote } = spec;
    const backend = createRemoteBackend(remote);
    return { backend, modelId: null, release: () => backend.dispose() };
  }
  const runtime = modelRuntime(ctx);
  const backend = await runtime.backendFor(spec.model, load);
  const modelId = spec.model !== undefined ? getModel(ctx.db, ctx.workspace.modelsDir, spec.model).id : (runtime.current?.model.id ?? null);
  return { backend, modelId, release: async () => undefined };
}
