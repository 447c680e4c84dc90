import fs from 'node:fs/promises';
import path from 'node:path';
import { describeZodError } from '../../../shared/contract/errors';
import { TrainSpec, type TrainResult, type TrainSpecInput } from '../../../shared/contract/train';
import type { BackendOutcome } from './backend';
import { runCommandBackend } from './command/backend';
import { runNativeBackend } from './native/backend';
import { runPythonBackend } from './python/backend';
import { TrainCancelledError } from './process';
import type { RunTrainingOptions } from './types';

/** A training request that cannot run as given: the message names the field and the fix. */
export class TrainSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainSpecError';
  }
}

/** Checks what can be checked before any process starts. */
export async function validateTrainSpec(input: TrainSpecInput): Promise<TrainSpec> {
  const parsed = TrainSpec.safeParse(input);
  if (!parsed.success) throw new TrainSpecError(`Invalid training spec: ${describeZodError(parsed.error, 'spec')}`);
  const spec = parsed.data;
  if (!spec.examples.length) {
    throw new TrainSpecError('The training set is empty (spec.examples has no items): accept some samples or import a dataset first.');
  }
  const base = await fs.stat(spec.baseModel).catch(() => null);
  if (!base?.isFile()) throw new TrainSpecError(`spec.baseModel: no model file at ${spec.baseModel}`);
  if (await fs.stat(spec.output).catch(() => null)) {
    throw new TrainSpecError(`spec.output: ${spec.output} already exists; choose a new file name (results are never overwritten).`);
  }
  if (spec.backend === 'command' && !spec.command.command && spec.command.preset === 'custom') {
    throw new TrainSpecError(
      'spec.command.command: the command backend needs a command line (or a preset: unsloth, mlx-lm, llama-factory).',
    );
  }
  return spec;
}

/**
 * Runs one training job: validate, dispatch to the backend, then register the result with its lineage.
 * Cancel through `options.signal`: the trainer process ends, its files are removed, nothing is registered.
 * This is what a job step calls: `runTraining(spec, { signal, onProgress, register })`.
 */
export async function runTraining(input: TrainSpecInput, options: RunTrainingOptions = {}): Promise<TrainResult> {
  const spec = await validateTrainSpec(input);
  if (options.signal?.aborted) throw new TrainCancelledError();
  let outcome: BackendOutcome;
  switch (spec.backend) {
    case 'native':
      outcome = await runNativeBackend(spec, options);
      break;
    case 'python':
      outcome = await runPythonBackend(spec, options);
      break;
    case 'command':
      outcome = await runCommandBackend(spec, options);
      break;
  }
  if (options.signal?.aborted) {
    await fs.rm(outcome.file, { force: true });
    throw new TrainCancelledError();
  }
  let modelId: number | undefined;
  if (spec.register && options.register) {
    try {
      modelId = await options.register(spec, outcome);
    } catch (error) {
      // A result that cannot be recorded is not kept: no orphan file in the models folder.
      await fs.rm(outcome.file, { force: true });
      throw error;
    }
  }
  return {
    backend: spec.backend,
    kind: outcome.kind,
    file: path.resolve(outcome.file),
    baseModel: path.resolve(spec.baseModel),
    modelId,
    metrics: outcome.metrics,
    templateHash: spec.templateHash,
  };
}
