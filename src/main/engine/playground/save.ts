import type { z } from 'zod';
import type { PlaygroundSave, PlaygroundTurn, PlaygroundVerdict } from '../../../shared/contract/playground';
import { ApiError } from '../core/engine-error';
import type { EngineContext } from '../core/context';
import { executeEditedVersion, readEditedOutput, verifyEditedVersion } from '../curation/edit-check';
import { categoryOf } from '../evolution/vote';
import { runInSandbox } from '../lib/sandbox';
import {
  insertSample,
  invocationDedupeKey,
  sampleIdByDedupeKey,
  tagSamples,
  type InvocationInput,
  type Turn,
} from '../samples/samples-repo';
import { insertVerdicts, listVerdicts } from '../subtasks/verdicts-repo';
import { parseCalls } from '../tools/call-parse';
import { canonicalKey } from '../tools/canonical';
import { playgroundTools } from './tools';

type Save = z.output<typeof PlaygroundSave>;

/** Where a playground sample came from, shown as its provenance (and the tag that finds them all). */
export const PLAYGROUND_SOURCE = { file: 'playground', line: null, format: 'playground' } as const;
export const PLAYGROUND_TAG = 'playground';

/** A turn as `input_json` stores it: an assistant turn that is a call list keeps it as calls. */
function storedTurn(turn: PlaygroundTurn): Turn {
  if (turn.role === 'user') return { role: 'user', content: turn.content };
  if (turn.role === 'tool') return { role: 'tool', content: turn.content, ...(turn.name ? { name: turn.name } : {}) };
  const parsed = parseCalls(turn.content);
  return parsed.ok && parsed.calls.length > 0 ? { role: 'assistant', calls: turn.content } : { role: 'assistant', content: turn.content };
}

/**
 * Saves an exchange as an invocation sample, checked and verified the way an edit is (`curation/edit-check.ts`):
 * the output must parse as a call list that fits the tools, or read as words (then the sample is an
 * irrelevance one); the sample, its version 1, its format and schema verdicts and its tag are one transaction;
 * the execution verdict follows (the sandbox is async), as after an edit.
 */
export async function savePlaygroundSample(
  ctx: EngineContext,
  save: Save,
): Promise<{ sampleId: number; created: boolean; category: string; verdicts: PlaygroundVerdict[] }> {
  const db = ctx.db;
  const tools = playgroundTools(db, save.toolIds);
  const query = save.messages[save.messages.length - 1]!.content;
  const input: InvocationInput = {
    query,
    tools,
    ...(save.messages.length > 1 ? { messages: save.messages.map(storedTurn) } : {}),
    ...(save.system?.trim() ? { system: save.system.trim() } : {}),
  };
  const parsed = parseCalls(save.output);
  const calls = parsed.ok ? parsed.calls : [];
  const category = categoryOf(calls, tools.length);
  const reading = readEditedOutput(save.output, input, category);
  if (!reading.ok)
    throw new ApiError('invalid_input', reading.reason, {
      field: 'output',
      kind: reading.kind,
      ...(reading.position !== undefined ? { position: reading.position } : {}),
    });
  const dedupeKey = invocationDedupeKey(input, reading.kind === 'calls' ? canonicalKey(reading.calls) : reading.output);
  const written = db.transaction(() => {
    const id = insertSample(db, {
      subtask: 'invocation',
      status: 'candidate',
      category,
      modelId: save.modelId,
      queryText: query,
      input,
      outputText: reading.output,
      author: 'user',
      note: save.note ?? 'saved from the playground',
      dedupeKey,
      source: PLAYGROUND_SOURCE,
      templateHash: save.templateHash,
      sampling: save.sampling ?? null,
    });
    if (id === null) return null;
    const verdicts = verifyEditedVersion(reading.output, input);
    insertVerdicts(db, id, 1, verdicts);
    tagSamples(db, [id], PLAYGROUND_TAG);
    return { id, verdicts };
  })();
  if (!written) {
    const existing = sampleIdByDedupeKey(db, dedupeKey)!;
    return { sampleId: existing, created: false, category, verdicts: listVerdicts(db, existing).map(plain) };
  }
  const verdicts = [...written.verdicts];
  if (reading.calls.length > 0) {
    const execution = await executeEditedVersion(db, reading.calls, runInSandbox);
    if (execution) {
      insertVerdicts(db, written.id, 1, [execution]);
      verdicts.push(execution);
    }
  }
  ctx.events.emit('samples.changed', { ids: [written.id], count: 1 });
  return { sampleId: written.id, created: true, category, verdicts: verdicts.map(plain) };
}

const plain = (v: { verifier: string; passed: boolean; reason: string }): PlaygroundVerdict => ({
  verifier: v.verifier,
  passed: v.passed,
  reason: v.reason,
});
