import { contract, isMethodName, type Contract } from '../../shared/contract';
import { describeZodError } from '../../shared/contract/errors';
import type { CallOutcome } from '../../shared/rpc';
import type { Transport } from '../../shared/client';
import { toErrorShape } from './core/engine-error';
import { combineHandlers, type Handlers } from './core/handlers';
import { EngineContext } from './core/context';
import { openWorkspace, type OpenWorkspaceOptions } from './workspace/workspace';
import { workspaceHandlers } from './core/workspace-handlers';
import { toolsHandlers } from './tools/handlers';
import { evalHandlers } from './eval/handlers';
import { curationHandlers } from './curation/handlers';
import { insightHandlers } from './insight/handlers';
import { jobsHandlers } from './jobs/handlers';
import { evolutionHandlers } from './evolution/handlers';
import { modelsHandlers } from './models/handlers';
import { modelCatalogHandlers, modelDownloadHandlers } from './models/pull-handlers';
import { modelEvalHandlers } from './eval/model-eval-handlers';
import { formatsHandlers } from './formats/handlers';
import { trainHandlers } from './train/handlers';
import { templateHandlers } from './subtasks/template-handlers';
import { poolHandlers } from './pool/handlers';
import { ensureBuiltinData } from './pool/builtin-data';
import { playgroundHandlers } from './playground/handlers';
import { demoHandlers } from './evolution/demo-handlers';
import { servingHandlers } from './serving/handlers';
import { registerJobKinds } from './jobs/registry';
import { jobRunner } from './jobs/runner';
import { closeSharedSandbox } from './lib/sandbox';
import { demoJob } from './jobs/kinds/demo';
import { evolutionJob } from './evolution/job';
import { modelEvalJob } from './eval/model-eval-job';
import { trainerSetupJob } from './train/setup-job';

/**
 * Every job kind this app runs, known to every host (app, server, CLI) because every engine is made here.
 * Kind modules stay cheap to load: heavy runtimes are imported inside a step's `run`.
 */
registerJobKinds(demoJob, evolutionJob, modelEvalJob, trainerSetupJob);

/** Every domain's handlers, composed: the engine's implementation of the whole contract. */
const handlers = combineHandlers<Handlers<Contract>>(
  workspaceHandlers,
  toolsHandlers,
  evalHandlers,
  curationHandlers,
  insightHandlers,
  jobsHandlers,
  evolutionHandlers,
  modelsHandlers,
  modelDownloadHandlers,
  modelCatalogHandlers,
  modelEvalHandlers,
  formatsHandlers,
  trainHandlers,
  templateHandlers,
  poolHandlers,
  playgroundHandlers,
  demoHandlers,
  servingHandlers,
);

export interface Engine extends Transport {
  readonly ctx: EngineContext;
  close(): Promise<void>;
}

/**
 * The engine behind one contract. Validates every input and output against `src/shared`'s schemas,
 * so that IPC, WebSocket and in-process callers get the same behaviour and the same errors.
 */
export function createEngine(ctx: EngineContext): Engine {
  return {
    ctx,
    async call(method: string, params: unknown): Promise<CallOutcome> {
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'unknown_method', message: `Unknown method "${method}".` } };
      }
      const spec = contract[method];
      const parsed = spec.input.safeParse(params ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'invalid_input',
            message: `Invalid input for ${method}: ${describeZodError(parsed.error, 'params')}`,
            details: parsed.error.issues,
          },
        };
      }
      try {
        const handler = handlers[method] as (input: unknown, ctx: EngineContext) => unknown;
        const result = await handler(parsed.data, ctx);
        const checked = spec.output.safeParse(result);
        if (!checked.success) {
          return {
            ok: false,
            error: {
              code: 'invalid_output',
              message: `The engine produced an invalid result for ${method}: ${describeZodError(checked.error, 'result')}`,
            },
          };
        }
        return { ok: true, result: checked.data };
      } catch (error) {
        return { ok: false, error: toErrorShape(error) };
      }
    },
    subscribe(listener) {
      return ctx.events.subscribe(listener);
    },
    close: () => ctx.close(),
  };
}

export interface EngineOptions extends OpenWorkspaceOptions {
  /**
   * 'host' (the app, `toolsmith serve`): the job runner starts at once, resumes interrupted jobs and runs
   * every queued one. 'own' (a CLI command): a runner runs only the jobs this engine starts or waits for
   * here. Default: a runner made on first use that runs every job.
   */
  jobs?: 'host' | 'own';
  /** The engine is its process's only one (the CLI): closing it also closes the process-wide QuickJS sandbox. */
  soleInProcess?: boolean;
}

/**
 * Opens a workspace folder and returns the engine over it. A workspace holds the built-in tool pool and the
 * held-out sets from its first opening (and gets a newer version of them when this app ships one), so a
 * first run needs nothing but a model.
 */
export function openEngine(dir: string, options: EngineOptions = {}): Engine {
  const { jobs, soleInProcess, ...workspaceOptions } = options;
  const workspace = openWorkspace(dir, workspaceOptions);
  try {
    ensureBuiltinData(workspace.db);
  } catch (error) {
    // Missing bundled files must not lock a user out of their workspace: the Tool pool view shows the state
    // and its Install button repeats the error where it can be read.
    console.error(
      `The built-in tool pool and evaluation sets could not be installed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const engine = createEngine(new EngineContext(workspace, jobs === 'own' ? 'own' : 'all'));
  if (jobs === 'host') jobRunner(engine.ctx);
  if (!soleInProcess) return engine;
  return {
    ...engine,
    close: async () => {
      await engine.close();
      await closeSharedSandbox();
    },
  };
}
