import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * A model's chat template is code from the file: `{% for i in range(10000000) %}` rendered for 85 s at 2.3 GB
 * in the main thread. Before a template is used its probe rendering runs here instead, in a worker thread
 * with a heap limit, a time limit and a cap on the text it may produce. The caller waits synchronously
 * (Atomics.wait; resolving a template is synchronous) and the worker is terminated when it overruns.
 */
export interface TemplateLimits {
  /** Wall-clock time for the probe, worker start included (ms). */
  timeoutMs: number;
  /** Heap of the worker (MiB). */
  heapMb: number;
  /** Longest rendered text accepted (characters). */
  maxOutputChars: number;
}

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = { timeoutMs: 5000, heapMb: 256, maxOutputChars: 1_000_000 };

export type GuardedRender = { ok: true; text: string } | { ok: false; error: string; unsafe: boolean };

const WORKER = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const { Template } = require(workerData.jinjaPath);
const flag = new Int32Array(workerData.flag);
let answer;
try {
  const text = new Template(workerData.template).render(workerData.context);
  answer = text.length > workerData.maxOutputChars
    ? { ok: false, unsafe: true, error: 'it rendered ' + text.length + ' characters for a two-message probe (at most ' + workerData.maxOutputChars + ')' }
    : { ok: true, text };
} catch (error) {
  answer = { ok: false, unsafe: false, error: error && error.message ? error.message : String(error) };
}
workerData.port.postMessage(answer);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

export function renderTemplateGuarded(
  template: string,
  context: Record<string, unknown>,
  limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS,
): GuardedRender {
  const require = createRequire(import.meta.url);
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      jinjaPath: require.resolve('@huggingface/jinja'),
      template,
      context,
      flag: shared,
      port: port2,
      maxOutputChars: limits.maxOutputChars,
    },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  worker.unref();
  worker.on('error', () => undefined); // out of memory: seen below as no answer
  try {
    Atomics.wait(flag, 0, 0, limits.timeoutMs);
    const message = receiveMessageOnPort(port1)?.message as GuardedRender | undefined;
    if (message) return message;
    return {
      ok: false,
      unsafe: true,
      error: `it did not render a two-message probe within ${limits.timeoutMs} ms and ${limits.heapMb} MiB (a loop or a value too large?)`,
    };
  } finally {
    port1.close();
    void worker.terminate();
  }
}
