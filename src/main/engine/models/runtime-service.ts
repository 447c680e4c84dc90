import type { RuntimeStatus } from '../../../shared/contract/models';
import { ApiError } from '../../../shared/contract/errors';
import type { EngineContext } from '../core/context';
import { createLocalBackend, type LocalBackend } from '../inference/local-backend';
import { callFormatOverride } from './model-template';
import { defaultThreads } from '../workspace/threads-setting';
import { getModel, runnableFiles, type ModelRecord } from './registry';
import { deviceReport, getRuntimeLlama, ModelTooLargeError, type DeviceReport, type GpuSetting } from '../inference/runtime';

export interface LoadSettings {
  threads?: number;
  contextSize?: number;
  gpu?: GpuSetting;
  /** LoRA adapter file on top of the model (default: the model's own adapter_file, if any). */
  adapterFile?: string | null;
  loraScale?: number;
  /** Parallel sequences allocated up front (grown when a request asks for more). */
  sequences?: number;
}

interface Loaded {
  model: ModelRecord;
  /** Whose weights are loaded: the model, or an adapter model's base. */
  base: ModelRecord;
  backend: LocalBackend;
  settings: LoadSettings;
}

/**
 * The engine's one loaded model. Loading another model unloads the current one first (cleanly, after any
 * running generation); the service is disposed with the engine. Other modules get a backend through
 * `backendFor(ref)`, which reuses the loaded model when it is the same.
 */
export class ModelRuntimeService {
  private loaded: Loaded | undefined;
  private device: DeviceReport | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: EngineContext) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async status(): Promise<RuntimeStatus> {
    if (!this.device) {
      const { llama, fallbackReason } = await getRuntimeLlama('auto');
      this.device = await deviceReport(llama, fallbackReason);
    }
    return this.snapshot();
  }

  private snapshot(): RuntimeStatus {
    const l = this.loaded;
    return {
      device: this.loaded?.backend.device ?? this.device,
      loaded: l
        ? {
            modelId: l.model.id,
            name: l.model.name,
            adapterFile: l.settings.adapterFile ?? null,
            loraScale: l.settings.loraScale ?? 1,
            threads: l.settings.threads ?? null,
            contextSize: l.settings.contextSize ?? Math.min(4096, l.base.contextLength ?? 4096),
            templateHash: l.backend.template.hash,
          }
        : null,
    };
  }

  get current(): { model: ModelRecord; backend: LocalBackend } | undefined {
    return this.loaded;
  }

  load(ref: string | number, settings: LoadSettings = {}): Promise<RuntimeStatus> {
    return this.serial(async () => {
      // An adapter model loads its base with itself on top.
      const { model, base, file, adapterFile } = runnableFiles(this.ctx.db, this.ctx.workspace.modelsDir, ref);
      const resolved: LoadSettings = {
        ...settings,
        // No count given: the workspace's setting, else chosen from the cores free now (lib/threads.ts).
        threads: settings.threads ?? defaultThreads(this.ctx.db).generation,
        adapterFile: settings.adapterFile === undefined ? adapterFile : settings.adapterFile,
      };
      await this.unloadNow();
      let backend: LocalBackend;
      try {
        backend = await createLocalBackend({
          modelPath: file,
          loraPath: resolved.adapterFile ?? undefined,
          loraScale: resolved.loraScale,
          threads: resolved.threads,
          contextSize: resolved.contextSize,
          gpu: resolved.gpu,
          sequences: resolved.sequences,
          // An adapter writes calls as its base does unless it has an override of its own.
          callFormat: callFormatOverride(model) ?? callFormatOverride(base),
        });
      } catch (error) {
        if (error instanceof ModelTooLargeError) throw new ApiError('unavailable', error.message, { model: model.name });
        throw new ApiError(
          'bad_file',
          `Cannot load model "${model.name}" (${file}${resolved.adapterFile ? ` + ${resolved.adapterFile}` : ''}): ${(error as Error).message}`,
          {
            model: model.name,
          },
        );
      }
      this.loaded = { model, base, backend, settings: resolved };
      this.device = backend.device;
      const status = this.snapshot();
      this.ctx.events.emit('models.runtime', status);
      return status;
    });
  }

  private async unloadNow(): Promise<void> {
    const l = this.loaded;
    this.loaded = undefined;
    if (l) await l.backend.dispose();
  }

  unload(): Promise<RuntimeStatus> {
    return this.serial(async () => {
      const had = this.loaded !== undefined;
      await this.unloadNow();
      const status = this.snapshot();
      if (had) this.ctx.events.emit('models.runtime', status);
      return status;
    });
  }

  /**
   * The backend for a model: the loaded one when `ref` is omitted or names it, else loads `ref`. A LoRA
   * adapter (a round's trained model) opens as its registered base with the adapter applied.
   */
  async backendFor(ref?: string | number, settings: LoadSettings = {}): Promise<LocalBackend> {
    if (ref === undefined) {
      if (!this.loaded) throw new ApiError('unavailable', 'No model is loaded: load one first (models.load) or name one');
      return this.loaded.backend;
    }
    const model = getModel(this.ctx.db, this.ctx.workspace.modelsDir, ref);
    // A job that names its threads gets them: the model is loaded again when it runs with other ones.
    const otherThreads = settings.threads !== undefined && settings.threads !== this.loaded?.settings.threads;
    if (this.loaded?.model.id !== model.id) await this.load(model.id, settings);
    else if (otherThreads) await this.load(model.id, { ...this.loaded.settings, ...settings });
    return this.loaded!.backend;
  }

  async dispose(): Promise<void> {
    await this.serial(() => this.unloadNow());
  }
}

export function modelRuntime(ctx: EngineContext): ModelRuntimeService {
  return ctx.service('models.runtime', (c) => new ModelRuntimeService(c));
}
