import { parseCalls } from '../tools/call-parse';
import { printCalls } from '../tools/call-print';
import type { Call } from '../tools/types';

/**
 * The tools module's call parser and printer, as the formats use them: `calls: []` means the text is an
 * answer in words (no call attempt); an error means an attempt that does not parse.
 */
export function parseCallText(text: string): { calls: Call[] } | { error: string } {
  const result = parseCalls(text);
  if (!result.ok) return { error: `${result.error.message} (at character ${result.error.position + 1})` };
  return { calls: result.calls };
}

export function printCallText(calls: Call[]): string {
  return printCalls(calls);
}
