import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open';
import { chatTemplateFromMetadata } from '../inference/chat-render';
import { readGguf } from '../lib/gguf/read';
import { addBundledStarter, bundledStarterFile, STARTER_TRAINED_NAME } from '../models/bundled-starter';
import { findModel, registerModel } from '../models/registry';
import { createStarterModel, type StarterModelOptions } from '../models/starter';
import { installBuiltinData } from '../pool/builtin-data';
import { loadSeedSamples, seedSampleTools, type SeedSample } from '../pool';
import { insertSample } from '../samples/samples-repo';
import { decompose } from '../subtasks/builders';
import type { ToolUse } from '../subtasks/types';
import type { Call } from '../tools/types';
import { renderExamples } from '../train/examples';
import { runTraining } from '../train/run';
import type { StarterReport } from '../train/starter-recipe';
import type { TrainProgress } from '../../../shared/contract/train';

/**
 * What `toolsmith demo` (and the learning benchmark) needs in a fresh workspace: the built-in tool pool,
 * its labelled seed samples, the two held-out evaluation sets, and a starter model that already writes
 * calls. Each part is installed only when missing, so running the demo twice reuses the first run's work.
 *
 * Seeds are split in two halves: one teaches the starter the call format (pretraining), the other is the
 * labelled pool the rounds draw their imported queries from, so round 1 does not start on memorised data.
 */

export const STARTER_NAME = 'toolsmith-starter';
export { STARTER_TRAINED_NAME };

export function seedHalves(seeds: SeedSample[]): { pretrain: SeedSample[]; rounds: SeedSample[] } {
  return { pretrain: seeds.filter((_, i) => i % 2 === 0), rounds: seeds.filter((_, i) => i % 2 === 1) };
}

export function toolUseOfSeed(s: SeedSample): ToolUse {
  const calls: Call[] | null = s.calls.length ? s.calls : null;
  return { query: s.query, tools: seedSampleTools(s), calls, ...(calls ? {} : { answerText: s.target }), category: s.category };
}

export interface SetupReport {
  tools: number;
  seedsInserted: number;
  evalSets: string[];
}

export function installDemoData(db: Db): Promise<SetupReport> {
  // The pool and the held-out sets are what every workspace gets when it opens; installed here too for a
  // database opened without the engine (the learning benchmark).
  const builtin = installBuiltinData(db);
  const { rounds } = seedHalves(loadSeedSamples());
  let seedsInserted = 0;
  db.transaction(() => {
    for (const s of rounds) {
      const u = toolUseOfSeed(s);
      const id = insertSample(db, {
        subtask: 'invocation',
        status: 'accepted',
        category: s.category,
        queryText: s.query,
        input: { query: s.query, tools: u.tools },
        outputText: s.target,
        author: 'import',
        dedupeKey: `builtin-seed:${s.id}`,
        note: 'built-in seed sample',
      });
      if (id !== null) seedsInserted++;
    }
  })();
  const evalSets = [...builtin.evalSets.added, ...builtin.evalSets.kept];
  return Promise.resolve({ tools: builtin.pool.total, seedsInserted, evalSets });
}

export interface StarterOptions {
  modelsDir: string;
  /** Optimizer steps of the starter's pretraining (0: leave it untrained). */
  steps: number;
  threads: number;
  shape?: StarterModelOptions;
  learningRate?: number;
  trainLayers?: 'last' | 'all' | number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  log?: (line: string) => void;
  /** Use the bundled, already trained starter when there is one (default true). */
  bundled?: boolean;
}

/** The starter model shipped in `resources/models/` (see `train/starter-recipe.ts`), with its build report. */
export function bundledStarter(): { file: string; report?: StarterReport } | undefined {
  return bundledStarterFile() as { file: string; report?: StarterReport } | undefined;
}

/**
 * The starter model, trained once: reused when the workspace has it; else the bundled trained starter is
 * copied in; else (no bundled file, or `bundled: false`) the starter is written and taught the call format
 * on the pretraining half of the seeds with the native trainer. Returns its registry id.
 */
export async function ensureStarter(
  db: Db,
  o: StarterOptions,
): Promise<{ id: number; trained: boolean; bundled: boolean; seconds: number; finalLoss?: number }> {
  const ready = findModel(db, o.modelsDir, STARTER_TRAINED_NAME) ?? (o.steps === 0 ? findModel(db, o.modelsDir, STARTER_NAME) : undefined);
  if (ready) return { id: ready.id, trained: false, bundled: false, seconds: 0 };
  const bundled = o.bundled === false || o.steps === 0 ? undefined : bundledStarter();
  const added = bundled ? await addBundledStarter(db, o.modelsDir) : undefined;
  if (bundled && added) {
    const record = added.model;
    o.log?.(
      `Starter model: the bundled one (${bundled.report ? `${bundled.report.examples} examples, final loss ${bundled.report.metrics.finalLoss?.toFixed(3)}` : 'no report'})`,
    );
    return { id: record.id, trained: false, bundled: true, seconds: 0 };
  }
  let base = findModel(db, o.modelsDir, STARTER_NAME);
  if (!base) {
    const file = path.join(o.modelsDir, `${STARTER_NAME}.gguf`);
    fs.rmSync(file, { force: true });
    await createStarterModel(file, { name: STARTER_NAME, ...o.shape });
    base = await registerModel(db, o.modelsDir, file, { name: STARTER_NAME, kind: 'starter' });
  }
  if (o.steps === 0) return { id: base.id, trained: false, bundled: false, seconds: 0 };
  const template = chatTemplateFromMetadata((await readGguf(base.path)).metadata);
  const { pretrain } = seedHalves(loadSeedSamples());
  const conversations = pretrain.flatMap((s) => {
    const d = decompose(toolUseOfSeed(s));
    return [...d.invocation, ...d.tool_generation.slice(0, 1)].map((e) => ({
      messages: [...e.messages, { role: 'assistant' as const, content: e.target }],
      tools: e.tools,
    }));
  });
  const { examples, templateHash } = renderExamples(template, conversations);
  const ctxLen = base.contextLength ?? 2048;
  const fitting = examples.filter((e) => Buffer.byteLength(e.text) + 8 <= ctxLen);
  o.log?.(
    `Teaching the starter model the call format: ${fitting.length} examples, ${o.steps} steps (native trainer, ${o.threads} threads)…`,
  );
  const output = path.join(o.modelsDir, `${STARTER_TRAINED_NAME}.gguf`);
  fs.rmSync(output, { force: true });
  const started = Date.now();
  const result = await runTraining(
    {
      backend: 'native',
      baseModel: base.path,
      baseModelId: base.id,
      examples: fitting,
      validationShare: 0,
      output,
      name: STARTER_TRAINED_NAME,
      templateHash,
      hyper: {
        epochs: 100,
        maxSteps: o.steps,
        learningRate: o.learningRate ?? 1e-3,
        contextLength: ctxLen,
        warmupSteps: 10,
        schedule: 'cosine',
        seed: 7,
      },
      native: { trainLayers: o.trainLayers ?? 'all', threads: o.threads },
    },
    {
      signal: o.signal,
      onProgress: o.onProgress,
      register: async (spec, outcome) =>
        (
          await registerModel(db, o.modelsDir, outcome.file, {
            name: STARTER_TRAINED_NAME,
            kind: 'starter',
            parentId: base.id,
            trainer: 'native',
            metadata: { metrics: outcome.metrics, purpose: 'call-format pretraining' },
          })
        ).id,
    },
  );
  return {
    id: result.modelId!,
    trained: true,
    bundled: false,
    seconds: (Date.now() - started) / 1000,
    finalLoss: result.metrics.finalLoss,
  };
}

export { DEMO_MODEL, DEMO_SETTINGS, DEMO_STARTER_SHAPE, demoSettings, REAL_MODEL_DEMO_SETTINGS } from '../../../shared/contract/demo';
