/**
 * The execution verifier's sandbox: runs a tool implementation (plain JavaScript defining `main(args)`) on a
 * call's arguments inside QuickJS (quickjs-emscripten, an interpreter compiled to WebAssembly — not node:vm),
 * with a time limit, a heap limit and a stack limit.
 *
 * QuickJS checks its interrupt handler only between bytecodes, so one long native operation (a huge
 * `String.prototype.repeat`, a slow allocation near the heap limit) could overrun the deadline. QuickJS
 * therefore runs in a worker thread, and the host terminates that worker when a job overruns its time by a
 * grace period: every job ends with a verdict within `timeoutMs + graceMs`.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SANDBOX_LIMITS, type SandboxFailure, type SandboxLimits, type SandboxResult } from './types';
import { WORKER_SOURCE } from './worker-source';

export interface SandboxOptions {
  /** Extra time after `timeoutMs` before the worker is terminated (default 1000 ms). */
  graceMs?: number;
  /** Heap of the worker thread itself, in MiB (the QuickJS heap lives in its WebAssembly memory). */
  workerHeapMb?: number;
}

/** The sandbox's address space: a memory limit must stay below it. */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  reason?: 'timeout' | 'memory' | 'error';
  message?: string;
}

type WorkerState = { worker: Worker; ready: Promise<void> };

export class Sandbox {
  private state: WorkerState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private readonly graceMs: number;
  private readonly workerHeapMb: number;

  constructor(options: SandboxOptions = {}) {
    this.graceMs = options.graceMs ?? 1000;
    this.workerHeapMb = options.workerHeapMb ?? 256;
  }

  /** Runs `main(args)` of `source`. Jobs run one at a time, in order; the promise never rejects. */
  run(source: string, args: unknown, limits: Partial<SandboxLimits> = {}): Promise<SandboxResult> {
    const full: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
    const job = this.queue.then(() => this.runNow(source, args, full));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Stops the worker; later `run` calls answer with an error. */
  async close(): Promise<void> {
    this.closed = true;
    const state = this.state;
    this.state = undefined;
    if (state) await state.worker.terminate();
  }

  private start(): WorkerState {
    const require = createRequire(import.meta.url);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { quickjsPath: require.resolve('quickjs-emscripten') },
      resourceLimits: { maxOldGenerationSizeMb: this.workerHeapMb, stackSizeMb: 8 },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; message?: string }) => {
        if (message.ready === undefined) return;
        worker.off('message', onMessage);
        if (message.ready) resolve();
        else reject(new Error(`sandbox: QuickJS did not load: ${message.message ?? 'unknown error'}`));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`sandbox: worker exited with code ${code} while starting`)));
    });
    ready.catch(() => undefined);
    const state = { worker, ready };
    worker.once('exit', () => {
      if (this.state === state) this.state = undefined;
    });
    return state;
  }

  private async runNow(source: string, args: unknown, limits: SandboxLimits): Promise<SandboxResult> {
    const began = performance.now();
    const elapsed = () => performance.now() - began;
    if (this.closed) return { ok: false, reason: 'error', message: 'sandbox: closed', ms: 0 };
    for (const [key, value] of Object.entries(limits)) {
      if (!Number.isFinite(value) || value <= 0)
        return { ok: false, reason: 'error', message: `sandbox: limits.${key} must be a positive number, got ${String(value)}`, ms: 0 };
    }
    // The QuickJS heap lives in a 32-bit WebAssembly memory: a limit of 4 GiB or more would wrap around.
    if (limits.memoryBytes >= MAX_MEMORY_BYTES)
      return {
        ok: false,
        reason: 'error',
        message: `sandbox: limits.memoryBytes must be below 4 GiB (${MAX_MEMORY_BYTES} bytes; the sandbox is 32-bit WebAssembly), got ${limits.memoryBytes}`,
        ms: 0,
      };
    if (typeof source !== 'string' || source.trim() === '')
      return { ok: false, reason: 'error', message: 'sandbox: the implementation source is empty', ms: 0 };
    let argsJson: string;
    try {
      argsJson = JSON.stringify(args ?? {});
    } catch (error) {
      return { ok: false, reason: 'error', message: `sandbox: arguments are not JSON: ${(error as Error).message}`, ms: 0 };
    }
    if (!this.state) this.state = this.start();
    const state = this.state;
    try {
      await state.ready;
    } catch (error) {
      if (this.state === state) this.state = undefined;
      return { ok: false, reason: 'error', message: (error as Error).message, ms: elapsed() };
    }
    const started = performance.now();
    const id = this.nextId++;
    const worker = state.worker;
    return new Promise<SandboxResult>((resolve) => {
      const finish = (result: { ok: true; result: unknown } | { ok: false; reason: SandboxFailure; message: string }) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
        worker.unref();
        resolve({ ...result, ms: performance.now() - started });
      };
      const onMessage = (answer: Answer) => {
        if (answer.id !== id) return;
        if (answer.ok) finish({ ok: true, result: answer.result });
        else finish({ ok: false, reason: answer.reason ?? 'error', message: answer.message ?? 'failed' });
      };
      const onExit = (code: number) => {
        if (this.state === state) this.state = undefined;
        finish({ ok: false, reason: 'error', message: `sandbox: worker exited with code ${code}` });
      };
      const onError = (error: Error) => {
        if (this.state === state) this.state = undefined;
        const memory = /memory|heap/i.test(error.message) || (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish({ ok: false, reason: memory ? 'memory' : 'error', message: `sandbox: ${error.message}` });
      };
      // The hard stop: QuickJS did not interrupt itself in time, so the whole worker goes.
      const timer = setTimeout(() => {
        if (this.state === state) this.state = undefined;
        worker.off('exit', onExit);
        worker.off('error', onError);
        void worker.terminate();
        finish({
          ok: false,
          reason: 'timeout',
          message: `ran longer than ${limits.timeoutMs} ms (stopped after ${Math.round(performance.now() - started)} ms)`,
        });
      }, limits.timeoutMs + this.graceMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.once('error', onError);
      worker.ref();
      worker.postMessage({ id, source, args: JSON.parse(argsJson) as unknown, limits });
    });
  }
}

let shared: Sandbox | undefined;

/** The process-wide sandbox (one worker, started on first use, not keeping the process alive when idle). */
export function sharedSandbox(): Sandbox {
  if (!shared) shared = new Sandbox();
  return shared;
}

/** Runs one implementation in the shared sandbox. */
export function runInSandbox(source: string, args: unknown, limits: Partial<SandboxLimits> = {}): Promise<SandboxResult> {
  return sharedSandbox().run(source, args, limits);
}

export async function closeSharedSandbox(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await s.close();
}
