/**
 * What every generation backend (local node-llama-cpp runtime, remote OpenAI-compatible server) offers the
 * rest of the engine. Sub-tasks, evaluation, refinement and serving only see this interface.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export type { ToolSpec } from '../tools/types';
import type { ToolSpec } from '../tools/types';

export interface SamplingSettings {
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  maxTokens: number;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** Number of samples for the same prompt (shared prompt evaluation where the backend can). Default 1. */
  k?: number;
  sampling: SamplingSettings;
  /**
   * 'calls': output constrained to a call list (the model's call format); 'calls-or-words': a call list or an
   * answer in words, the model decides (OpenAI's `tool_choice: "auto"`); 'json': to JSON (`jsonSchema` when
   * given); 'none': free text.
   */
  constrain?: 'calls' | 'calls-or-words' | 'json' | 'none';
  /** With `constrain: 'json'`: the JSON Schema the output must follow (else any JSON object). */
  jsonSchema?: Record<string, unknown>;
  /**
   * Stop sequences: an answer in words ends before the first one (left out of the text and of what is
   * streamed). Not applied inside a call list, where they would cut a call in two.
   */
  stop?: string[];
  signal?: AbortSignal;
  /**
   * Called with each new piece of a sample's text as it is generated (never a split UTF-8 character); the
   * pieces of a sample join up to its final `text`. A returned promise holds that sample's generation until
   * it settles (back-pressure for streaming). Backends that cannot stream ignore it.
   */
  onText?: (sample: number, text: string) => void | Promise<void>;
}

export interface GeneratedOutput {
  /** The answer, calls in the canonical text (`[f(a=1)]`) whatever format the model wrote them in. */
  text: string;
  /** What the model wrote, where it differs from `text` (calls in its own format). */
  raw?: string;
  tokens: number;
}

export interface GenerateResult {
  outputs: GeneratedOutput[];
  /** Tokens of the prompt that were evaluated (once, however many samples). */
  promptTokens: number;
  ms: number;
  /** Hash of the chat template (and its rendering settings) that built the prompt. */
  templateHash: string;
}

export interface GenerationBackend {
  readonly id: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  dispose(): Promise<void>;
}

/**
 * Adaptive self-refinement for served answers (ToolACE-R). The refine module implements this and
 * `toolsmith serve-model --refine` passes it in; the server calls it after the first answer whenever the request
 * was for tool calls, and returns what it returns.
 */
export interface ServeRefiner {
  refine(input: { request: GenerateRequest; first: GenerateResult; backend: GenerationBackend }): Promise<GenerateResult>;
}
