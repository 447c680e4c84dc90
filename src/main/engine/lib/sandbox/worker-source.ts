/**
 * The sandbox worker, as source text: it runs as an `eval` worker thread so that it needs no bundling or
 * TypeScript loader (the same text works from source, from the electron-vite bundle and in tests).
 *
 * Protocol: the host posts `{id, source, args, limits}`; the worker answers `{id, ok, result}` or
 * `{id, ok: false, reason, message}` (a job that ran past its time limit answers `timeout` even when it
 * finished). Each job gets a fresh QuickJS runtime and context, so no state leaks
 * from one call to the next. The implementation's source must define a global function `main(args)` whose
 * return value is JSON-serialisable.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const q = require(workerData.quickjsPath);

let modulePromise = null;
function quickjs() {
  // A fresh module rather than the shared singleton: after a failed dispose we throw this one away.
  if (!modulePromise) modulePromise = q.newQuickJSWASMModule(q.RELEASE_SYNC);
  return modulePromise;
}

function classify(name, message) {
  if (message === 'interrupted') return 'timeout';
  if (message === 'out of memory' || message === 'stack overflow' || message === 'string too long' || message === 'invalid array length') return 'memory';
  return 'error';
}

function describeError(dumped) {
  if (dumped && typeof dumped === 'object') {
    const name = typeof dumped.name === 'string' ? dumped.name : 'Error';
    const message = typeof dumped.message === 'string' ? dumped.message : JSON.stringify(dumped);
    return { name, message };
  }
  return { name: 'Error', message: String(dumped) };
}

async function runJob(job) {
  const QuickJS = await quickjs();
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(job.limits.memoryBytes);
  runtime.setMaxStackSize(job.limits.stackBytes);
  const started = Date.now();
  const deadline = started + job.limits.timeoutMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  // QuickJS polls the interrupt handler only now and then between bytecodes, so a native call (a long fill,
  // indexOf over a huge array-like) can run past the deadline and return normally: check again after each one.
  const overrun = () =>
    Date.now() > deadline
      ? { ok: false, reason: 'timeout', message: 'ran longer than ' + job.limits.timeoutMs + ' ms (' + (Date.now() - started) + ' ms, past the limit inside one native operation)' }
      : null;
  const context = runtime.newContext();
  let answer;
  try {
    const argsHandle = context.newString(JSON.stringify(job.args));
    context.setProp(context.global, '__toolsmith_args', argsHandle);
    argsHandle.dispose();
    const load = context.evalCode(job.source, 'implementation.js');
    const loadOverrun = overrun();
    if (loadOverrun) {
      (load.error || load.value).dispose();
      answer = loadOverrun;
    } else if (load.error) {
      const e = describeError(context.dump(load.error));
      load.error.dispose();
      answer = { ok: false, reason: classify(e.name, e.message), message: e.name + ': ' + e.message + ' (while loading the implementation)' };
    } else {
      load.value.dispose();
      const call = context.evalCode(
        "(function () { if (typeof main !== 'function') throw new TypeError('the implementation defines no function main(args)');" +
          " var out = main(JSON.parse(__toolsmith_args)); var text = JSON.stringify(out === undefined ? null : out);" +
          " return text === undefined ? 'null' : text; })()",
        'call.js',
      );
      const callOverrun = overrun();
      if (callOverrun) {
        (call.error || call.value).dispose();
        answer = callOverrun;
      } else if (call.error) {
        const e = describeError(context.dump(call.error));
        call.error.dispose();
        answer = { ok: false, reason: classify(e.name, e.message), message: e.name + ': ' + e.message };
      } else {
        const text = context.getString(call.value);
        call.value.dispose();
        if (text.length > job.limits.maxResultChars) {
          answer = { ok: false, reason: 'memory', message: 'result is ' + text.length + ' characters, over the limit of ' + job.limits.maxResultChars };
        } else {
          answer = { ok: true, result: JSON.parse(text) };
        }
      }
    }
  } catch (error) {
    // The host-side wasm itself failed (e.g. its own stack ran out): classify by message, drop the module.
    const message = error && error.message ? error.message : String(error);
    answer = { ok: false, reason: /stack|memory/i.test(message) ? 'memory' : 'error', message: 'sandbox: ' + message };
    modulePromise = null;
  }
  try {
    context.dispose();
    runtime.dispose();
  } catch (error) {
    // QuickJS can fail its own leak assertions after an out-of-memory: start the next job on a new module.
    modulePromise = null;
  }
  return answer;
}

quickjs().then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ ready: false, message: String(error && error.message ? error.message : error) }),
);

parentPort.on('message', (job) => {
  runJob(job).then(
    (answer) => parentPort.postMessage(Object.assign({ id: job.id }, answer)),
    (error) => parentPort.postMessage({ id: job.id, ok: false, reason: 'error', message: 'sandbox: ' + String(error && error.message ? error.message : error) }),
  );
});
`;
