import type { InvocationCategory, SampleStatus } from '../../../shared/contract/samples';
import { canonicalKey } from '../tools/canonical';
import type { Call } from '../tools/types';
import { invocationDedupeKey, type InvocationInput, type NewSample, type SampleSource, type Turn } from '../samples/samples-repo';
import { printCallText } from './calls';
import { queryOf } from './common';
import { ToolValidationError } from '../tools/normalize';
import { RecordError, type DraftSample, type DraftTurn, type FormatModule } from './types';

/** BFCL's category of a (tools, output) pair: how many functions were offered and how many calls made. */
export function categoryOf(toolCount: number, output: DraftSample['output']): InvocationCategory {
  if (!('calls' in output) || output.calls.length === 0) return 'irrelevance';
  if (output.calls.length === 1) return toolCount > 1 ? 'multiple' : 'simple';
  return toolCount > 1 ? 'parallel_multiple' : 'parallel';
}

function storedTurn(turn: DraftTurn): Turn {
  if (turn.role === 'assistant' && 'calls' in turn) return { role: 'assistant', calls: printCallText(turn.calls) };
  return turn;
}

/** The key under which two outputs are the same: canonical calls, or the words of an answer. */
export function outputKey(output: DraftSample['output']): string {
  return 'calls' in output ? canonicalKey(output.calls) : `text:${output.text.trim()}`;
}

/** A checked draft as the sample to store (see `samples-repo.ts` for the `input_json` shape). */
export function sampleOfDraft(
  draft: DraftSample,
  source: SampleSource,
  status: SampleStatus,
): NewSample & { category: InvocationCategory } {
  const query = queryOf(draft.prompt);
  if (query.trim() === '') throw new RecordError(draft.outputPath, 'the user turn before this answer is empty');
  if ('text' in draft.output && draft.output.text.trim() === '')
    throw new RecordError(draft.outputPath, 'the answer is empty: neither calls nor words');
  const onlyQuery = draft.prompt.length === 1 && draft.prompt[0]!.role === 'user';
  const input: InvocationInput = {
    query,
    tools: draft.tools,
    ...(onlyQuery ? {} : { messages: draft.prompt.map(storedTurn) }),
    ...(draft.system ? { system: draft.system } : {}),
  };
  const category = draft.category ?? categoryOf(draft.tools.length, draft.output);
  return {
    subtask: 'invocation',
    status,
    category,
    queryText: query,
    input,
    outputText: 'calls' in draft.output ? printCallText(draft.output.calls as Call[]) : draft.output.text,
    author: 'import',
    dedupeKey: invocationDedupeKey(input, outputKey(draft.output)),
    source,
  };
}

/** A record's samples, or the first problem with it. */
export function buildSamples(
  module: FormatModule,
  value: unknown,
  context: Parameters<FormatModule['read']>[1],
  source: { file: string; line: number; format: string },
  status: SampleStatus,
): { samples: (NewSample & { category: string })[] } | { problem: { path: string; reason: string } } {
  try {
    const drafts = module.read(value, context);
    if (drafts.length === 0) return { problem: { path: '', reason: 'holds no user request answered by calls or words' } };
    return { samples: drafts.map((d) => sampleOfDraft(d, source, status)) };
  } catch (error) {
    if (error instanceof RecordError || error instanceof ToolValidationError)
      return { problem: { path: error.path, reason: error.reason } };
    throw error;
  }
}
