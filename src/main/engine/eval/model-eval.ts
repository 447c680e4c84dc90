import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import type { ChatMessage, GenerateRequest, GenerationBackend, SamplingSettings } from '../inference/backend';
import { RemoteBackendError } from '../inference/remote-backend';
import { refineAdaptive, type RefineTrace } from '../refine/adaptive';
import { insertTrace } from '../refine/traces-repo';
import { normalizeTools, toToolSpec, ToolValidationError } from '../tools/normalize';
import type { ToolDef } from '../tools/types';
import type { BfclCheckResult } from './bfcl-checker';
import { checkItem, getRunInfo, summarize, type EvalRunInfo } from './eval-run';
import {
  deleteRunsOfCancelledJobs,
  deleteUnfinishedRun,
  evalRunExists,
  evalRunRow,
  finishEvalRun,
  insertEvalRun,
  resultItemIds,
  resultVerdicts,
  resultWriter,
  type EvalRunRow,
} from './runs-repo';
import { allItems, requireSet, type EvalItemRow } from './sets-repo';

/**
 * Evaluation with a model: every item of a stored eval set goes through a `GenerationBackend` (local or
 * remote) and its raw output is checked with the BFCL checker (`eval-run.ts`'s `checkItem`). Results are
 * stored in `eval_results` batch by batch (one transaction each) under an `eval_runs` row that carries the
 * model and the settings, so that an interrupted run resumes where it stopped (`resumeRunId`, or a job step
 * keeping the run id as its checkpoint); the run's summary (the same shape as `eval.check`'s) is written when
 * the last item is done. This one flow serves `models.evaluate` (the eval.model job, `toolsmith eval run`,
 * the Evaluation view) and the evaluation steps of self-evolution rounds, which add self-refinement.
 */

export interface ModelEvalSettings {
  sampling: SamplingSettings;
  /**
   * 'calls': output constrained to the call syntax; 'none': free text; 'auto' (default): constrained to calls,
   * and for the relevance categories to calls or words (the model decides, as under OpenAI's "auto").
   */
  constrain: 'calls' | 'none' | 'auto';
  /** 'bfcl': read outputs as BFCL does for prompting models; 'any': also JSON / Hermes / OpenAI forms. */
  decoder: 'bfcl' | 'any';
  /** Prepended as a system message when set. */
  systemPrompt?: string;
  /** Items generated between two commits (default 8). */
  batchSize?: number;
  /**
   * Self-refinement after the first answer (ToolACE-R; `refine/adaptive.ts`), each item's refinement trace
   * stored with its result; 'off' stores the one-step trace. Absent: the first answer, no trace.
   */
  refinement?: { mode: 'adaptive' | 'fixed' | 'off'; maxRefinements: number };
  /**
   * 'record': an item whose generation fails (e.g. a prompt longer than the context) is a failed result
   * (`generation_failed`) and the run goes on; a remote server's failure still stops it. Default 'throw'.
   */
  itemErrors?: 'throw' | 'record';
}

export interface ItemOutcome {
  itemId: number;
  itemKey: string;
  category: string;
  output: string;
  result: BfclCheckResult;
  tokens: number;
  ms: number;
  trace?: RefineTrace;
}

export interface ModelEvalProgress {
  runId: number;
  done: number;
  total: number;
  correct: number;
}

/** The chat for one item: its first turn's messages (BFCL's single-turn categories have exactly one). */
export function itemMessages(item: Pick<EvalItemRow, 'item_key' | 'question_json'>, systemPrompt?: string): ChatMessage[] {
  const q = JSON.parse(item.question_json) as unknown;
  let turn: unknown = q;
  if (Array.isArray(q) && Array.isArray(q[0])) turn = q[0];
  else if (typeof q === 'string') turn = [{ role: 'user', content: q }];
  if (!Array.isArray(turn) || turn.length === 0)
    throw new Error(`${item.item_key}.question must be a list of messages, got ${item.question_json.slice(0, 80)}`);
  const messages = turn.map((m, i): ChatMessage => {
    const role = (m as { role?: unknown }).role;
    const content = (m as { content?: unknown }).content;
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool')
      throw new Error(`${item.item_key}.question[0][${i}].role is ${JSON.stringify(role)}`);
    if (typeof content !== 'string') throw new Error(`${item.item_key}.question[0][${i}].content is not text`);
    return { role, content };
  });
  return systemPrompt && messages[0]?.role !== 'system' ? [{ role: 'system', content: systemPrompt }, ...messages] : messages;
}

function constrainFor(category: string, setting: ModelEvalSettings['constrain']): 'calls' | 'calls-or-words' | 'none' {
  // Relevance items are right when the model declines to call: it may answer in words or call, as it decides.
  if (setting === 'auto') return category.includes('relevance') ? 'calls-or-words' : 'calls';
  return setting;
}

/** The backend request for an item, or why the item cannot be asked. */
export function itemRequest(
  item: EvalItemRow,
  settings: ModelEvalSettings,
): { request: GenerateRequest; tools: ToolDef[] } | { problem: BfclCheckResult } {
  let tools: ToolDef[];
  try {
    tools = normalizeTools(JSON.parse(item.tools_json), `${item.item_key}.function`);
  } catch (error) {
    return {
      problem: {
        valid: false,
        errorType: 'toolsmith:bad_tools',
        error: [error instanceof ToolValidationError ? error.message : String(error)],
      },
    };
  }
  let messages: ChatMessage[];
  try {
    messages = itemMessages(item, settings.systemPrompt);
  } catch (error) {
    return { problem: { valid: false, errorType: 'toolsmith:bad_question', error: [(error as Error).message] } };
  }
  return {
    request: {
      messages,
      tools: tools.map(toToolSpec),
      k: 1,
      sampling: settings.sampling,
      constrain: constrainFor(item.category, settings.constrain),
    },
    tools,
  };
}

/** One item through the backend: the first answer, then self-refinement when the settings ask for it. */
async function answerItem(
  backend: GenerationBackend,
  asked: { request: GenerateRequest; tools: ToolDef[] },
  settings: ModelEvalSettings,
  signal: AbortSignal | undefined,
): Promise<{ output: string; tokens: number; ms: number; templateHash: string; trace?: RefineTrace }> {
  const generated = await backend.generate({ ...asked.request, signal });
  const first = generated.outputs[0];
  const answer = { output: first?.text ?? '', tokens: first?.tokens ?? 0, ms: generated.ms, templateHash: generated.templateHash };
  const r = settings.refinement;
  if (!r) return answer;
  const query = [...asked.request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const trace = await refineAdaptive(backend, query, asked.tools, {
    firstAnswer: answer.output,
    maxRefinements: r.mode === 'off' ? 0 : r.maxRefinements,
    mode: r.mode === 'fixed' ? 'fixed' : 'adaptive',
    sampling: asked.request.sampling,
    constrain: asked.request.constrain === 'calls' ? 'calls' : 'none',
    signal,
  });
  // The first answer was generated here, not by refineAdaptive: its cost belongs to the trace all the same.
  const step0 = trace.steps[0]!;
  step0.tokens = answer.tokens + generated.promptTokens;
  step0.ms = answer.ms;
  trace.totalTokens = trace.steps.reduce((a, s) => a + s.tokens, 0);
  trace.totalMs = trace.steps.reduce((a, s) => a + s.ms, 0);
  return { ...answer, output: trace.finalText, tokens: trace.totalTokens, ms: trace.totalMs, trace };
}

export interface RunItemsOptions {
  backend: GenerationBackend;
  items: EvalItemRow[];
  settings: ModelEvalSettings;
  /** Item ids already evaluated (skipped). */
  done?: ReadonlySet<number>;
  signal?: AbortSignal;
  /** Stores a batch of outcomes (one transaction) before the loop goes on; `progress` counts the batch in. */
  commit: (batch: ItemOutcome[], progress: { done: number; total: number; correct: number }) => void | Promise<void>;
  onProgress?: (progress: { done: number; total: number; correct: number }) => void;
}

/** Runs the items (except `done`) through the backend in batches; returns this call's outcomes. */
export async function runItems(options: RunItemsOptions): Promise<{ outcomes: ItemOutcome[]; templateHash: string | null }> {
  const { backend, settings, signal } = options;
  const todo = options.items.filter((item) => !options.done?.has(item.id));
  const total = options.items.length;
  let done = total - todo.length;
  let correct = 0;
  let templateHash: string | null = null;
  const batchSize = Math.max(1, settings.batchSize ?? 8);
  const outcomes: ItemOutcome[] = [];
  options.onProgress?.({ done, total, correct });
  for (let start = 0; start < todo.length; start += batchSize) {
    const batch: ItemOutcome[] = [];
    for (const item of todo.slice(start, start + batchSize)) {
      signal?.throwIfAborted();
      const base = { itemId: item.id, itemKey: item.item_key, category: item.category };
      const asked = itemRequest(item, settings);
      if ('problem' in asked) {
        batch.push({ ...base, output: '', result: asked.problem, tokens: 0, ms: 0 });
        continue;
      }
      let answer;
      try {
        answer = await answerItem(backend, asked, settings, signal);
      } catch (error) {
        const e = error as Error;
        const serverDown = error instanceof RemoteBackendError && error.code !== 'invalid_input';
        if (settings.itemErrors !== 'record' || e.name === 'AbortError' || signal?.aborted || serverDown) throw error;
        batch.push({ ...base, output: '', result: { valid: false, errorType: 'generation_failed', error: [e.message] }, tokens: 0, ms: 0 });
        continue;
      }
      templateHash = answer.templateHash;
      batch.push({
        ...base,
        output: answer.output,
        result: checkItem(item, answer.output, settings.decoder),
        tokens: answer.tokens,
        ms: answer.ms,
        ...(answer.trace ? { trace: answer.trace } : {}),
      });
    }
    signal?.throwIfAborted();
    done += batch.length;
    correct += batch.filter((o) => o.result.valid).length;
    await options.commit(batch, { done, total, correct });
    outcomes.push(...batch);
    options.onProgress?.({ done, total, correct });
  }
  return { outcomes, templateHash };
}

// ---- storage: a run that fills in batch by batch ----

export interface ModelEvalRunSettings extends ModelEvalSettings {
  /** Which backend produced the outputs (`local:<file>`, `remote:<model>@<url>`). */
  backend: string;
  categories?: string[];
  limit?: number;
  /** With a limit: items at an even stride through the set (every category stays represented), not the first ones. */
  spread?: boolean;
  /** A round's evaluation: 'unconstrained' (its own, free text) or 'constrained' (the call-grammar pass). */
  evalMode?: 'constrained' | 'unconstrained';
}

/** Creates the run row (no summary yet: the run is unfinished until `finishModelEvalRun`). */
export function startModelEvalRun(
  db: Db,
  input: {
    set: number | string;
    modelId?: number | null;
    roundId?: number | null;
    label?: string;
    settings: ModelEvalRunSettings;
    /** The job filling the run in (kept in its settings, so a cancelled job's leftovers can be found). */
    jobId?: number;
  },
): number {
  const set = requireSet(db, input.set);
  const settings = { ...input.settings, mode: 'model', ...(input.jobId !== undefined ? { jobId: input.jobId } : {}) };
  return insertEvalRun(db, {
    setId: set.id,
    modelId: input.modelId ?? null,
    roundId: input.roundId ?? null,
    label: input.label ?? '',
    settings,
  });
}

export function modelEvalRunExists(db: Db, runId: number): boolean {
  return evalRunExists(db, runId);
}

/** Deletes an unfinished run and its results (one statement; results cascade). A finished run is kept. */
export function discardUnfinishedRun(db: Db, runId: number): boolean {
  return deleteUnfinishedRun(db, runId);
}

/**
 * Deletes the unfinished runs of evaluation jobs that were cancelled while no step was running (paused, or
 * left by a process that died), which had no chance to delete them themselves. Returns how many went.
 */
export function discardAbandonedRuns(db: Db): number {
  return deleteRunsOfCancelledJobs(db);
}

/**
 * Stores a batch of outcomes in one transaction (a re-run item replaces its earlier result), each refinement
 * trace linked to the run and to `links`' model and round.
 */
export function storeOutcomes(
  db: Db,
  runId: number,
  batch: readonly ItemOutcome[],
  links: { modelId?: number | null; roundId?: number | null } = {},
): void {
  const write = resultWriter(db, runId);
  db.transaction(() => {
    for (const o of batch) {
      const traceId = o.trace ? insertTrace(db, o.trace, { ...links, evalRunId: runId }) : null;
      write({
        itemId: o.itemId,
        output: o.output,
        valid: o.result.valid,
        errorType: o.result.errorType ?? null,
        error: o.result.error,
        traceId,
      });
    }
  })();
}

export function doneItemIds(db: Db, runId: number): Set<number> {
  return new Set(resultItemIds(db, runId));
}

function runRow(db: Db, runId: number): EvalRunRow {
  const row = evalRunRow(db, runId);
  if (!row) throw new ApiError('not_found', `No evaluation run with id ${runId}.`, { runId });
  return row;
}

/** The items a run covers: its set, narrowed by the run's categories and limit. */
export function runItemsOf(db: Db, runId: number): EvalItemRow[] {
  const row = runRow(db, runId);
  const settings = JSON.parse(row.settings_json) as Partial<ModelEvalRunSettings>;
  let items = allItems(db, row.set_id);
  if (settings.categories?.length) items = items.filter((i) => settings.categories!.includes(i.category));
  const limit = settings.limit;
  if (limit !== undefined && limit < items.length)
    items = settings.spread
      ? Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]!)
      : items.slice(0, limit);
  return items;
}

/** Writes the summary (the same shape `eval.check` stores) and the finish time, in one transaction. */
export function finishModelEvalRun(db: Db, runId: number, extra: { templateHash?: string | null } = {}): EvalRunInfo {
  const items = new Map(runItemsOf(db, runId).map((i) => [i.id, i]));
  const rows = resultVerdicts(db, runId);
  const verdicts = rows
    .filter((r) => items.has(r.item_id))
    .map((r) => ({
      category: items.get(r.item_id)!.category,
      result: {
        valid: r.valid === 1,
        errorType: r.error_type ?? undefined,
        error: r.error_json ? (JSON.parse(r.error_json) as string[]) : undefined,
      },
    }));
  const summary = summarize(verdicts);
  db.transaction(() => {
    const row = runRow(db, runId);
    const settings = {
      ...(JSON.parse(row.settings_json) as Record<string, unknown>),
      ...(extra.templateHash ? { templateHash: extra.templateHash } : {}),
    };
    finishEvalRun(db, runId, summary, settings);
  })();
  return getRunInfo(db, runId)!;
}

export interface ContinueRunOptions {
  backend: GenerationBackend;
  /** An unfinished run (`startModelEvalRun`); its stored categories and limit say which items. */
  runId: number;
  settings: ModelEvalSettings;
  /** Traces are linked to these. */
  modelId?: number | null;
  roundId?: number | null;
  signal?: AbortSignal;
  /**
   * Runs a batch's write in one transaction with whatever the caller keeps with it (a job step: its
   * checkpoint). Default: a plain transaction.
   */
  transact?: (write: (db: Db) => void, progress: { done: number; total: number; correct: number }) => void;
  onProgress?: (progress: ModelEvalProgress) => void;
}

/**
 * Generates and checks the items a run still lacks, batch by batch, then writes its summary. The one
 * evaluation flow: `evaluateModel`, the eval.model job and the rounds' evaluation steps all call it. A
 * finished run is returned as it is.
 */
export async function continueModelEvalRun(db: Db, o: ContinueRunOptions): Promise<EvalRunInfo> {
  const { runId } = o;
  if (runRow(db, runId).finished_at) return getRunInfo(db, runId)!;
  const items = runItemsOf(db, runId);
  if (items.length === 0) throw new ApiError('invalid_input', `Evaluation run ${runId} has no items (check the categories).`, { runId });
  const transact = o.transact ?? ((write) => db.transaction(() => write(db))());
  const links = { modelId: o.modelId, roundId: o.roundId };
  const { templateHash } = await runItems({
    backend: o.backend,
    items,
    settings: o.settings,
    done: doneItemIds(db, runId),
    signal: o.signal,
    commit: (batch, progress) => transact((tx) => storeOutcomes(tx, runId, batch, links), progress),
    onProgress: (p) => o.onProgress?.({ runId, ...p }),
  });
  o.signal?.throwIfAborted();
  return finishModelEvalRun(db, runId, { templateHash });
}

export interface EvaluateModelOptions {
  backend: GenerationBackend;
  set: number | string;
  settings: ModelEvalSettings & { categories?: string[]; limit?: number; spread?: boolean };
  modelId?: number | null;
  roundId?: number | null;
  label?: string;
  /** Continue this unfinished run instead of starting a new one. */
  resumeRunId?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ModelEvalProgress) => void;
  /** Called once the run row exists (a job stores it as its checkpoint). */
  onRun?: (runId: number) => void;
}

/** Runs a stored eval set through a model and stores the run: the whole flow, resumable. */
export async function evaluateModel(db: Db, options: EvaluateModelOptions): Promise<EvalRunInfo> {
  let runId = options.resumeRunId;
  if (runId !== undefined) {
    if (runRow(db, runId).finished_at) throw new ApiError('conflict', `Evaluation run ${runId} is already finished.`, { runId });
  } else {
    runId = startModelEvalRun(db, {
      set: options.set,
      modelId: options.modelId,
      roundId: options.roundId,
      label: options.label,
      settings: { ...options.settings, backend: options.backend.id },
    });
  }
  options.onRun?.(runId);
  return continueModelEvalRun(db, {
    backend: options.backend,
    runId,
    settings: options.settings,
    modelId: options.modelId,
    roundId: options.roundId,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}
