import path from 'node:path';
import type { modelsMethods } from '../../../shared/contract/models';
import { ApiError } from '../../../shared/contract/errors';
import type { Handlers } from '../core/handlers';
import { inspectModelFile, ModelFileError } from './model-file';
import { deleteModel, getModel, importModel, listModels, modelLineage, registerModel, renameModel } from './registry';
import { modelRuntime } from './runtime-service';
import { createStarterModel } from './starter';
import { addBundledStarter } from './bundled-starter';
import fs from 'node:fs';

export const modelsHandlers: Handlers<typeof modelsMethods> = {
  'models.list': (_input, ctx) => ({ items: listModels(ctx.db, ctx.workspace.modelsDir) }),
  'models.get': ({ model }, ctx) => getModel(ctx.db, ctx.workspace.modelsDir, model),
  'models.inspect': async ({ file }) => {
    try {
      return await inspectModelFile(path.resolve(file));
    } catch (error) {
      if (error instanceof ModelFileError)
        throw new ApiError(error.kind === 'missing' ? 'not_found' : 'bad_file', error.message, { file, kind: error.kind });
      throw error;
    }
  },
  'models.import': async ({ file, name, copy }, ctx) => {
    const model = await importModel(ctx.db, ctx.workspace.modelsDir, file, { name, copy });
    ctx.events.emit('models.changed', { id: model.id, what: 'added' });
    return model;
  },
  'models.addBundledStarter': async (_input, ctx) => {
    const result = await addBundledStarter(ctx.db, ctx.workspace.modelsDir);
    if (!result)
      throw new ApiError(
        'unavailable',
        'This installation has no bundled starter model (resources/models/toolsmith-starter.gguf); create a starter or import a GGUF instead.',
      );
    if (result.added) ctx.events.emit('models.changed', { id: result.model.id, what: 'added' });
    return result;
  },
  'models.createStarter': async (options, ctx) => {
    const dir = ctx.workspace.modelsDir;
    const stem = options.name ?? 'starter';
    let fileName = `${stem.replace(/[^\w.+-]/g, '_')}.gguf`;
    for (let i = 2; fs.existsSync(path.join(dir, fileName)); i++) fileName = `${stem.replace(/[^\w.+-]/g, '_')}-${i}.gguf`;
    const file = path.join(dir, fileName);
    const info = await createStarterModel(file, { ...options, name: options.name ?? 'toolsmith-starter' });
    try {
      const model = await registerModel(ctx.db, dir, file, {
        name: options.name,
        kind: 'starter',
        trainer: null,
        metadata: { starter: info.options },
      });
      ctx.events.emit('models.changed', { id: model.id, what: 'added' });
      return model;
    } catch (error) {
      fs.rmSync(file, { force: true });
      throw error;
    }
  },
  'models.rename': ({ model, name }, ctx) => {
    const renamed = renameModel(ctx.db, ctx.workspace.modelsDir, model, name);
    ctx.events.emit('models.changed', { id: renamed.id, what: 'renamed' });
    return renamed;
  },
  'models.delete': async ({ model, keepFile }, ctx) => {
    const runtime = modelRuntime(ctx);
    const target = getModel(ctx.db, ctx.workspace.modelsDir, model);
    if (runtime.current?.model.id === target.id) await runtime.unload();
    const deleted = await deleteModel(ctx.db, ctx.workspace.modelsDir, target.id, { keepFile });
    ctx.events.emit('models.changed', { id: deleted.id, what: 'deleted' });
    return { deleted };
  },
  'models.lineage': ({ model }, ctx) => modelLineage(ctx.db, ctx.workspace.modelsDir, model),
  'models.runtime': (_input, ctx) => modelRuntime(ctx).status(),
  'models.load': ({ model, adapter, loraScale, threads, contextSize, gpu }, ctx) => {
    let adapterFile: string | undefined;
    if (adapter !== undefined) {
      adapterFile = typeof adapter === 'object' ? path.resolve(adapter.file) : getModel(ctx.db, ctx.workspace.modelsDir, adapter).path;
    }
    return modelRuntime(ctx).load(model, { adapterFile, loraScale, threads, contextSize, gpu });
  },
  'models.unload': (_input, ctx) => modelRuntime(ctx).unload(),
  'models.generate': async ({ model, messages, tools, k, sampling, constrain }, ctx) => {
    const backend = await modelRuntime(ctx).backendFor(model);
    return backend.generate({ messages, tools, k, sampling, constrain });
  },
};
