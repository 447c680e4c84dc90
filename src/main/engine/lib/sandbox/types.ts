/** Limits and verdicts of the execution sandbox (see `sandbox.ts`). */

export interface SandboxLimits {
  /** Wall-clock time the implementation may run, in milliseconds (QuickJS interrupt). */
  timeoutMs: number;
  /** Heap the QuickJS runtime may allocate, in bytes. */
  memoryBytes: number;
  /** Stack the QuickJS runtime may use, in bytes (deep recursion ends as a `memory` verdict). */
  stackBytes: number;
  /** Largest JSON result accepted back, in characters. */
  maxResultChars: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 1000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxResultChars: 1_000_000,
};

export type SandboxFailure = 'timeout' | 'memory' | 'error';

export type SandboxResult = { ok: true; result: unknown; ms: number } | { ok: false; reason: SandboxFailure; message: string; ms: number };
