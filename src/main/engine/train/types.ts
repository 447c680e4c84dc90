/**
 * The training interface, in one place: a spec goes in (`TrainSpec`, validated by zod in
 * src/shared/contract/train.ts), progress events come out while it runs, a result (file + metrics +
 * registry id) comes back. Backends: native (llama.cpp in a child process), python (managed venv, LoRA),
 * command (any external trainer through docs/trainer-contract.md).
 */
export type {
  TrainBackendId,
  TrainExample,
  TrainHyper,
  TrainMetrics,
  TrainProgress,
  TrainResult,
  TrainSpec,
  TrainSpecInput,
} from '../../../shared/contract/train';
export type { RunHooks, BackendOutcome } from './backend';

import type { TrainResult, TrainSpec } from '../../../shared/contract/train';
import type { BackendOutcome, RunHooks } from './backend';

/** Records a finished run in the model registry; returns the new model's id. */
export type RegisterResult = (spec: TrainSpec, outcome: BackendOutcome) => number | Promise<number>;

export interface RunTrainingOptions extends RunHooks {
  /** How the result enters the registry (the job step passes one bound to its workspace). */
  register?: RegisterResult;
}

export type { TrainResult as RunTrainingResult };
