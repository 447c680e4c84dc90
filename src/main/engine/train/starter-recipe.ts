import fs from 'node:fs';
import path from 'node:path';
import type { TrainProgress, TrainResult } from '../../../shared/contract/train';
import type { ChatMessage, ToolSpec } from '../inference/backend';
import { chatTemplateFromMetadata } from '../inference/chat-render';
import { readGguf } from '../lib/gguf/read';
import { createStarterModel, type StarterModelOptions } from '../models/starter';
import { loadBuiltinPool, loadSeedSamples, POOL_DOMAIN_GROUPS, seedSampleTools } from '../pool';
import { composeSamples, type SeedCategory } from '../pool/compose';
import { buildIndomainSet } from '../pool/eval-sets';
import { decompose, invocationTarget, queryGenerationPrompt, refinementPrompt } from '../subtasks/builders';
import type { SubtaskExample, ToolUse } from '../subtasks/types';
import { renderExamples } from './examples';
import { runTraining } from './run';
import { OUT_OF_SCOPE, POOL_INTENTS } from '../../../../resources/seed/intents';

/**
 * The recipe of the bundled starter model (`resources/models/toolsmith-starter.gguf`): a fresh random
 * starter, fully fine-tuned by the python trainer on a corpus composed from the built-in pool's request
 * templates (never the evaluation sets' queries, never the unseen tools), through the same sub-task
 * builders the rounds use. `toolsmith starter build` runs it; the file and its report are committed so
 * that the demo starts from a model that already writes calls, on machines with no python at all.
 */

export const STARTER_RECIPE = {
  /** The model: the starter factory's shape, with a context that fits the longest corpus example. */
  shape: { embedding: 128, layers: 4, heads: 4, feedForward: 384, contextLength: 2048, seed: 3 } satisfies StarterModelOptions,
  corpusSeed: 9_100_001,
  /** Samples composed per category (each yields one invocation example, plus a tool-generation one). */
  counts: { simple: 1000, multiple: 400, parallel: 300, parallel_multiple: 200, irrelevance: 200 } satisfies Record<SeedCategory, number>,
  /** Share of samples that also yield their tool-generation and doc-adaption examples. */
  decomposedShare: 0.1,
  /**
   * Share of samples that also yield a refinement example (ToolACE-R's refine prompt: half with the right
   * previous answer, to keep; half with another sample's, to correct) and, for one-tool calls, a
   * query-writing example: the other prompts the rounds give the model. 0 in stage 1.
   */
  refineShare: 0,
  queryShare: 0,
  hyper: { epochs: 1.2, learningRate: 3e-3, warmupSteps: 20, batchSize: 8, schedule: 'cosine' as const, seed: 7 },
} as const;

/** Conversations of the starter's corpus: invocation for every sample, the other sub-tasks for a share. */
export function starterCorpus(
  recipe: {
    corpusSeed: number;
    counts: Record<SeedCategory, number>;
    decomposedShare: number;
    refineShare?: number;
    queryShare?: number;
  } = STARTER_RECIPE,
): { messages: ChatMessage[]; tools: ToolSpec[] }[] {
  const pool = loadBuiltinPool();
  // Keep the evaluation sets honest: none of their queries (nor the rounds' seed queries) is trained on.
  const exclude = new Set([
    ...loadSeedSamples(pool).map((s) => s.query),
    ...buildIndomainSet(pool).questions.map((q) => q.question[0]![0]!.content),
  ]);
  const samples = composeSamples({
    seed: recipe.corpusSeed,
    counts: recipe.counts,
    tools: pool.map((t) => ({ name: t.name, domain: t.domain, def: t.def })),
    intents: POOL_INTENTS,
    domainGroups: POOL_DOMAIN_GROUPS,
    outOfScope: OUT_OF_SCOPE,
    exclude,
  });
  // A share as "every n-th sample" (0: none).
  const nth = (share = 0) => (share > 0 ? Math.max(1, Math.round(1 / share)) : 0);
  const [every, everyRefine, everyQuery] = [nth(recipe.decomposedShare), nth(recipe.refineShare), nth(recipe.queryShare)];
  const target = (s: (typeof samples)[number]) =>
    invocationTarget({ calls: s.calls.length ? s.calls : null, ...(s.calls.length ? {} : { answerText: s.target }) });
  return samples.flatMap((s, i) => {
    const calls = s.calls.length ? s.calls : null;
    const use: ToolUse = {
      query: s.query,
      tools: seedSampleTools({ id: '', ...s }, pool),
      calls,
      ...(calls ? {} : { answerText: s.target }),
      category: s.category,
    };
    const d = decompose(use);
    const examples: SubtaskExample[] =
      every && i % every === 0 ? [...d.invocation, ...d.tool_generation, ...d.doc_adaption.slice(0, 1)] : [...d.invocation];
    if (everyRefine && i % everyRefine === 0) {
      // Half keep a right answer, half correct another sample's (a wrong function, wrong values, or a wrong refusal).
      const previous = (i / everyRefine) % 2 === 0 ? target(s) : target(samples[(i * 7 + 3) % samples.length]!);
      examples.push({ ...refinementPrompt(s.query, use.tools, previous), target: target(s) });
    }
    const called = new Set((calls ?? []).map((c) => c.name));
    if (everyQuery && i % everyQuery === 0 && called.size === 1) {
      const tool = use.tools.filter((t) => called.has(t.name));
      if (tool.length === 1) examples.push({ ...queryGenerationPrompt(tool), target: s.query });
    }
    return examples.map((e) => ({ messages: [...e.messages, { role: 'assistant' as const, content: e.target }], tools: e.tools }));
  });
}

export interface BuildStarterOptions {
  /** Where the trained GGUF goes (its report is written beside it as `<name>.json`). */
  output: string;
  /**
   * Go on training this (earlier) starter instead of a fresh random one: a further stage on a fresh corpus
   * (the recipe's seed + the stage number). Its report, if beside it, is kept as the new report's `previous`.
   */
  from?: string;
  /** Peak learning rate of a further stage (default: the recipe's). */
  learningRate?: number;
  /** Passes over the corpus (default: the recipe's; more where a GPU makes them cheap). */
  epochs?: number;
  /** Compose this many times the recipe's samples per category (default 1): more distinct requests, not repeats. */
  corpusScale?: number;
  /**
   * Share of samples that also yield tool-generation and doc-adaption examples (default: the recipe's). Their
   * long JSON targets outweigh the short calls in the loss; a lower share puts the weight on copying values.
   */
  decomposedShare?: number;
  /** Shares of samples that also give a refinement / a query-writing example (default: the recipe's, 0). */
  refineShare?: number;
  queryShare?: number;
  threads?: number;
  /** Cap on optimizer steps (default: the recipe's epochs over the corpus). */
  maxSteps?: number;
  /** Limit the corpus (for a quick check of the recipe). */
  limit?: number;
  device?: 'auto' | 'cpu' | 'cuda' | 'mps';
  venv?: string;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  log?: (line: string) => void;
}

export interface StarterReport {
  recipe: typeof STARTER_RECIPE;
  /** 1 for a starter trained from random weights; n + 1 for a further stage on stage n. */
  stage: number;
  corpusSeed: number;
  learningRate: number;
  epochs: number;
  corpusScale: number;
  decomposedShare: number;
  refineShare: number;
  queryShare: number;
  /** The device the trainer was asked for (`--device`). */
  device?: string;
  /** The report of the stage this one continued. */
  previous?: StarterReport;
  examples: number;
  droppedTooLong: number;
  templateHash: string;
  metrics: TrainResult['metrics'];
  builtAt: string;
}

/** Runs the recipe: writes the random starter, trains it fully (python trainer), writes the GGUF and its report. */
export async function buildStarter(o: BuildStarterOptions): Promise<StarterReport> {
  const work = fs.mkdtempSync(path.join(path.dirname(path.resolve(o.output)), '.starter-build-'));
  try {
    const base = path.join(work, 'base.gguf');
    const previousReport = o.from ? o.from.replace(/\.gguf$/, '') + '.json' : undefined;
    const previous =
      previousReport && fs.existsSync(previousReport) ? (JSON.parse(fs.readFileSync(previousReport, 'utf8')) as StarterReport) : undefined;
    if (o.from) fs.copyFileSync(o.from, base);
    else await createStarterModel(base, { ...STARTER_RECIPE.shape, name: 'toolsmith-starter' });
    const stage = o.from ? (previous?.stage ?? 1) + 1 : 1;
    const corpusSeed = STARTER_RECIPE.corpusSeed + stage - 1;
    const learningRate = o.learningRate ?? STARTER_RECIPE.hyper.learningRate;
    const epochs = o.epochs ?? STARTER_RECIPE.hyper.epochs;
    const template = chatTemplateFromMetadata((await readGguf(base)).metadata);
    const corpusScale = o.corpusScale ?? 1;
    const counts = Object.fromEntries(Object.entries(STARTER_RECIPE.counts).map(([c, n]) => [c, Math.round(n * corpusScale)])) as Record<
      SeedCategory,
      number
    >;
    const decomposedShare = o.decomposedShare ?? STARTER_RECIPE.decomposedShare;
    const refineShare = o.refineShare ?? STARTER_RECIPE.refineShare;
    const queryShare = o.queryShare ?? STARTER_RECIPE.queryShare;
    const conversations = starterCorpus({ ...STARTER_RECIPE, counts, corpusSeed, decomposedShare, refineShare, queryShare }).slice(
      0,
      o.limit,
    );
    const { examples, templateHash } = renderExamples(template, conversations);
    // Character-level vocabulary: a character is at most one token per UTF-8 byte, plus BOS.
    const ctx = STARTER_RECIPE.shape.contextLength;
    const fitting = examples.filter((e) => Buffer.byteLength(e.text) + 2 <= ctx);
    o.log?.(`starter recipe: ${fitting.length} examples (${examples.length - fitting.length} longer than ${ctx} tokens dropped)`);
    fs.rmSync(o.output, { force: true });
    const result = await runTraining(
      {
        backend: 'python',
        baseModel: base,
        examples: fitting,
        validationShare: 0.02,
        templateHash,
        output: o.output,
        register: false,
        hyper: { ...STARTER_RECIPE.hyper, learningRate, epochs, contextLength: ctx, ...(o.maxSteps ? { maxSteps: o.maxSteps } : {}) },
        python: {
          method: 'full',
          device: o.device ?? 'auto',
          ...(o.threads ? { threads: o.threads } : {}),
          ...(o.venv ? { venv: o.venv } : {}),
        },
      },
      { signal: o.signal, onProgress: o.onProgress, onLog: (_level, message) => o.log?.(message) },
    );
    const report: StarterReport = {
      recipe: STARTER_RECIPE,
      stage,
      corpusSeed,
      learningRate,
      epochs,
      corpusScale,
      decomposedShare,
      refineShare,
      queryShare,
      device: o.device ?? 'auto',
      ...(previous ? { previous } : {}),
      examples: fitting.length,
      droppedTooLong: examples.length - fitting.length,
      templateHash,
      metrics: result.metrics,
      builtAt: new Date().toISOString(),
    };
    fs.writeFileSync(o.output.replace(/\.gguf$/, '') + '.json', JSON.stringify(report, null, 2) + '\n');
    return report;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
