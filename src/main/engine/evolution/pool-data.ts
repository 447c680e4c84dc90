import type { Db } from '../db/open';
import { evalItemRowsOfSet, evalSetIdByName } from '../eval/sets-repo';
import { unusedLabelledRows, type InvocationInput } from '../samples/samples-repo';
import { poolToolRows } from '../tools/tools-repo';
import { normalizeTool, normalizeTools } from '../tools/normalize';
import type { Call, ToolDef } from '../tools/types';
import { parseOutput } from '../subtasks/verify';

/**
 * What a round reads from the workspace: the pool's tools (with their implementations, for the execution
 * verifier), the labelled queries not yet used by this run (imports and seeds: samples outside any round),
 * and the held-out evaluation items.
 */

export interface PoolTool {
  tool: ToolDef;
  domain: string | null;
  implementation: string | null;
}

export function poolTools(db: Db, pool: string): PoolTool[] {
  const rows = poolToolRows(db, pool);
  return rows.map((r) => ({
    tool: normalizeTool(JSON.parse(r.original_json) as unknown, `tools[${r.name}]`),
    domain: r.domain,
    implementation: r.implementation,
  }));
}

export interface LabelledQuery {
  sampleId: number;
  query: string;
  tools: ToolDef[];
  category: string | null;
  target: string;
  /** Canonical key of the label ("[]" for an answer in words). */
  key: string;
  calls: Call[] | null;
}

/** Reads an invocation sample's input (InvocationInput) defensively: tools are re-normalised. */
export function readInvocationInput(json: string): InvocationInput | null {
  try {
    const v = JSON.parse(json) as Partial<InvocationInput>;
    if (typeof v.query !== 'string' || !Array.isArray(v.tools)) return null;
    const tools = normalizeTools(v.tools.map((t) => (t as { original?: unknown }).original ?? t));
    return { query: v.query, tools };
  } catch {
    return null;
  }
}

/**
 * Trusted labelled queries (invocation samples outside any round, not rejected) that no round of `runId`
 * has used yet, oldest first; single-turn only.
 */
export function unusedLabelledQueries(db: Db, runId: string, limit: number, seed: number): LabelledQuery[] {
  if (limit <= 0) return [];
  const rows = unusedLabelledRows(db, runId, seed);
  const out: LabelledQuery[] = [];
  for (const r of rows) {
    if (out.length >= limit) break;
    const input = readInvocationInput(r.input_json);
    if (!input || (JSON.parse(r.input_json) as { messages?: unknown }).messages) continue;
    const p = parseOutput(r.output_text);
    if (!p.ok) continue;
    out.push({
      sampleId: r.id,
      query: input.query,
      tools: input.tools,
      category: r.category,
      target: r.output_text,
      key: p.key,
      calls: p.words ? null : p.calls,
    });
  }
  return out;
}

export interface EvalItem {
  id: number;
  key: string;
  category: string;
  query: string;
  toolsRaw: unknown[];
  tools: ToolDef[];
  answer: unknown;
}

/** The last user turn of a BFCL question (`[[{role, content}, …]]`), a plain turn list, or a string. */
export function questionText(question: unknown): string {
  if (typeof question === 'string') return question;
  const turns =
    Array.isArray(question) && Array.isArray(question[0]) ? (question.at(-1) as unknown[]) : Array.isArray(question) ? question : [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i] as { role?: string; content?: unknown };
    if (t?.role === 'user' && typeof t.content === 'string') return t.content;
  }
  return '';
}

export function evalSetId(db: Db, name: string): number | undefined {
  return evalSetIdByName(db, name);
}

/** The set's items; with a limit, an even stride through the set (so every category stays represented). */
export function evalItems(db: Db, setId: number, limit: number): EvalItem[] {
  const all = evalItemRowsOfSet(db, setId);
  const rows = limit > 0 && limit < all.length ? Array.from({ length: limit }, (_, i) => all[Math.floor((i * all.length) / limit)]!) : all;
  return rows.map((r) => {
    const toolsRaw = JSON.parse(r.tools_json) as unknown[];
    return {
      id: r.id,
      key: r.item_key,
      category: r.category,
      query: questionText(JSON.parse(r.question_json) as unknown),
      toolsRaw,
      tools: normalizeTools(toolsRaw),
      answer: r.answer_json === null ? null : r.answer_json,
    };
  });
}
