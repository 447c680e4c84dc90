import { parseCalls } from '../tools/call-parse';
import { printCalls } from '../tools/call-print';
import type { Call } from '../tools/types';

/**
 * The bridge between OpenAI's `tool_calls` (name + JSON arguments) and Toolsmith's call syntax
 * (`[name(arg=value, …)]`, BFCL's canonical text form) for the remote backend and the model server.
 */

/** Prints calls in the call syntax. */
export function callsToText(calls: readonly Call[]): string {
  return printCalls([...calls]);
}

/** The calls in a model's output, or null when it is not a call list or does not parse (an answer in words). */
export function textToCalls(text: string): Call[] | null {
  const parsed = parseCalls(text);
  return parsed.ok ? parsed.calls : null;
}
