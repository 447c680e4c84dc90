import path from 'node:path';
import type { Db } from '../db/open';
import { defineJobKind } from '../jobs/registry';
import type { StepDef } from '../jobs/types';
import { MODELS_DIR_NAME } from '../workspace/paths';
import { EvolveSettings } from './settings';
import type { Ctx, Workspace } from './steps/shared';
import { generationHint } from '../models/slow-start';

// The steps pull in node-llama-cpp, the trainers and the sandbox: load them only when a step runs, so that
// every engine can know this kind without paying for its runtimes.
const steps = () => import('./steps/index');

/**
 * The self-evolution job ('evolution.run'): a baseline evaluation (round 0), then per round the steps of
 * method.md — queries in → tool-making → tool-using (k samples) → verification and voting → curation point
 * → model-aware selection → training mix → training → evaluation → accept or roll back. Steps are fixed
 * when the job is created; rounds after an early stop are skipped.
 */

/** The workspace folder a step's database lives in (the database file sits at its root). */
function workspaceOf(db: Db): Workspace {
  const dir = path.dirname(db.name);
  return { dir, modelsDir: path.join(dir, MODELS_DIR_NAME) };
}

export const ROUND_STEPS = [
  'queries',
  'tool-making',
  'tool-using',
  'verify',
  'curation',
  'select',
  'mix',
  'train',
  'evaluate',
  'decide',
] as const;

function roundSteps(seq: number): StepDef<EvolveSettings>[] {
  const run = (name: (typeof ROUND_STEPS)[number]) => async (ctx: Ctx) => {
    const ws = workspaceOf(ctx.db);
    const {
      queriesStep,
      toolMakingStep,
      toolUsingStep,
      verifyStep,
      curationStep,
      selectStep,
      mixStep,
      trainStep,
      evaluateStep,
      decideStep,
    } = await steps();
    switch (name) {
      case 'queries':
        return queriesStep(ctx, ws, seq);
      case 'tool-making':
        return toolMakingStep(ctx, seq);
      case 'tool-using':
        return toolUsingStep(ctx, seq);
      case 'verify':
        return verifyStep(ctx, seq);
      case 'curation':
        return curationStep(ctx, seq);
      case 'select':
        return selectStep(ctx, seq);
      case 'mix':
        return mixStep(ctx, ws, seq);
      case 'train':
        return trainStep(ctx, ws, seq);
      case 'evaluate':
        return evaluateStep(ctx, seq);
      case 'decide':
        return decideStep(ctx, seq);
    }
  };
  return ROUND_STEPS.map((name) => ({
    name: `round-${seq}/${name}`,
    input: { round: seq },
    run: run(name) as StepDef<EvolveSettings>['run'],
    retry: { attempts: 1 },
  }));
}

export const evolutionJob = defineJobKind({
  kind: 'evolution.run',
  title: (s) => `Evolve model ${s.modelId}: ${s.rounds} round${s.rounds === 1 ? '' : 's'} (${s.runId})`,
  resource: 'model',
  settings: EvolveSettings,
  slowStartHint: (s, engine) =>
    generationHint(engine, s.modelId, s.threads, s.generation.kind === 'remote' ? s.generation.baseUrl : undefined) +
    `; training with ${s.train.threads ?? 'the default'} thread(s)`,
  steps: (s) => [
    {
      name: 'baseline',
      input: { round: 0 },
      run: (async (ctx: Ctx) => (await steps()).baselineStep(ctx, workspaceOf(ctx.db))) as StepDef<EvolveSettings>['run'],
      retry: { attempts: 1 },
    },
    ...Array.from({ length: s.rounds }, (_, i) => roundSteps(i + 1)).flat(),
  ],
});
