/**
 * An evaluation run over given outputs: every item of the set checked with BFCL's rules, stored per item
 * (`eval_results`) with a per-category summary (accuracy, counts, error-type histogram) on the run, in one
 * transaction. Producing the outputs with a model is another module's job.
 */
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { evalRunInfoRow, evalRunInfoRows, insertFinishedEvalRun, resultPage, resultWriter, type EvalRunInfoRow } from './runs-repo';
import { checkPrepared, prepareBfcl, type BfclCheckResult } from './bfcl-checker';
import { parseTypedJson } from '../tools/typed-json';
import { allItems, requireSet, type EvalItemRow } from './sets-repo';

export interface CategorySummary {
  category: string;
  total: number;
  correct: number;
  accuracy: number;
  errorTypes: Record<string, number>;
}

export interface EvalSummary {
  total: number;
  correct: number;
  accuracy: number;
  errorTypes: Record<string, number>;
  categories: CategorySummary[];
}

export interface ItemVerdict {
  itemId: number;
  key: string;
  category: string;
  output: string | null;
  result: BfclCheckResult;
}

export interface EvalRunInfo {
  id: number;
  setId: number;
  setName: string;
  label: string;
  createdAt: string;
  finishedAt: string | null;
  summary: EvalSummary | null;
}

/** Checks one stored item's output (BFCL rules). A broken stored item is a failed check, never a crash. */
export function checkItem(
  item: Pick<EvalItemRow, 'category' | 'tools_json' | 'answer_json'>,
  output: string,
  decoder: 'bfcl' | 'any' = 'bfcl',
): BfclCheckResult {
  try {
    const prepared = prepareBfcl({
      category: item.category,
      tools: JSON.parse(item.tools_json) as unknown[],
      answer: groundTruthText(item.answer_json),
    });
    return checkPrepared(prepared, output, decoder);
  } catch (error) {
    return { valid: false, errorType: 'checker_error', error: [error instanceof Error ? error.message : String(error)] };
  }
}

/** The stored answer line is `{"id": ..., "ground_truth": [...]}`, read as typed JSON (`1.0` stays a float). */
function groundTruthText(answerJson: string | null): unknown {
  if (answerJson === null) return [];
  const line = parseTypedJson(answerJson);
  return line instanceof Map ? line.get('ground_truth') : [];
}

export function summarize(verdicts: { category: string; result: BfclCheckResult }[]): EvalSummary {
  const byCategory = new Map<string, CategorySummary>();
  const errorTypes: Record<string, number> = {};
  let correct = 0;
  for (const v of verdicts) {
    let c = byCategory.get(v.category);
    if (!c) byCategory.set(v.category, (c = { category: v.category, total: 0, correct: 0, accuracy: 0, errorTypes: {} }));
    c.total++;
    if (v.result.valid) {
      c.correct++;
      correct++;
    } else {
      const type = v.result.errorType ?? 'unknown';
      c.errorTypes[type] = (c.errorTypes[type] ?? 0) + 1;
      errorTypes[type] = (errorTypes[type] ?? 0) + 1;
    }
  }
  const categories = [...byCategory.values()].sort((a, b) => a.category.localeCompare(b.category));
  for (const c of categories) c.accuracy = c.total ? c.correct / c.total : 0;
  return { total: verdicts.length, correct, accuracy: verdicts.length ? correct / verdicts.length : 0, errorTypes, categories };
}

export interface RunCheckOptions {
  label?: string;
  decoder?: 'bfcl' | 'any';
}

/** Checks `outputs` (BFCL result-file records) against a set and stores the run. */
export function runCheck(
  db: Db,
  setRef: number | string,
  outputs: { id: string; result: string }[],
  options: RunCheckOptions = {},
): { run: EvalRunInfo; verdicts: ItemVerdict[] } {
  const set = requireSet(db, setRef);
  const items = allItems(db, set.id);
  const keys = new Set(items.map((i) => i.item_key));
  const byId = new Map<string, string>();
  outputs.forEach((o, i) => {
    if (!keys.has(o.id))
      throw new ApiError('invalid_input', `outputs[${i}]: "${o.id}" is not an item of evaluation set "${set.name}".`, {
        index: i,
        id: o.id,
      });
    if (byId.has(o.id)) throw new ApiError('invalid_input', `outputs[${i}]: a second output for "${o.id}".`, { index: i, id: o.id });
    byId.set(o.id, o.result);
  });
  const verdicts: ItemVerdict[] = items.map((item) => {
    const output = byId.get(item.item_key);
    const result: BfclCheckResult =
      output === undefined
        ? { valid: false, errorType: 'missing_output', error: [`No output was given for "${item.item_key}".`] }
        : checkItem(item, output, options.decoder);
    return { itemId: item.id, key: item.item_key, category: item.category, output: output ?? null, result };
  });
  const summary = summarize(verdicts);
  const runId = db
    .transaction(() => {
      const id = insertFinishedEvalRun(db, {
        setId: set.id,
        label: options.label ?? '',
        settings: { decoder: options.decoder ?? 'bfcl', outputs: outputs.length },
        summary,
      });
      const write = resultWriter(db, id);
      for (const v of verdicts) {
        write({
          itemId: v.itemId,
          output: v.output ?? '',
          valid: v.result.valid,
          errorType: v.result.errorType ?? null,
          error: v.result.error,
          traceId: null,
        });
      }
      return id;
    })
    .immediate();
  return { run: getRunInfo(db, runId) as EvalRunInfo, verdicts };
}

function runInfo(row: EvalRunInfoRow): EvalRunInfo {
  return {
    id: row.id,
    setId: row.set_id,
    setName: row.set_name,
    label: row.label,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    summary: readSummary(row.summary_json),
  };
}

const count = (x: unknown): number => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 0);
const counts = (x: unknown): Record<string, number> =>
  x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, count(v)]))
    : {};

function categoryOf(name: string, raw: unknown): CategorySummary {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const total = count(c.total);
  const correct = Math.min(count(c.correct), total);
  return { category: name, total, correct, accuracy: total ? correct / total : 0, errorTypes: counts(c.errorTypes) };
}

/**
 * A stored summary in the current shape. Rows written by round evaluation before it went through the
 * eval.model flow hold `{total, correct, accuracy (points), byCategory, tokens, …}` without `errorTypes` or
 * `categories`; those are filled (accuracy recomputed as a fraction from the counts) so one old row cannot
 * make `eval.runs` fail for the whole workspace. Unreadable JSON is no summary.
 */
export function readSummary(json: string | null): EvalSummary | null {
  if (json === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const s = raw as Record<string, unknown>;
  const total = count(s.total);
  const correct = Math.min(count(s.correct), total);
  const categories = Array.isArray(s.categories)
    ? s.categories.map((c) =>
        categoryOf(typeof (c as { category?: unknown })?.category === 'string' ? (c as { category: string }).category : '', c),
      )
    : s.byCategory && typeof s.byCategory === 'object'
      ? Object.entries(s.byCategory as Record<string, unknown>).map(([name, c]) => categoryOf(name, c))
      : [];
  categories.sort((a, b) => a.category.localeCompare(b.category));
  return { total, correct, accuracy: total ? correct / total : 0, errorTypes: counts(s.errorTypes), categories };
}

export function getRunInfo(db: Db, runId: number): EvalRunInfo | undefined {
  const row = evalRunInfoRow(db, runId);
  return row ? runInfo(row) : undefined;
}

export function listRuns(db: Db, setId?: number): EvalRunInfo[] {
  return evalRunInfoRows(db, setId).map(runInfo);
}

export interface RunResultRow {
  itemId: number;
  itemKey: string;
  category: string;
  valid: boolean;
  errorType: string | null;
  error: string[];
  output: string;
  question: unknown;
  answer: unknown;
}

export function runResults(
  db: Db,
  runId: number,
  options: { onlyFailing?: boolean; category?: string; errorType?: string; limit?: number; offset?: number } = {},
): { results: RunResultRow[]; total: number } {
  const { total, rows } = resultPage(db, runId, options);
  return {
    total,
    results: rows.map((r) => ({
      itemId: r.item_id,
      itemKey: r.item_key,
      category: r.category,
      valid: r.valid === 1,
      errorType: r.error_type,
      error: r.error_json ? (JSON.parse(r.error_json) as string[]) : [],
      output: r.output_text,
      question: JSON.parse(r.question_json) as unknown,
      answer: r.answer_json ? ((JSON.parse(r.answer_json) as { ground_truth?: unknown }).ground_truth ?? null) : null,
    })),
  };
}
