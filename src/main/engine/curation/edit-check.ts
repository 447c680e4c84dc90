import { ApiError } from '../../../shared/contract/errors';
import { printCalls } from '../tools/call-print';
import { parseCalls } from '../tools/call-parse';
import { normalizeTools } from '../tools/normalize';
import { checkCalls } from '../tools/schema-check';

/**
 * Checks an edited invocation output against the sample's own tools before it is stored, and returns
 * it in canonical call text. An irrelevance sample's output is an answer in words and is kept as written.
 */
export function checkEditedOutput(output: string, input: unknown, category: string | null): string {
  if (category === 'irrelevance') return output.trim();
  const parsed = parseCalls(output);
  if (!parsed.ok) {
    throw new ApiError('invalid_input', `The edited calls do not parse at character ${parsed.error.position}: ${parsed.error.message}`, {
      field: 'action.output',
      position: parsed.error.position,
    });
  }
  const rawTools = (input as { tools?: unknown } | null)?.tools;
  if (Array.isArray(rawTools) && rawTools.length > 0) {
    const tools = normalizeTools(
      rawTools.map((t) => (t as { original?: unknown }).original ?? t),
      'sample.tools',
    );
    const problems = checkCalls(parsed.calls, tools);
    if (problems.length > 0) {
      throw new ApiError('invalid_input', `The edited calls do not fit the sample's tools: ${problems.map((p) => p.message).join('; ')}`, {
        field: 'action.output',
        problems,
      });
    }
  }
  return printCalls(parsed.calls);
}
