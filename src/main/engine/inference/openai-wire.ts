/**
 * OpenAI's chat-completions wire format, in one place for both sides: the remote backend (a client of
 * vLLM, llama.cpp server, Ollama) and `serve-model` (a server for agents). Schemas of the parts both read,
 * and the conversions between Toolsmith's calls and `tool_calls`.
 */
import { z } from 'zod';
import type { ToolSpec } from './backend';
import type { Call } from '../tools/types';

/** A `tool_calls` entry; `arguments` is a JSON string by the spec, an object from some servers. */
export const WireToolCall = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.object({
    name: z.string().min(1),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  }),
});
export type WireToolCall = z.infer<typeof WireToolCall>;

export function toWireTool(tool: ToolSpec) {
  return { type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

/** Calls as `tool_calls`, each with the id `idOf(index)` and its arguments as a JSON string. */
export function toWireToolCalls(calls: readonly Call[], idOf: (index: number) => string) {
  return calls.map((call, i) => ({
    id: idOf(i),
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
}

/**
 * A call's `arguments` as an object: a JSON string or an object; empty means none. Says why it is not one
 * (the caller turns that into its own error, with where it was).
 */
export function wireArguments(
  raw: WireToolCall['function']['arguments'],
): { args: Record<string, never> } | { problem: 'not JSON' | 'not a JSON object' } {
  if (raw === undefined) return { args: {} };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return { problem: 'not JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  return { args: value as Record<string, never> };
}
