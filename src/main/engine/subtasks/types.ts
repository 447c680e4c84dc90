import type { ChatMessage, ToolSpec } from '../inference/backend';
import type { Call, ToolDef } from '../tools/types';

/**
 * A tool-use sample as the sub-tasks see it: a query, the tools offered, and the calls that answer it
 * (`null` = no tool fits: the answer is words, BFCL's irrelevance).
 */
export interface ToolUse {
  query: string;
  tools: ToolDef[];
  calls: Call[] | null;
  /** The reply in words when `calls` is null (a refusal). */
  answerText?: string;
  category?: string;
}

export type SubtaskName = 'doc_adaption' | 'tool_generation' | 'invocation' | 'refinement';

/** One training (or prompting) conversation of a sub-task: the prompt messages and the target text. */
export interface SubtaskExample {
  subtask: SubtaskName;
  /** The prompt: system instruction and user turn(s). */
  messages: ChatMessage[];
  /** Tools rendered in the prompt's tool section (only invocation and refinement have any). */
  tools: ToolSpec[];
  /** What the assistant must answer. */
  target: string;
}

export type VerifierName = 'format' | 'schema' | 'consistency' | 'execution' | 'human';

/** One verifier's decision about one output, with the reason a person can read. */
export interface Verdict {
  verifier: VerifierName;
  passed: boolean;
  reason: string;
  details?: unknown;
}
