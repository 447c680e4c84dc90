import type { Call } from '../tools/types';
import type { Verdict } from './types';

/**
 * The execution verifier: where a tool has an executable implementation, the call runs in the sandbox
 * (time and memory limits are the sandbox's) and must finish without error. The sandbox itself belongs to
 * the tool pool (`engine/lib/sandbox/`); this module only turns its outcomes into a verdict.
 */

export type ExecutionOutcome = { ok: true; result?: unknown } | { ok: false; kind: string; message: string };

/** Runs one call of a tool that has an implementation. */
export type ExecuteCall = (call: Call) => Promise<ExecutionOutcome>;

/**
 * One verdict for a call list: null when no called tool has an implementation (nothing to execute),
 * otherwise passed only when every executable call ran without error.
 */
export async function verifyExecution(
  calls: readonly Call[],
  hasImplementation: (name: string) => boolean,
  execute: ExecuteCall,
): Promise<Verdict | null> {
  const runnable = calls.map((call, index) => ({ call, index })).filter(({ call }) => hasImplementation(call.name));
  if (runnable.length === 0) return null;
  const results: { index: number; function: string; outcome: ExecutionOutcome }[] = [];
  for (const { call, index } of runnable) {
    let outcome: ExecutionOutcome;
    try {
      outcome = await execute(call);
    } catch (error) {
      outcome = { ok: false, kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    results.push({ index, function: call.name, outcome });
  }
  const failed = results.filter((r) => !r.outcome.ok);
  if (failed.length === 0) {
    return {
      verifier: 'execution',
      passed: true,
      reason: `${results.length} call${results.length === 1 ? '' : 's'} ran in the sandbox without error`,
      details: results,
    };
  }
  const reason = failed
    .map((f) => {
      const o = f.outcome as Extract<ExecutionOutcome, { ok: false }>;
      return `call ${f.index} (${f.function}) ${o.kind}: ${o.message}`;
    })
    .join('; ');
  return { verifier: 'execution', passed: false, reason, details: results };
}
