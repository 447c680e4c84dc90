import type { BackendSpec } from '../../../shared/contract/models';
import type { EngineContext } from '../context';
import type { GenerationBackend } from './backend';
import { getModel } from './registry';
import { createRemoteBackend } from './remote-backend';
import { modelRuntime } from './runtime-service';

/**
 * Opens the backend a setting names: a local model through the engine's one model runtime (shared, so
 * `release` leaves it loaded), or a remote server (its own client, closed by `release`). Every module that
 * lets the user pick "which model" takes a `BackendSpec` and calls this.
 */
export async function openBackend(
  ctx: EngineContext,
  spec: BackendSpec,
): Promise<{ backend: GenerationBackend; modelId: number | null; release: () => Promise<void> }> {
  if (spec.kind === 'remote') {
    const { kind: _kind, ...remote } = spec;
    const backend = createRemoteBackend(remote);
    return { backend, modelId: null, release: () => backend.dispose() };
  }
  const runtime = modelRuntime(ctx);
  const backend = await runtime.backendFor(spec.model);
  const modelId = spec.model !== undefined ? getModel(ctx.db, ctx.workspace.modelsDir, spec.model).id : (runtime.current?.model.id ?? null);
  return { backend, modelId, release: async () => undefined };
}
