import path from 'node:path';
import type { TrainProgress, TrainResult } from '../../../shared/contract/train';
import type { Db } from '../db/open';
import { chatTemplateFromMetadata } from '../inference/chat-render';
import { readGguf } from '../lib/gguf/read';
import { getModel } from '../models/registry';
import { renderExamples } from './examples';
import { registryRegistrar } from './lineage';
import { runTraining } from './run';
import { seedConversations } from './seed-corpus';
import { machineThreads } from '../lib/threads';

export interface StarterTrainOptions {
  /** Optimizer steps (one window each). Default 400. */
  steps?: number;
  /** Seed conversations generated for the corpus (until the science issue's seed corpus lands). Default 96. */
  conversations?: number;
  threads?: number;
  name?: string;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/**
 * Pretrains a freshly created starter model on the built-in seed corpus (tool definitions and calls,
 * rendered through its own template) with the native trainer, and registers the result as a starter
 * whose parent is the random one. Reports the held-out token accuracy (next-token argmax on the
 * validation windows). The native trainer trains the last block + output only (exact gradients).
 */
export async function pretrainStarter(
  db: Db,
  modelsDir: string,
  starterId: number,
  options: StarterTrainOptions = {},
): Promise<TrainResult & { heldOutAccuracy: number | null }> {
  const starter = getModel(db, modelsDir, starterId);
  const template = chatTemplateFromMetadata((await readGguf(starter.path)).metadata);
  const { examples, templateHash } = renderExamples(template, seedConversations(options.conversations ?? 96, 11));
  const name = options.name ?? `${starter.name}-trained`;
  const result = await runTraining(
    {
      backend: 'native',
      baseModel: starter.path,
      baseModelId: starter.id,
      examples,
      validationShare: 0.125,
      templateHash,
      output: path.join(modelsDir, `${name}.gguf`),
      name,
      hyper: { epochs: 1000, maxSteps: options.steps ?? 400, learningRate: 5e-4, warmupSteps: 20, schedule: 'cosine', contextLength: 512 },
      native: { trainLayers: 'last', threads: options.threads ?? machineThreads().training },
    },
    { signal: options.signal, onProgress: options.onProgress, register: registryRegistrar(db, modelsDir, { kind: 'starter' }) },
  );
  return { ...result, heldOutAccuracy: result.metrics.valAccuracy ?? null };
}
