import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open';
import type { StepContext } from '../jobs/types';
import { createLocalBackend, type LocalBackend } from '../models/local-backend';
import type { SamplingSettings } from '../models/backend';
import { chatTemplateFromMetadata, type ChatTemplate } from '../models/chat-render';
import { readGguf } from '../models/gguf/read';
import { buildRefinementCorpus, type Attempt } from '../refine/corpus';
import { insertSample } from '../samples/samples-repo';
import { runInSandbox } from '../sandbox';
import { invocationPrompt, invocationTarget, queryGenerationPrompt, toolGenerationPrompt } from '../subtasks/builders';
import { verifyExecution } from '../subtasks/execution';
import { PROMPT_VERSION } from '../subtasks/prompts';
import { parseToolsText } from '../subtasks/tool-json';
import type { SubtaskExample, ToolUse, Verdict } from '../subtasks/types';
import { insertVerdicts } from '../subtasks/verdicts-repo';
import {
  allPassed,
  answerKey,
  looksLikeWords,
  parseOutput,
  rejectionReason,
  verifyConsistency,
  verifyFormat,
  verifySchema,
  verifyToolsText,
  vote,
} from '../subtasks/verify';
import { printCalls } from '../tools/call-print';
import { canonicalCall } from '../tools/canonical';
import type { Call, ToolDef } from '../tools/types';
import { renderExamples } from '../train/examples';
import { insertTrainPoint } from '../train/points-repo';
import { trainProgressEmitter } from '../train/progress-events';
import { runTraining } from '../train/run';
import { evaluateSet, type EvalSummary } from './evaluate';
import { buildTrainingMix } from './mix';
import { registerModel } from '../models/registry';
import { getModelRef, type ModelRef } from './models-link';
import { poolTools, readInvocationInput, unusedLabelledQueries } from './pool-data';
import {
  ensureRound,
  finishRound,
  generationsOf,
  getRound,
  insertGeneration,
  metric,
  setMetric,
  setStage,
  upsertPassK,
  type RoundRow,
} from './rounds-repo';
import { selectModelAware, selectRandom, type PassRecord } from './select';
import type { EvolveSettings } from './settings';
import { splitBudget } from './targeted';

/**
 * The steps of a self-evolution run. Each step reads what the previous ones stored (rounds, queries,
 * round_generations, samples), does its part, and stores its rows together with its checkpoint (one
 * transaction), so a resumed job redoes only uncommitted work. A step of a round after an early stop
 * returns `{skipped}`.
 */

export type Ctx = StepContext<EvolveSettings, Record<string, unknown>>;

export interface Workspace {
  modelsDir: string;
  dir: string;
}

// ---- shared helpers ------------------------------------------------------------------------------------

/** The model a round starts from: the last accepted round's model of this run (round 0 = the base). */
export function currentModelId(db: Db, s: EvolveSettings, seq: number): number {
  const row = db
    .prepare(
      `SELECT result_model_id AS id FROM rounds WHERE run_id = ? AND seq < ? AND state = 'accepted' AND result_model_id IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    )
    .get(s.runId, seq) as { id: number } | undefined;
  return row?.id ?? s.modelId;
}

export async function templateOf(file: string): Promise<ChatTemplate> {
  return chatTemplateFromMetadata((await readGguf(file)).metadata);
}

async function withBackend<T>(model: ModelRef, s: EvolveSettings, fn: (b: LocalBackend) => Promise<T>): Promise<T> {
  const backend = await createLocalBackend({
    modelPath: model.file,
    ...(model.adapterFile ? { loraPath: model.adapterFile } : {}),
    threads: s.threads,
    gpu: false,
    sequences: Math.max(s.k, s.passK),
    skipMemoryCheck: true,
  });
  try {
    return await fn(backend);
  } finally {
    await backend.dispose();
  }
}

/** Stops early: an earlier round's decide step said so. */
export function stoppedBefore(ctx: Ctx): string | null {
  for (const [name, out] of Object.entries(ctx.outputs)) {
    if (name.endsWith('/decide') && out && typeof out === 'object' && (out as { stop?: string }).stop)
      return (out as { stop: string }).stop;
  }
  return null;
}

function sampling(s: EvolveSettings, seedSalt: number, temperature = s.temperature): SamplingSettings {
  return { temperature, maxTokens: s.maxTokens, seed: s.seed * 100_003 + seedSalt };
}

function toolsJson(tools: readonly ToolDef[]): unknown[] {
  return tools.map((t) => t.original ?? { name: t.name, description: t.description, parameters: t.parameters });
}

function roundOf(ctx: Ctx, seq: number): RoundRow {
  const r = getRound(ctx.db, ctx.settings.runId, seq);
  if (!r) throw new Error(`round ${seq} of run ${ctx.settings.runId} has no row: its queries step did not run`);
  return r;
}

/** BFCL category of a call list for the tools offered. */
export function categoryOf(calls: Call[] | null, toolCount: number): string {
  if (!calls || calls.length === 0) return 'irrelevance';
  if (calls.length === 1) return toolCount > 1 ? 'multiple' : 'simple';
  return new Set(calls.map((c) => c.name)).size === 1 && toolCount === 1 ? 'parallel' : 'parallel_multiple';
}

/** Partial credit of an output against a label: share of label calls matched by name (half) and exactly (half). */
export function partialCredit(output: string, label: Call[] | null): number {
  const p = parseOutput(output);
  if (!p.ok || !label || label.length === 0) return 0;
  const names = p.calls.map((c) => c.name);
  const exact = new Set(p.calls.map(canonicalCall));
  let score = 0;
  for (const c of label) {
    const i = names.indexOf(c.name);
    if (i >= 0) {
      names.splice(i, 1);
      score += 0.5;
    }
    if (exact.has(canonicalCall(c))) score += 0.5;
  }
  return score / label.length;
}

function checkpointOutput(ctx: Ctx): unknown | undefined {
  const c = ctx.checkpoint as { output?: unknown } | undefined;
  return c?.output;
}

// ---- baseline (round 0) ----------------------------------------------------------------------------------

export async function evaluateRound(
  ctx: Ctx,
  ws: Workspace,
  round: RoundRow,
  model: ModelRef,
  label: string,
): Promise<{ main: number; summaries: Record<string, Omit<EvalSummary, 'byTool'>>; byTool: EvalSummary['byTool'] }> {
  const s = ctx.settings;
  const summaries: Record<string, Omit<EvalSummary, 'byTool'>> = {};
  const byTool: EvalSummary['byTool'] = {};
  await withBackend(model, s, async (backend) => {
    let setIndex = 0;
    for (const set of s.evalSets) {
      const summary = await evaluateSet(ctx.db, backend, {
        setName: set,
        limit: s.evalLimit,
        refinement: s.evalRefinement,
        maxRefinements: s.maxRefinements,
        maxTokens: s.maxTokens,
        modelId: model.id,
        roundId: round.id,
        label,
        signal: ctx.signal,
        onItem: (done, total) => ctx.progress(setIndex * total + done, s.evalSets.length * total, `evaluating on ${set}`),
      });
      setIndex++;
      const { byTool: tools, ...rest } = summary;
      summaries[set] = rest;
      for (const [name, t] of Object.entries(tools)) {
        const acc = (byTool[name] ??= { total: 0, failed: 0 });
        acc.total += t.total;
        acc.failed += t.failed;
      }
    }
  });
  const mainSet = s.mainSet ?? s.evalSets[0]!;
  const main = (summaries[mainSet]?.accuracy ?? 0) - s.simulateRegression * (round.seq > 0 ? 1 : 0);
  ctx.commit(
    (db) => {
      for (const [set, sum] of Object.entries(summaries)) {
        setMetric(db, round.id, 'accuracy', sum.accuracy, set);
        setMetric(db, round.id, 'eval_tokens', sum.tokens, set);
        setMetric(db, round.id, 'refinement_steps', sum.refinementSteps, set);
        for (const [cat, c] of Object.entries(sum.byCategory)) setMetric(db, round.id, 'accuracy', c.accuracy, `${set}/${cat}`);
      }
      setMetric(db, round.id, 'main_metric', main);
    },
    { evaluated: true },
  );
  return { main, summaries, byTool };
}

export async function baselineStep(ctx: Ctx, ws: Workspace) {
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const model = getModelRef(ctx.db, ws.modelsDir, s.modelId);
  const template = await templateOf(model.file);
  const started = Date.now();
  const round = ensureRound(ctx.db, {
    jobId: ctx.jobId,
    runId: s.runId,
    seq: 0,
    baseModelId: model.id,
    settings: s,
    templateHash: template.hash,
  });
  const r = await evaluateRound(ctx, ws, round, model, `${s.runId} round 0 (base)`);
  const output = {
    roundId: round.id,
    main: r.main,
    accuracy: Object.fromEntries(Object.entries(r.summaries).map(([k, v]) => [k, v.accuracy])),
    byTool: r.byTool,
  };
  ctx.commit(
    (db) => {
      setMetric(db, round.id, 'wall_seconds', (Date.now() - started) / 1000);
      finishRound(db, round.id, 'accepted', model.id);
    },
    { output },
  );
  return output;
}

// ---- 1. queries in -------------------------------------------------------------------------------------------

/** The evaluation (byTool failures) of the model the round starts from. */
function lastEvaluation(ctx: Ctx, seq: number): Record<string, { total: number; failed: number }> | null {
  const modelId = currentModelId(ctx.db, ctx.settings, seq);
  for (let r = seq - 1; r >= 0; r--) {
    const name = r === 0 ? 'baseline' : `round-${r}/evaluate`;
    const out = ctx.outputs[name] as { byTool?: Record<string, { total: number; failed: number }>; modelId?: number } | undefined;
    const row = getRound(ctx.db, ctx.settings.runId, r);
    if (out?.byTool && row && (row.result_model_id === modelId || r === 0)) return out.byTool;
  }
  return null;
}

export async function queriesStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const model = getModelRef(ctx.db, ws.modelsDir, currentModelId(ctx.db, s, seq));
  const template = await templateOf(model.file);
  const round = ensureRound(ctx.db, {
    jobId: ctx.jobId,
    runId: s.runId,
    seq,
    baseModelId: model.id,
    settings: s,
    templateHash: template.hash,
  });
  const labelled = unusedLabelledQueries(ctx.db, s.runId, s.importsPerRound, s.seed + seq);
  const pool = poolTools(ctx.db, s.pool);
  const failures = lastEvaluation(ctx, seq);
  const budget = splitBudget(
    s.generatedPerRound,
    pool.map((p) => p.tool.name),
    failures ? Object.entries(failures).map(([key, f]) => ({ key, ...f })) : null,
    { targeted: s.targeted },
  );
  const generated: {
    text: string;
    tool: ToolDef;
    gen: { outputs: string[]; tokens: number; ms: number; templateHash: string; samplingUsed: SamplingSettings };
  }[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  if (s.generatedPerRound > 0 && pool.length > 0) {
    await withBackend(model, s, async (backend) => {
      let i = 0;
      const wanted = [...budget.entries()].filter(([, n]) => n > 0);
      for (const [name, n] of wanted) {
        ctx.throwIfAborted();
        const tool = pool.find((p) => p.tool.name === name)!.tool;
        const prompt = queryGenerationPrompt([tool]);
        const used = { ...sampling(s, seq * 7919 + i, Math.max(0.9, s.temperature)), maxTokens: Math.min(120, s.maxTokens) };
        const r = await backend.generate({ messages: prompt.messages, tools: prompt.tools, k: n, sampling: used, signal: ctx.signal });
        const outputs = r.outputs.map((o) => o.text);
        for (const text of outputs) {
          const q = text.split('\n')[0]!.trim().slice(0, 300);
          if (q.length < 8 || seen.has(q) || !looksLikeWords(q)) {
            dropped++;
            continue;
          }
          seen.add(q);
          generated.push({
            text: q,
            tool,
            gen: {
              outputs,
              tokens: r.outputs.reduce((a, o) => a + o.tokens, 0),
              ms: r.ms,
              templateHash: r.templateHash,
              samplingUsed: used,
            },
          });
        }
        ctx.progress(++i, wanted.length, 'writing new queries');
      }
    });
  }
  let queryIds: number[] = [];
  const output = () => ({
    roundId: round.id,
    labelled: labelled.map((l) => l.sampleId),
    generated: queryIds,
    dropped,
    budget: Object.fromEntries(budget),
    targeted: s.targeted && failures !== null,
  });
  ctx.commit(
    (db) => {
      const insertQuery = db.prepare(
        `INSERT INTO queries (text, source, category, round_id, tools_json) VALUES (?, 'generated', NULL, ?, ?) RETURNING id`,
      );
      // Unlabelled queries the person imported (with their tools) go through tool-making and voting like new ones.
      const imported = db
        .prepare(
          `SELECT id FROM queries WHERE round_id IS NULL AND source IN ('import', 'user') AND tools_json IS NOT NULL ORDER BY id LIMIT ?`,
        )
        .all(s.importsPerRound) as { id: number }[];
      for (const q of imported) db.prepare('UPDATE queries SET round_id = ? WHERE id = ?').run(round.id, q.id);
      queryIds = imported.map((q) => q.id);
      queryIds.push(
        ...generated.map((g) => {
          const { id } = insertQuery.get(g.text, round.id, JSON.stringify(toolsJson([g.tool]))) as { id: number };
          insertGeneration(db, {
            roundId: round.id,
            purpose: 'query',
            queryId: id,
            prompt: { tools: [g.tool.name], promptVersion: PROMPT_VERSION },
            outputs: [g.text],
            templateHash: g.gen.templateHash,
            sampling: g.gen.samplingUsed,
            tokens: g.gen.tokens,
            ms: g.gen.ms,
          });
          return id;
        }),
      );
      setMetric(db, round.id, 'queries_labelled', labelled.length);
      setMetric(db, round.id, 'queries_new', queryIds.length);
      setMetric(db, round.id, 'queries_dropped', dropped);
      setStage(db, round.id, 'tool-making');
    },
    { output: output() },
  );
  return output();
}

// ---- 2. tool-making ------------------------------------------------------------------------------------------

interface QueryRow {
  id: number;
  text: string;
  tools_json: string;
}

export async function toolMakingStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const model = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  const queries = ctx.db
    .prepare(`SELECT id, text, tools_json FROM queries WHERE round_id = ? AND source IN ('generated', 'import', 'user') ORDER BY id`)
    .all(round.id) as QueryRow[];
  let next = (ctx.checkpoint as { next?: number } | undefined)?.next ?? 0;
  let valid = (ctx.checkpoint as { valid?: number } | undefined)?.valid ?? 0;
  if (next < queries.length) {
    await withBackend(model, s, async (backend) => {
      for (; next < queries.length;) {
        ctx.throwIfAborted();
        const q = queries[next]!;
        const prompt = toolGenerationPrompt(q.text);
        const used = { ...sampling(s, seq * 104_729 + q.id), maxTokens: Math.max(s.maxTokens, 400) };
        const r = await backend.generate({ messages: prompt.messages, tools: [], k: 1, sampling: used, signal: ctx.signal });
        const text = r.outputs[0]?.text ?? '';
        const parsed = parseToolsText(text);
        const verdicts = verifyToolsText(parsed);
        const ok = allPassed(verdicts);
        const poolTools = (JSON.parse(q.tools_json) as unknown[]).map((t) => t);
        // The tools offered for tool-using: the pool tools the query was written for, plus valid new ones.
        const offered = [...poolTools];
        if (parsed.ok) {
          const names = new Set(poolTools.map((t) => (t as { name?: string }).name));
          for (const t of parsed.tools)
            if (!names.has(t.name) && offered.length < 4)
              offered.push({ name: t.name, description: t.description, parameters: t.parameters });
        }
        const i = next;
        ctx.commit(
          (db) => {
            const id = insertSample(db, {
              subtask: 'tool_generation',
              status: ok ? 'candidate' : 'rejected',
              roundId: round.id,
              modelId: model.id,
              queryId: q.id,
              queryText: q.text,
              input: { query: q.text },
              outputText: text,
            });
            if (id !== null) {
              db.prepare('UPDATE samples SET template_hash = ?, sampling_json = ? WHERE id = ?').run(
                r.templateHash,
                JSON.stringify({ ...used, k: 1, promptVersion: PROMPT_VERSION }),
                id,
              );
              insertVerdicts(db, id, 1, verdicts);
            }
            insertGeneration(db, {
              roundId: round.id,
              purpose: 'tool_making',
              queryId: q.id,
              prompt: { query: q.text, promptVersion: PROMPT_VERSION },
              outputs: [text],
              templateHash: r.templateHash,
              sampling: used,
              tokens: r.outputs[0]?.tokens ?? 0,
              ms: r.ms,
            });
            db.prepare('UPDATE queries SET tools_json = ? WHERE id = ?').run(JSON.stringify(offered), q.id);
          },
          { next: i + 1, valid: valid + (ok ? 1 : 0) },
        );
        if (ok) valid++;
        next = i + 1;
        ctx.progress(next, queries.length, 'making tools for new queries');
      }
    });
  }
  ctx.commit((db) => setStage(db, round.id, 'tool-using'), { next, valid });
  return { queries: queries.length, validToolSets: valid };
}

// ---- 3. tool-using (k samples per prompt) ----------------------------------------------------------------------

interface UseItem {
  queryId: number | null;
  sampleId: number | null;
  query: string;
  tools: ToolDef[];
}

function useItems(ctx: Ctx, seq: number): UseItem[] {
  const round = roundOf(ctx, seq);
  const q = ctx.outputs[`round-${seq}/queries`] as { labelled: number[] } | undefined;
  const items: UseItem[] = [];
  const queries = ctx.db
    .prepare(`SELECT id, text, tools_json FROM queries WHERE round_id = ? AND source IN ('generated', 'import', 'user') ORDER BY id`)
    .all(round.id) as QueryRow[];
  for (const row of queries) {
    const input = readInvocationInput(JSON.stringify({ query: row.text, tools: JSON.parse(row.tools_json) }));
    if (input) items.push({ queryId: row.id, sampleId: null, query: input.query, tools: input.tools });
  }
  const get = ctx.db.prepare(
    'SELECT v.input_json FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version WHERE s.id = ?',
  );
  for (const id of q?.labelled ?? []) {
    const row = get.get(id) as { input_json: string } | undefined;
    const input = row ? readInvocationInput(row.input_json) : null;
    if (input) items.push({ queryId: null, sampleId: id, query: input.query, tools: input.tools });
  }
  return items;
}

export async function toolUsingStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const model = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  const items = useItems(ctx, seq);
  let next = (ctx.checkpoint as { next?: number } | undefined)?.next ?? 0;
  const k = Math.max(s.k, s.passK);
  if (next < items.length) {
    await withBackend(model, s, async (backend) => {
      for (; next < items.length;) {
        ctx.throwIfAborted();
        const item = items[next]!;
        const prompt = invocationPrompt(item.query, item.tools);
        const used = sampling(s, seq * 15_485_863 + next);
        let outputs: string[] = [];
        let tokens = 0;
        let ms = 0;
        let templateHash = backend.template.hash;
        let error: string | undefined;
        try {
          // One prompt, k samples: the backend evaluates the prompt once and shares it across sequences.
          const r = await backend.generate({
            messages: prompt.messages,
            tools: prompt.tools,
            k,
            sampling: used,
            constrain: s.constrain,
            signal: ctx.signal,
          });
          outputs = r.outputs.map((o) => o.text);
          tokens = r.outputs.reduce((a, o) => a + o.tokens, 0);
          ms = r.ms;
          templateHash = r.templateHash;
        } catch (e) {
          if ((e as Error).name === 'AbortError') throw e;
          error = (e as Error).message;
        }
        const i = next;
        ctx.commit(
          (db) => {
            insertGeneration(db, {
              roundId: round.id,
              purpose: 'tool_using',
              queryId: item.queryId,
              sourceSampleId: item.sampleId,
              prompt: { query: item.query, tools: toolsJson(item.tools), promptVersion: PROMPT_VERSION, ...(error ? { error } : {}) },
              outputs,
              templateHash,
              sampling: { ...used, k, constrain: s.constrain },
              tokens,
              ms,
            });
          },
          { next: i + 1 },
        );
        next = i + 1;
        ctx.progress(next, items.length, `sampling ${k} answers per query`);
      }
    });
  }
  ctx.commit((db) => setStage(db, round.id, 'verify'), { next });
  return { items: items.length, k };
}

// ---- 4. verification and voting ---------------------------------------------------------------------------------

export async function verifyStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const impls = new Map(
    poolTools(ctx.db, s.pool)
      .filter((p) => p.implementation)
      .map((p) => [p.tool.name, p.implementation!]),
  );
  const gens = generationsOf(ctx.db, round.id, 'tool_using').filter((g) => g.query_id !== null);
  const made: {
    gen: number;
    sample: Parameters<typeof insertSample>[1];
    verdicts: Verdict[];
    share: number;
    templateHash: string;
    sampling: string;
  }[] = [];
  let i = 0;
  for (const g of gens) {
    ctx.throwIfAborted();
    const prompt = JSON.parse(g.prompt_json) as { query: string; tools: unknown[] };
    const input = readInvocationInput(JSON.stringify(prompt));
    const outputs = JSON.parse(g.outputs_json) as string[];
    if (!input || outputs.length === 0) continue;
    const v = vote(outputs);
    const chosen = v.index >= 0 ? outputs[v.index]! : outputs[0]!;
    const verdicts: Verdict[] = [verifyFormat(chosen)];
    if (v.calls) verdicts.push(verifySchema(v.calls, input.tools));
    verdicts.push(verifyConsistency(v, s.voteThreshold));
    if (s.execute && v.calls && v.calls.length > 0 && allPassed(verdicts)) {
      const ex = await verifyExecution(
        v.calls,
        (n) => impls.has(n),
        async (call) => {
          const r = await runInSandbox(impls.get(call.name)!, call.args);
          return r.ok ? { ok: true, result: r.result } : { ok: false, kind: r.reason, message: r.message };
        },
      );
      if (ex) verdicts.push(ex);
    }
    const calls = v.calls && v.calls.length > 0 ? v.calls : null;
    const outputText = calls ? printCalls(calls) : chosen.trim();
    const ok = allPassed(verdicts);
    made.push({
      gen: g.id,
      sample: {
        subtask: 'invocation',
        status: ok ? 'candidate' : 'rejected',
        category: categoryOf(calls, input.tools.length),
        roundId: round.id,
        modelId: round.base_model_id,
        queryId: g.query_id,
        queryText: input.query,
        input: { query: input.query, tools: input.tools },
        outputText,
        note: ok ? null : rejectionReason(verdicts),
      },
      verdicts,
      share: v.share,
      templateHash: g.template_hash,
      sampling: g.sampling_json,
    });
    ctx.progress(++i, gens.length, 'verifying and voting');
  }
  let verified = 0;
  ctx.commit((db) => {
    for (const m of made) {
      const id = insertSample(db, m.sample);
      if (id === null) continue;
      db.prepare('UPDATE samples SET vote_share = ?, template_hash = ?, sampling_json = ? WHERE id = ?').run(
        m.share,
        m.templateHash,
        m.sampling,
        id,
      );
      insertVerdicts(db, id, 1, m.verdicts);
      db.prepare('UPDATE round_generations SET sample_id = ? WHERE id = ?').run(id, m.gen);
      if (m.sample.status === 'candidate') verified++;
    }
    setMetric(db, round.id, 'samples_generated', made.length);
    setMetric(db, round.id, 'samples_verified', verified);
    setStage(db, round.id, s.curation === 'wait' ? 'curation' : 'select');
  }, {});
  const output = { generated: made.length, verified };
  ctx.commit(() => undefined, { output });
  return output;
}

// ---- 5. curation point -------------------------------------------------------------------------------------------

export async function curationStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  if (s.curation === 'auto') return { waited: false };
  ctx.log('info', `Round ${seq} waits for curation: accept, reject or edit its samples, then continue the round (evolution.continue).`);
  for (;;) {
    const row = getRound(ctx.db, s.runId, seq)!;
    if (row.curated_at) break;
    ctx.progress(0, 1, 'waiting for curation');
    await ctx.sleep(1000);
  }
  ctx.commit((db) => setStage(db, round.id, 'select'), {});
  return { waited: true };
}

// ---- 6. model-aware selection --------------------------------------------------------------------------------------

interface Candidate {
  sampleId: number;
  use: ToolUse;
  key: string;
  outputs: string[];
}

function candidatesOf(ctx: Ctx, round: RoundRow): Candidate[] {
  const rows = ctx.db
    .prepare(
      `SELECT g.outputs_json, COALESCE(g.sample_id, g.source_sample_id) AS sid, s.status, s.category, v.input_json, v.output_text
       FROM round_generations g JOIN samples s ON s.id = COALESCE(g.sample_id, g.source_sample_id)
       JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
       WHERE g.round_id = ? AND g.purpose = 'tool_using' AND s.status != 'rejected' ORDER BY g.id`,
    )
    .all(round.id) as {
    outputs_json: string;
    sid: number;
    status: string;
    category: string | null;
    input_json: string;
    output_text: string;
  }[];
  const out: Candidate[] = [];
  for (const r of rows) {
    const input = readInvocationInput(r.input_json);
    const label = parseOutput(r.output_text);
    if (!input || !label.ok) continue;
    const calls = label.words ? null : label.calls;
    out.push({
      sampleId: r.sid,
      use: {
        query: input.query,
        tools: input.tools,
        calls,
        ...(calls ? {} : { answerText: r.output_text }),
        category: r.category ?? undefined,
      },
      key: label.key,
      outputs: JSON.parse(r.outputs_json) as string[],
    });
  }
  return out;
}

export async function selectStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const candidates = candidatesOf(ctx, round);
  // pass@k against the current model: its first passK samples of the shared tool-using prompt.
  const records: PassRecord[] = candidates.map((c) => {
    const outs = c.outputs.slice(0, s.passK);
    const k = Math.max(1, outs.length);
    // A match is a well-formed answer with the label's canonical form (noise is not a refusal).
    const matches = outs.filter((o) => answerKey(o) === c.key).length;
    return { id: c.sampleId, k, matches, partial: Math.max(0, ...outs.map((o) => partialCredit(o, c.use.calls))) };
  });
  const aware = selectModelAware(records, { replayShare: s.replayShare, unreachableCap: s.unreachableCap, seed: s.seed + seq });
  let selected = new Set(aware.selectedIds);
  if (s.selection === 'random') selected = new Set(selectRandom(records, aware.selectedIds.length, s.seed * 31 + seq));
  const earlier = new Set(
    (
      ctx.db
        .prepare(
          `SELECT p.sample_id FROM sample_passk p JOIN rounds r ON r.id = p.round_id WHERE r.run_id = ? AND r.seq < ? AND p.selected = 1`,
        )
        .all(s.runId, seq) as { sample_id: number }[]
    ).map((r) => r.sample_id),
  );
  const newSelected = [...selected].filter((id) => !earlier.has(id)).length;
  ctx.commit((db) => {
    for (const d of aware.decisions) {
      const rec = records.find((r) => r.id === d.id)!;
      const isSel = selected.has(d.id);
      const why =
        s.selection === 'random' ? `${isSel ? 'selected' : 'not selected'} at random (ablation); model-aware would say: ${d.why}` : d.why;
      upsertPassK(db, {
        sampleId: d.id,
        roundId: round.id,
        k: rec.k,
        matches: rec.matches,
        p: d.p,
        bucket: d.bucket,
        selected: isSel,
        difficulty: d.difficulty,
        reason: why,
      });
    }
    setMetric(db, round.id, 'candidates', records.length);
    setMetric(db, round.id, 'samples_selected', selected.size);
    setMetric(db, round.id, 'new_selected', newSelected);
    setMetric(db, round.id, 'mastered', aware.counts.mastered);
    setMetric(db, round.id, 'learnable', aware.counts.learnable);
    setMetric(db, round.id, 'unreachable', aware.counts.unreachable);
    setStage(db, round.id, 'mix');
  }, {});
  return { candidates: records.length, selected: selected.size, newSelected, counts: aware.counts, selection: s.selection };
}

// ---- 7. training mix ------------------------------------------------------------------------------------------------

export function mixFile(ws: Workspace, runId: string, seq: number): string {
  return path.join(ws.dir, 'rounds', `${runId}-r${seq}.mix.jsonl`);
}

export async function mixStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const model = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  const template = await templateOf(model.file);
  const candidates = candidatesOf(ctx, round);
  const selectedIds = new Set(
    (ctx.db.prepare('SELECT sample_id FROM sample_passk WHERE round_id = ? AND selected = 1').all(round.id) as { sample_id: number }[]).map(
      (r) => r.sample_id,
    ),
  );
  const selected = candidates.filter((c) => selectedIds.has(c.sampleId));
  // Refinement corpus: the model's own answers to this round's labelled queries.
  const attempts: Attempt[] = candidates.flatMap((c) =>
    c.outputs.map((o) => ({ query: c.use.query, tools: c.use.tools, output: o, target: invocationTarget(c.use), targetKey: c.key })),
  );
  const nInv = s.mix.invocation > 0 ? selected.length : 0;
  const corpus = buildRefinementCorpus(attempts, {
    ratio: s.refineRatio,
    max: Math.round(s.refinementShare * Math.max(nInv, selected.length)),
    seed: s.seed + seq,
  });
  const mix = buildTrainingMix(
    selected.map((c) => c.use),
    s.mix,
    corpus.examples,
    s.seed + seq,
  );
  const { examples, templateHash } = renderExamples(
    template,
    mix.examples.map((e: SubtaskExample) => ({
      messages: [...e.messages, { role: 'assistant' as const, content: e.target }],
      tools: e.tools,
    })),
  );
  const file = mixFile(ws, s.runId, seq);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    examples.map((e, i) => JSON.stringify({ subtask: mix.examples[i]!.subtask, ...e })).join('\n') + (examples.length ? '\n' : ''),
  );
  const output = {
    file,
    templateHash,
    counts: mix.counts,
    total: examples.length,
    refinement: { wrong: corpus.wrong, right: corpus.right },
  };
  ctx.commit(
    (db) => {
      for (const [k, v] of Object.entries(mix.counts)) setMetric(db, round.id, 'mix', v, k);
      db.prepare('UPDATE rounds SET template_hash = ? WHERE id = ?').run(templateHash, round.id);
      setStage(db, round.id, 'train');
    },
    { output },
  );
  return output;
}

// ---- 8. training -----------------------------------------------------------------------------------------------------

export async function trainStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const base = getModelRef(ctx.db, ws.modelsDir, round.base_model_id!);
  const mix = ctx.outputs[`round-${seq}/mix`] as { file: string; templateHash: string; total: number };
  const rows = fs.existsSync(mix.file)
    ? fs
        .readFileSync(mix.file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              text: string;
              spans: { start: number; end: number }[];
              messages?: { role: string; content: string }[];
              tools?: unknown[];
            },
        )
    : [];
  if (rows.length === 0) {
    const output = { skipped: 'the training mix is empty (no sample was selected)', modelId: null };
    ctx.commit(() => undefined, { output });
    return output;
  }
  const header = await readGguf(base.file);
  const modelCtx = Number(Object.entries(header.metadata).find(([k]) => k.endsWith('.context_length'))?.[1] ?? 2048);
  // The native trainer learns windows of exactly contextLength tokens and refuses longer examples:
  // size the window to the longest example (characters bound tokens from above), capped by the model.
  const longest = Math.max(...rows.map((r) => Buffer.byteLength(r.text) + 8));
  let contextLength = s.train.contextLength;
  while (contextLength < longest && contextLength < modelCtx) contextLength *= 2;
  contextLength = Math.min(contextLength, modelCtx);
  const examples = rows.filter((r) => Buffer.byteLength(r.text) + 8 <= contextLength);
  const dropped = rows.length - examples.length;
  if (dropped) ctx.log('warn', `${dropped} training example(s) are longer than the ${contextLength}-token window and were left out`);
  const output = path.join(ws.modelsDir, `${s.runId}-r${seq}.gguf`);
  const runKey = `${s.runId}-r${seq}`;
  const existing = ctx.db.prepare('SELECT id FROM models WHERE round_id = ? AND parent_id = ?').get(round.id, base.id) as
    { id: number } | undefined;
  if (!existing) {
    fs.rmSync(output, { force: true }); // a previous attempt died before registering it
    ctx.db.prepare('DELETE FROM train_points WHERE run_key = ?').run(runKey);
  }
  const started = Date.now();
  let lastLoss: number | undefined;
  // The Jobs view's live curve (throttled; the stored points below are the same ones).
  const live = trainProgressEmitter((e) => ctx.emit('train.progress', e), { runId: runKey, jobId: ctx.jobId, roundId: round.id });
  const result = existing
    ? null
    : await runTraining(
        {
          backend: s.backend,
          baseModel: base.file,
          baseModelId: base.id,
          examples: examples.map((e) => ({ text: e.text, spans: e.spans, messages: e.messages, tools: e.tools })),
          validationShare: examples.length >= 10 ? 0.1 : 0,
          output,
          name: `${s.runId}-r${seq}`,
          roundId: round.id,
          templateHash: mix.templateHash,
          hyper: {
            epochs: s.train.epochs,
            maxSteps: s.train.maxSteps,
            learningRate: s.train.learningRate,
            contextLength,
            seed: s.seed + seq,
            warmupSteps: 2,
          },
          native: { trainLayers: s.train.trainLayers, threads: s.train.threads },
          ...(s.train.command ? { command: { command: s.train.command } } : {}),
        },
        {
          signal: ctx.signal,
          onProgress: (p) => {
            if (p.loss !== undefined) lastLoss = p.loss;
            // The curve the Rounds view draws.
            insertTrainPoint(ctx.db, { runKey, roundId: round.id, jobId: ctx.jobId, progress: p });
            live.report(p);
            ctx.progress(p.step, p.totalSteps ?? null, `training${lastLoss !== undefined ? `, loss ${lastLoss.toFixed(3)}` : ''}`);
          },
          onLog: (level, message) => ctx.log(level, message),
          register: async (spec, outcome) =>
            (
              await registerModel(ctx.db, ws.modelsDir, outcome.file, {
                name: spec.name,
                kind: outcome.kind === 'adapter' ? 'adapter' : 'finetune',
                parentId: base.id,
                roundId: round.id,
                trainer: spec.backend,
                metadata: {
                  metrics: outcome.metrics,
                  examples: examples.length,
                  runId: s.runId,
                  round: seq,
                  trainTemplateHash: spec.templateHash,
                },
              })
            ).id,
        },
      ).finally(() => live.flush());
  const modelId = existing?.id ?? result?.modelId ?? null;
  const out = {
    modelId,
    examples: examples.length,
    dropped,
    contextLength,
    metrics: result?.metrics ?? null,
    seconds: (Date.now() - started) / 1000,
  };
  ctx.commit(
    (db) => {
      if (result?.metrics.firstLoss !== undefined) setMetric(db, round.id, 'train_loss_first', result.metrics.firstLoss);
      if (result?.metrics.finalLoss !== undefined) setMetric(db, round.id, 'train_loss_final', result.metrics.finalLoss);
      if (result) setMetric(db, round.id, 'train_steps', result.metrics.steps);
      if (result) setMetric(db, round.id, 'train_seconds', result.metrics.seconds);
      setStage(db, round.id, 'evaluate');
    },
    { output: out },
  );
  return out;
}

// ---- 9. evaluation -------------------------------------------------------------------------------------------------------

export async function evaluateStep(ctx: Ctx, ws: Workspace, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const done = checkpointOutput(ctx);
  if (done) return done;
  const round = roundOf(ctx, seq);
  const trained = ctx.outputs[`round-${seq}/train`] as { modelId: number | null };
  if (!trained.modelId) {
    const output = { skipped: 'nothing was trained', modelId: null };
    ctx.commit(() => undefined, { output });
    return output;
  }
  const model = getModelRef(ctx.db, ws.modelsDir, trained.modelId);
  const r = await evaluateRound(ctx, ws, round, model, `${ctx.settings.runId} round ${seq}`);
  const output = {
    modelId: model.id,
    main: r.main,
    accuracy: Object.fromEntries(Object.entries(r.summaries).map(([k, v]) => [k, v.accuracy])),
    byTool: r.byTool,
  };
  ctx.commit((db) => setStage(db, round.id, 'decide'), { output });
  return output;
}

// ---- 10. accept or roll back ---------------------------------------------------------------------------------------------

export function decideStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop, stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  const evaluated = ctx.outputs[`round-${seq}/evaluate`] as { modelId: number | null; main?: number };
  const selected = ctx.outputs[`round-${seq}/select`] as { newSelected: number };
  // The last accepted round's main metric (round 0 = the base model's).
  const prevRound = ctx.db
    .prepare(`SELECT id FROM rounds WHERE run_id = ? AND seq < ? AND state = 'accepted' ORDER BY seq DESC LIMIT 1`)
    .get(s.runId, seq) as { id: number } | undefined;
  const prev = prevRound ? (metric(ctx.db, prevRound.id, 'main_metric') ?? 0) : 0;
  const main = evaluated.main;
  const accepted = evaluated.modelId !== null && main !== undefined && main >= prev - s.tolerance;
  const reason =
    evaluated.modelId === null
      ? 'rolled back: nothing was trained'
      : accepted
        ? `accepted: main metric ${main!.toFixed(1)} ≥ ${prev.toFixed(1)} − ${s.tolerance} tolerance`
        : `rolled back: main metric ${main!.toFixed(1)} < ${prev.toFixed(1)} − ${s.tolerance} tolerance; the next round starts from the last accepted model`;
  let stopWhy: string | null = null;
  if (s.earlyStop && seq < s.rounds) {
    if (selected.newSelected === 0) stopWhy = `round ${seq} selected no new sample`;
    else if (main === undefined || main <= prev)
      stopWhy = `round ${seq} did not improve the main metric (${(main ?? 0).toFixed(1)} ≤ ${prev.toFixed(1)})`;
  }
  const started = Date.parse(round.started_at.endsWith('Z') ? round.started_at : `${round.started_at}Z`);
  ctx.commit((db) => {
    setMetric(db, round.id, 'wall_seconds', (Date.now() - started) / 1000);
    setMetric(db, round.id, 'accepted', accepted ? 1 : 0);
    finishRound(db, round.id, accepted ? 'accepted' : 'rolled_back', evaluated.modelId);
  }, {});
  ctx.log('info', `Round ${seq}: ${reason}${stopWhy ? `; stopping early: ${stopWhy}` : ''}`);
  return { accepted, reason, main: main ?? null, previous: prev, modelId: evaluated.modelId, ...(stopWhy ? { stop: stopWhy } : {}) };
}
