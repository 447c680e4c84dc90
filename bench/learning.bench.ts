/**
 * Learning efficacy (`npm run bench:learning`): the starter model, the built-in pool, N self-evolution rounds
 * (default 3) with the full method, and in the same run the ablations, each from the same starter and the
 * same seeds:
 *  - invocation-only (no decomposition: the mix is 100 % invocation),
 *  - random selection of the same size instead of model-aware,
 *  - uniform instead of targeted synthesis,
 *  - fixed refinement (always `maxRefinements`) instead of adaptive, at evaluation of the full method's final
 *    model (accuracy and tokens spent).
 * Prints held-out accuracy per round (unseen-tool and in-domain sets) and each ablation's gap to the full
 * method. Budgets come from the environment (BENCH_ROUNDS, BENCH_IMPORTS, BENCH_GENERATED, BENCH_K,
 * BENCH_EVAL_LIMIT, BENCH_STARTER_STEPS, BENCH_TRAIN_STEPS, BENCH_WORKSPACE to reuse a trained starter).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '../src/main/engine/api';
import { demoSettings, DEMO_STARTER_SHAPE, ensureStarter, installDemoData } from '../src/main/engine/evolution/demo-setup';
import { listRounds, metric } from '../src/main/engine/evolution/rounds-repo';
import type { EvolveSettingsInput } from '../src/main/engine/evolution/settings';
import { jobRunner } from '../src/main/engine/jobs/runner';
import { evaluateModel } from '../src/main/engine/eval/model-eval';
import { openBackend } from '../src/main/engine/models/backend-select';
import { INDOMAIN_SET, UNSEEN_SET } from '../src/main/engine/pool';
import { closeSharedSandbox } from '../src/main/engine/lib/sandbox';
import { INVOCATION_INSTRUCTION } from '../src/main/engine/subtasks/prompts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const THREADS = env('BENCH_THREADS', 1);

const dir = process.env.BENCH_WORKSPACE
  ? path.resolve(process.env.BENCH_WORKSPACE)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-learning-'));
const engine = openEngine(dir);
const db = engine.ctx.db;
const modelsDir = engine.ctx.workspace.modelsDir;

async function main(): Promise<void> {
  const t0 = Date.now();
  await installDemoData(db);
  const starter = await ensureStarter(db, {
    modelsDir,
    steps: env('BENCH_STARTER_STEPS', 60),
    threads: THREADS,
    shape: DEMO_STARTER_SHAPE,
  });
  console.log(
    `workspace ${dir}; starter model ${starter.id}${starter.trained ? ` (taught the call format in ${starter.seconds.toFixed(0)} s)` : ''}`,
  );
  const DEMO_SETTINGS = demoSettings(starter.bundled);
  const base: EvolveSettingsInput = {
    ...DEMO_SETTINGS,
    modelId: starter.id,
    rounds: ROUNDS,
    importsPerRound: env('BENCH_IMPORTS', DEMO_SETTINGS.importsPerRound),
    generatedPerRound: env('BENCH_GENERATED', DEMO_SETTINGS.generatedPerRound),
    k: env('BENCH_K', DEMO_SETTINGS.k),
    evalLimit: env('BENCH_EVAL_LIMIT', DEMO_SETTINGS.evalLimit),
    threads: THREADS,
    train: { ...DEMO_SETTINGS.train, maxSteps: env('BENCH_TRAIN_STEPS', DEMO_SETTINGS.train.maxSteps) },
  };
  const stamp = Date.now().toString(36);
  const variants: { name: string; settings: Partial<EvolveSettingsInput> }[] = [
    { name: 'full method', settings: {} },
    { name: 'invocation-only', settings: { mix: { invocation: 1, toolGeneration: 0, docAdaption: 0 } } },
    { name: 'random selection', settings: { selection: 'random' } },
    { name: 'uniform synthesis', settings: { targeted: false } },
  ];
  const runner = jobRunner(engine.ctx, { scope: 'own', recover: false });
  const results: { name: string; runId: string; unseen: number[]; indomain: number[]; finalModel: number; seconds: number }[] = [];
  for (const v of variants) {
    const runId = `bench-${stamp}-${v.name.replace(/\W+/g, '-')}`;
    const started = Date.now();
    const job = runner.start('evolution.run', { ...base, ...v.settings, runId });
    const done = await runner.waitFor(job.id);
    if (done.state !== 'done') throw new Error(`${v.name}: job ${job.id} ${done.state}: ${done.error}`);
    const rounds = listRounds(db, runId);
    const acc = (set: string) => rounds.map((r) => metric(db, r.id, 'accuracy', set) ?? NaN);
    const accepted = rounds.filter((r) => r.state === 'accepted').at(-1)!;
    results.push({
      name: v.name,
      runId,
      unseen: acc(UNSEEN_SET),
      indomain: acc(INDOMAIN_SET),
      finalModel: accepted.result_model_id!,
      seconds: (Date.now() - started) / 1000,
    });
    console.log(
      `${v.name}: unseen ${acc(UNSEEN_SET)
        .map((x) => x.toFixed(1))
        .join(' → ')}; in-domain ${acc(INDOMAIN_SET)
        .map((x) => x.toFixed(1))
        .join(' → ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  await runner.dispose();

  // Adaptive vs fixed refinement on the full method's final model (unseen-tool set).
  const full = results[0]!;
  // The rounds' own evaluation flow (steps/evaluate.ts): the same function, only the refinement mode varies.
  const { backend, release } = await openBackend(engine.ctx, { kind: 'local', model: full.finalModel }, { threads: THREADS });
  const refinement: Record<string, { accuracy: number; tokens: number; steps: number }> = {};
  try {
    for (const mode of ['off', 'adaptive', 'fixed'] as const) {
      const run = await evaluateModel(db, {
        backend,
        set: UNSEEN_SET,
        settings: {
          sampling: { temperature: 0, maxTokens: base.maxTokens ?? 64 },
          constrain: 'none',
          decoder: 'bfcl',
          systemPrompt: INVOCATION_INSTRUCTION,
          refinement: { mode, maxRefinements: 3 },
          itemErrors: 'record',
          ...(base.evalLimit ? { limit: base.evalLimit, spread: true } : {}),
        },
        modelId: full.finalModel,
        label: `bench refinement ${mode}`,
      });
      const t = db
        .prepare(
          'SELECT COALESCE(SUM(total_tokens), 0) AS tokens, COALESCE(SUM(iterations), 0) AS steps FROM refinement_traces WHERE eval_run_id = ?',
        )
        .get(run.id) as { tokens: number; steps: number };
      refinement[mode] = { accuracy: 100 * (run.summary?.accuracy ?? 0), tokens: t.tokens, steps: t.steps };
    }
  } finally {
    await release();
  }

  const last = (xs: number[]) => xs[xs.length - 1]!;
  const bestAccepted = (r: (typeof results)[number]) => {
    const rounds = listRounds(db, r.runId);
    const i = rounds.map((x) => x.state).lastIndexOf('accepted');
    return r.unseen[i]!;
  };
  console.log('\n=== learning efficacy (held-out accuracy, %)');
  console.log(
    `rounds: ${ROUNDS}; per round: ${base.importsPerRound} labelled + ${base.generatedPerRound} generated queries, k=${base.k}, ${base.evalLimit} items per set`,
  );
  for (const r of results) {
    const gain = bestAccepted(r) - r.unseen[0]!;
    console.log(
      `${r.name.padEnd(18)} unseen ${r.unseen
        .map((x) => x.toFixed(1))
        .join(' → ')
        .padEnd(34)} in-domain ${r.indomain
        .map((x) => x.toFixed(1))
        .join(' → ')
        .padEnd(34)} gain(unseen, accepted) ${gain >= 0 ? '+' : ''}${gain.toFixed(1)}`,
    );
  }
  const fullFinal = bestAccepted(full);
  for (const r of results.slice(1)) {
    const d = bestAccepted(r) - fullFinal;
    console.log(
      `ratio ${r.name} / full (unseen, final accepted): ${fullFinal > 0 ? (bestAccepted(r) / fullFinal).toFixed(2) : 'n/a'} (${d >= 0 ? '+' : ''}${d.toFixed(1)} points)`,
    );
  }
  const a = refinement.adaptive!;
  const f = refinement.fixed!;
  const o = refinement.off!;
  console.log(
    `refinement on the final model (unseen): none ${o.accuracy.toFixed(1)} % / ${o.tokens} tokens; adaptive ${a.accuracy.toFixed(1)} % / ${a.tokens} tokens (${a.steps} refinement steps); fixed-3 ${f.accuracy.toFixed(1)} % / ${f.tokens} tokens (${f.steps} steps)`,
  );
  console.log(
    `ratio fixed / adaptive: accuracy ${a.accuracy > 0 ? (f.accuracy / a.accuracy).toFixed(2) : 'n/a'}, tokens ${a.tokens > 0 ? (f.tokens / a.tokens).toFixed(2) : 'n/a'}`,
  );
  console.log(
    `goal: ≥ +10 points on the unseen set after ${ROUNDS} rounds: ${fullFinal - full.unseen[0]! >= 10 ? 'met' : 'not met'} (${(fullFinal - full.unseen[0]!).toFixed(1)}); every ablation below the full method: ${results.slice(1).every((r) => bestAccepted(r) < fullFinal) ? 'yes' : 'no'}`,
  );
  console.log(
    `total ${((Date.now() - t0) / 1000).toFixed(0)} s; last accepted model per run: ${results.map((r) => `${r.name}=${r.finalModel}`).join(', ')}; ${last(full.unseen).toFixed(1)} % in the last round`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeSharedSandbox();
    await engine.close();
    if (!process.env.BENCH_WORKSPACE) fs.rmSync(dir, { recursive: true, force: true });
  });
