import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { verifyExecution } from '../subtasks/execution';
import { verifyFormat, verifySchema, looksLikeWords } from '../subtasks/verify';
import type { Verdict } from '../subtasks/types';
import { printCalls } from '../tools/call-print';
import { parseCalls } from '../tools/call-parse';
import { normalizeTools } from '../tools/normalize';
import { checkCalls } from '../tools/schema-check';
import type { Call, ToolDef } from '../tools/types';
import { implementationsOf } from '../tools/tools-repo';

/** What an edited output reads as, as typed: a call list, an answer in words, or neither (with the reason). */
export type EditReading =
  | { ok: true; kind: 'calls' | 'words'; output: string; calls: Call[] }
  | { ok: false; kind: 'calls' | 'words' | 'invalid'; reason: string; position?: number; problems?: unknown };

function toolsOf(input: unknown): ToolDef[] | null {
  const rawTools = (input as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(rawTools) || rawTools.length === 0) return null;
  return normalizeTools(
    rawTools.map((t) => (t as { original?: unknown }).original ?? t),
    'sample.tools',
  );
}

/**
 * Reads an edited output against the sample: an irrelevance sample's answer is in words (and calls no tool);
 * every other sample's answer is a non-empty call list that parses and fits the sample's own tools. Free
 * text meant as calls parses as zero calls, so it is refused here rather than stored as `[]`.
 */
export function readEditedOutput(output: string, input: unknown, category: string | null): EditReading {
  const parsed = parseCalls(output);
  if (category === 'irrelevance') {
    if (parsed.ok && parsed.calls.length > 0)
      return { ok: false, kind: 'calls', reason: 'This is an irrelevance sample: its answer is in words and calls no tool.' };
    if (!looksLikeWords(output))
      return { ok: false, kind: 'invalid', reason: 'The answer does not read as words (at least three words, mostly letters).' };
    return { ok: true, kind: 'words', output: output.trim(), calls: [] };
  }
  if (!parsed.ok)
    return {
      ok: false,
      kind: 'invalid',
      reason: `The edited calls do not parse at character ${parsed.error.position}: ${parsed.error.message}`,
      position: parsed.error.position,
    };
  if (parsed.calls.length === 0)
    return {
      ok: false,
      kind: looksLikeWords(output) ? 'words' : 'invalid',
      reason: output.trim()
        ? 'This reads as an answer in words, not a call list; this sample needs at least one call, e.g. [get_weather(city="Paris")].'
        : 'The edit is empty; this sample needs at least one call, e.g. [get_weather(city="Paris")].',
    };
  const tools = toolsOf(input);
  if (tools) {
    const problems = checkCalls(parsed.calls, tools);
    if (problems.length > 0)
      return {
        ok: false,
        kind: 'calls',
        reason: `The edited calls do not fit the sample's tools: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      };
  }
  return { ok: true, kind: 'calls', output: printCalls(parsed.calls), calls: parsed.calls };
}

/** Checks an edited output before it is stored and returns it canonical (call text, or the words trimmed). */
export function checkEditedOutput(output: string, input: unknown, category: string | null): string {
  const reading = readEditedOutput(output, input, category);
  if (!reading.ok)
    throw new ApiError('invalid_input', reading.reason, {
      field: 'action.output',
      kind: reading.kind,
      ...(reading.position !== undefined ? { position: reading.position } : {}),
      ...(reading.problems !== undefined ? { problems: reading.problems } : {}),
    });
  return reading.output;
}

/**
 * The automatic verifiers that need no model or sandbox, run on an edited version: its verdicts replace
 * nothing (the old version keeps its own), they are stored for the new version.
 */
export function verifyEditedVersion(output: string, input: unknown): Verdict[] {
  const verdicts: Verdict[] = [verifyFormat(output)];
  const parsed = parseCalls(output);
  const tools = toolsOf(input);
  if (parsed.ok && tools) verdicts.push(verifySchema(parsed.calls, tools));
  return verdicts;
}

/**
 * The execution verifier on an edited version, outside the edit's transaction (the sandbox is async): each
 * called tool whose name has exactly one implementation in the workspace's pools runs in the sandbox. Null
 * when nothing is executable (no verdict, as in a round).
 */
export async function executeEditedVersion(
  db: Db,
  calls: readonly Call[],
  run: (
    implementation: string,
    args: Record<string, unknown>,
  ) => Promise<{ ok: true; result?: unknown } | { ok: false; reason: string; message: string }>,
): Promise<Verdict | null> {
  const impls = new Map<string, string>();
  for (const c of calls) {
    const found = implementationsOf(db, c.name);
    if (found.length === 1) impls.set(c.name, found[0]!);
  }
  return verifyExecution(
    calls,
    (n) => impls.has(n),
    async (call) => {
      const r = await run(impls.get(call.name)!, call.args as Record<string, unknown>);
      return r.ok ? { ok: true, result: r.result } : { ok: false, kind: r.reason, message: r.message };
    },
  );
}
