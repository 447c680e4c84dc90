import type { formatsMethods } from '../../../shared/contract/formats';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import type { EngineContext } from '../core/context';
import { detectSource } from './detect';
import { exportData } from './export';
import { ImportError, importData } from './import';
import { exportModel } from './model-export';
import { RECORD_FORMATS } from './registry';
import { SourceError } from './source';

/** Running imports by id, so that another call (or the engine closing) can cancel them. */
class RunningImports {
  readonly controllers = new Map<number, AbortController>();
  cancel(id?: number): number[] {
    const ids = id === undefined ? [...this.controllers.keys()] : this.controllers.has(id) ? [id] : [];
    for (const one of ids) this.controllers.get(one)?.abort();
    return ids;
  }
  dispose(): void {
    this.cancel();
  }
}

const running = (ctx: EngineContext) => ctx.service('formats.imports', () => new RunningImports());

function asApiError(error: unknown): never {
  if (error instanceof ImportError || error instanceof SourceError) throw new ApiError('bad_file', error.message);
  throw error;
}

export const formatsHandlers: Handlers<typeof formatsMethods> = {
  'formats.list': () => ({
    items: [
      ...RECORD_FORMATS.map((f) => ({ id: f.id, label: f.label, writes: f.writes })),
      {
        id: 'hf' as const,
        label: 'Hugging Face dataset folder (JSONL/JSON files, README.md card)',
        writes: 'data/train.jsonl, data/validation.jsonl, data/test.jsonl, README.md',
      },
    ],
  }),
  'formats.detect': async ({ path, answers, previewCount }) => {
    try {
      return await detectSource(path, { answers, previewCount });
    } catch (error) {
      asApiError(error);
    }
  },
  'formats.import': async (input, ctx) => {
    const controller = new AbortController();
    let importId: number | undefined;
    try {
      const result = await importData(ctx.db, {
        ...input,
        signal: controller.signal,
        onStart: (id) => {
          importId = id;
          running(ctx).controllers.set(id, controller);
        },
        onProgress: (progress) => ctx.events.emit('formats.importProgress', progress),
      });
      if (result.stored > 0) ctx.events.emit('samples.changed', { ids: [], count: result.stored });
      return result;
    } catch (error) {
      asApiError(error);
    } finally {
      if (importId !== undefined) running(ctx).controllers.delete(importId);
    }
  },
  'formats.cancelImport': ({ importId }, ctx) => ({ cancelled: running(ctx).cancel(importId) }),
  'formats.export': (input, ctx) => exportData(ctx.db, input),
  'formats.exportModel': (input, ctx) => exportModel(ctx.db, ctx.workspace.modelsDir, input),
};
