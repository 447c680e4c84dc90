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

// The module's WebAssembly memory has a maximum: a hard cap on everything a job can allocate, whatever QuickJS
// counts. Room for the heap limit twice over (the count is checked now and then, fragmentation) plus the runtime.
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, all a 32-bit memory can address
let modulePromise = null;
let moduleCapPages = 0;
function capPagesFor(memoryBytes) {
  return Math.min(MAX_PAGES, Math.ceil((memoryBytes * 2 + 64 * 1024 * 1024) / PAGE));
}
function quickjs(memoryBytes) {
  const wanted = capPagesFor(memoryBytes || 32 * 1024 * 1024);
  // A fresh module rather than the shared singleton: after a failed dispose we throw this one away, and a job
  // with a larger limit than the module's cap gets a module with a larger memory.
  if (!modulePromise || wanted > moduleCapPages) {
    moduleCapPages = Math.max(wanted, moduleCapPages);
    const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: moduleCapPages });
    modulePromise = q.newQuickJSWASMModule(q.newVariant(q.RELEASE_SYNC, { wasmMemory }));
  }
  return modulePromise;
}

// What the runtime's live objects, strings and arrays take, as QuickJS itself measures them. Its malloc
// accounting cannot be used: this wasm build lacks malloc_usable_size, so setMemoryLimit counts 8 bytes per
// block and only refuses one allocation bigger than the limit.
function memoryUsed(runtime) {
  try {
    const m = /memory used\s+\d+\s+(\d+)/.exec(runtime.dumpMemoryUsage());
    return m ? Number(m[1]) : 0;
  } catch (error) {
    return Infinity; // not even the report fits in memory any more
  }
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
  const QuickJS = await quickjs(job.limits.memoryBytes);
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(job.limits.memoryBytes);
  runtime.setMaxStackSize(job.limits.stackBytes);
  const started = Date.now();
  const deadline = started + job.limits.timeoutMs;
  // The memory limit is enforced by counting: the interrupt handler measures the heap, at most a fifth of the
  // time (the measurement walks the heap, so the next one waits four times as long as this one took).
  let nextCheck = 0;
  let over = 0;
  const memoryVerdict = (used) => ({
    ok: false,
    reason: 'memory',
    message: 'memory limit: the implementation used ' + (used === Infinity ? 'all the sandbox memory' : used + ' bytes') + ', over the limit of ' + job.limits.memoryBytes + ' bytes',
  });
  runtime.setInterruptHandler(() => {
    if (Date.now() > deadline) return true;
    const now = performance.now();
    if (now < nextCheck) return false;
    const used = memoryUsed(runtime);
    nextCheck = performance.now() + 4 * (performance.now() - now);
    if (used > job.limits.memoryBytes) {
      over = used;
      return true;
    }
    return false;
  });
  // QuickJS polls the interrupt handler only now and then between bytecodes, so a native call (a long fill,
  // indexOf over a huge array-like) can run past the deadline, or allocate past the limit, and return
  // normally: check both again after each one.
  const overrun = () => {
    if (over) return memoryVerdict(over);
    if (Date.now() > deadline)
      return { ok: false, reason: 'timeout', message: 'ran longer than ' + job.limits.timeoutMs + ' ms (' + (Date.now() - started) + ' ms, past the limit inside one native operation)' };
    const used = memoryUsed(runtime);
    return used > job.limits.memoryBytes ? memoryVerdict(used) : null;
  };
  // An error that is not an Error (QuickJS throws null when not even the error object fits) after the heap
  // filled up is the memory limit too.
  const classifyFailure = (e) => {
    const reason = classify(e.name, e.message);
    if (reason !== 'error') return reason;
    return memoryUsed(runtime) > job.limits.memoryBytes ? 'memory' : 'error';
  };
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
      answer = { ok: false, reason: classifyFailure(e), message: e.name + ': ' + e.message + ' (while loading the implementation)' };
    } else {
      load.value.dispose();
      // main may be async: its promise is settled by running QuickJS's pending jobs (under the same limits),
      // and read back; a promise that never settles (nothing in the sandbox can resolve it later) is an error.
      let call = context.evalCode(
        "(function () { if (typeof main !== 'function') throw new TypeError('the implementation defines no function main(args)');" +
          " var text = function (out) { var t = JSON.stringify(out === undefined ? null : out); return t === undefined ? 'null' : t; };" +
          " var out = main(JSON.parse(__toolsmith_args));" +
          " if (out !== null && (typeof out === 'object' || typeof out === 'function') && typeof out.then === 'function') {" +
          "   globalThis.__toolsmith_settled = null;" +
          "   Promise.resolve(out).then(function (v) { globalThis.__toolsmith_settled = { ok: true, text: text(v) }; }," +
          "     function (e) { globalThis.__toolsmith_settled = { ok: false, error: e }; });" +
          "   return '\u0001toolsmith:promise'; }" +
          " return text(out); })()",
        'call.js',
      );
      if (!call.error && context.typeof(call.value) === 'string' && context.getString(call.value) === '\u0001toolsmith:promise') {
        call.value.dispose();
        const pending = runtime.executePendingJobs();
        if (pending.error) {
          call = { error: pending.error };
        } else {
          call = context.evalCode(
            "(function () { var s = globalThis.__toolsmith_settled;" +
              " if (s === null) throw new TypeError('main returned a promise that never settled (the sandbox has no timers or I/O to resolve it)');" +
              " if (!s.ok) throw s.error; return s.text; })()",
            'settle.js',
          );
        }
      }
      const callOverrun = overrun();
      if (callOverrun) {
        (call.error || call.value).dispose();
        answer = callOverrun;
      } else if (call.error) {
        const e = describeError(context.dump(call.error));
        call.error.dispose();
        answer = { ok: false, reason: classifyFailure(e), message: e.name + ': ' + e.message };
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

quickjs(0).then(
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
