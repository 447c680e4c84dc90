import type { Db } from '../db/open';
import path from 'node:path';
import { listModels, registerModel, sha256File, type ModelKind } from '../models/registry';
import type { TrainSpec } from '../../../shared/contract/train';
import type { BackendOutcome } from './backend';
import type { RegisterResult } from './types';

/** The registry's `trainer` column: which backend (and command preset) made the model. */
export function trainerLabel(spec: TrainSpec): string {
  if (spec.backend === 'command') return `command:${spec.command.preset}`;
  if (spec.backend === 'native')
    return `native:${spec.native.trainLayers === 'all' ? 'all-experimental' : `layers-${spec.native.trainLayers}`}`;
  return spec.python.method === 'full' ? 'python:full' : `python:lora-r${spec.python.lora.rank}`;
}

/**
 * The parent of a trained model: the id the caller gave, else the registered model whose file (or content)
 * is the base, else the base file registered where it is. An adapter needs its base to be loaded at all, so
 * a run from a plain file path must not leave it an orphan.
 */
async function parentFor(db: Db, modelsDir: string, spec: TrainSpec): Promise<number> {
  if (spec.baseModelId != null) return spec.baseModelId;
  const file = path.resolve(spec.baseModel);
  const models = listModels(db, modelsDir).filter((m) => m.kind !== 'adapter');
  const byPath = models.find((m) => path.resolve(m.path) === file);
  if (byPath) return byPath.id;
  const sha256 = await sha256File(file);
  const byContent = models.find((m) => m.sha256 === sha256);
  if (byContent) return byContent.id;
  return (await registerModel(db, modelsDir, file, { metadata: { registeredAs: 'the base of a trained model' } })).id;
}

/**
 * Registers a finished run in the workspace's model registry with its lineage: the base as parent, the
 * round, the adapter file, the trainer, and how it was trained (template hash, hyper-parameters, metrics).
 */
export function registryRegistrar(db: Db, modelsDir: string, options: { kind?: ModelKind } = {}): RegisterResult {
  return async (spec: TrainSpec, outcome: BackendOutcome) => {
    const parentId = await parentFor(db, modelsDir, spec);
    const record = await registerModel(db, modelsDir, outcome.file, {
      ...(spec.name ? { name: spec.name } : {}),
      kind: options.kind ?? (outcome.kind === 'adapter' ? 'adapter' : 'finetune'),
      parentId,
      roundId: spec.roundId ?? null,
      adapterFile: outcome.kind === 'adapter' ? outcome.file : null,
      trainer: trainerLabel(spec),
      metadata: {
        training: {
          backend: spec.backend,
          baseModel: spec.baseModel,
          templateHash: spec.templateHash ?? null,
          examples: spec.examples.length,
          validationShare: spec.validationShare,
          hyper: spec.hyper,
          ...(spec.backend === 'native' ? { native: spec.native } : {}),
          ...(spec.backend === 'python'
            ? { python: { method: spec.python.method, ...(spec.python.method === 'lora' ? { lora: spec.python.lora } : {}) } }
            : {}),
          ...(spec.backend === 'command' ? { preset: spec.command.preset } : {}),
          metrics: outcome.metrics,
          info: outcome.info,
        },
      },
    });
    return record.id;
  };
}
