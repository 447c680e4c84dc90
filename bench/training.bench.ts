/**
 * Training throughput, each against a baseline measured in the same run:
 *
 * (a) native trainer (llama.cpp training API in a child process) on the starter model: training tokens/s,
 *     and its ratio to the same model's forward-only throughput (prompt evaluation in node-llama-cpp, same
 *     window length and thread count). Peak memory: the trainer child's RSS.
 * (b) python trainer (managed venv, LoRA, CPU) on a tiny llama model: tokens/s and peak RSS; skipped with a
 *     line when the venv is not set up (`toolsmith trainer setup`).
 *
 * Threads: TOOLSMITH_BENCH_THREADS (default 1: ggml threads spin while waiting, so on a shared 2-core
 * machine one thread is the honest setting).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { readGguf } from '../src/main/engine/lib/gguf/read';
import { chatTemplateFromMetadata } from '../src/main/engine/inference/chat-render';
import { createStarterModel } from '../src/main/engine/models/starter';
import { renderExamples } from '../src/main/engine/train/examples';
import { trainerEnvStatus } from '../src/main/engine/train/python/env';
import { runTraining } from '../src/main/engine/train/run';
import { seedConversations } from '../src/main/engine/train/seed-corpus';

const threads = Number(process.env.TOOLSMITH_BENCH_THREADS ?? 1);
const STEPS = Number(process.env.TOOLSMITH_BENCH_STEPS ?? 40);
const WINDOW = 512;
const mib = (b?: number) => (b ? `${(b / 2 ** 20).toFixed(0)} MiB` : 'n/a');

async function forwardTokensPerSecond(file: string, windows: number): Promise<number> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false, skipDownload: true });
  const model = await llama.loadModel({ modelPath: file, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: WINDOW, batchSize: WINDOW, threads });
  const seq = context.getSequence();
  const nVocab = model.tokens.bos !== null ? 300 : 300;
  let tokens = 0;
  const start = performance.now();
  for (let w = 0; w < windows; w++) {
    const input = Array.from({ length: WINDOW }, (_, i) => ((i * 7 + w * 13) % (nVocab - 3)) + 3) as Token[];
    await seq.evaluateWithoutGeneratingNewTokens(input);
    await seq.clearHistory();
    tokens += WINDOW;
  }
  const seconds = (performance.now() - start) / 1000;
  await context.dispose();
  await model.dispose();
  return tokens / seconds;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-bench-train-'));
try {
  // (a) native on the starter model (default shape).
  const base = path.join(dir, 'starter.gguf');
  const info = await createStarterModel(base);
  const template = chatTemplateFromMetadata((await readGguf(base)).metadata);
  const { examples } = renderExamples(template, seedConversations(64));
  const native = await runTraining({
    backend: 'native',
    baseModel: base,
    examples,
    validationShare: 0,
    output: path.join(dir, 'native.gguf'),
    hyper: { epochs: 100, maxSteps: STEPS, learningRate: 5e-4, contextLength: WINDOW },
    native: { threads, trainLayers: 'last' },
    register: false,
  });
  const forward = await forwardTokensPerSecond(base, 20);
  const trainTps = native.metrics.tokensPerSecond ?? 0;
  console.log(`starter model: ${(info.parameters / 1e6).toFixed(2)} M parameters, window ${WINDOW} tokens, ${threads} thread(s)`);
  console.log(
    `native trainer (last block + output): ${trainTps.toFixed(0)} tok/s over ${native.metrics.steps} steps, peak RSS ${mib(native.metrics.peakMemoryBytes)}`,
  );
  console.log(`forward-only (prompt evaluation):      ${forward.toFixed(0)} tok/s`);
  console.log(`ratio train / forward: ${(trainTps / forward).toFixed(3)}`);

  const all = await runTraining({
    backend: 'native',
    baseModel: base,
    examples,
    validationShare: 0,
    output: path.join(dir, 'native-all.gguf'),
    hyper: { epochs: 100, maxSteps: Math.max(5, Math.round(STEPS / 4)), learningRate: 5e-4, contextLength: WINDOW },
    native: { threads, trainLayers: 'all' },
    register: false,
  });
  console.log(
    `native trainer (all tensors, experimental): ${(all.metrics.tokensPerSecond ?? 0).toFixed(0)} tok/s, ratio to forward ${((all.metrics.tokensPerSecond ?? 0) / forward).toFixed(3)}`,
  );

  // (b) python LoRA on a tiny llama model, CPU.
  const env = trainerEnvStatus();
  if (!env.ready) {
    console.log(`python trainer: SKIPPED (${env.problem})`);
  } else {
    const tiny = path.join(dir, 'tiny.gguf');
    await createStarterModel(tiny, { embedding: 64, layers: 2, heads: 4, feedForward: 128, contextLength: 512 });
    const tinyTemplate = chatTemplateFromMetadata((await readGguf(tiny)).metadata);
    const tinyExamples = renderExamples(tinyTemplate, seedConversations(32)).examples;
    const py = await runTraining({
      backend: 'python',
      baseModel: tiny,
      examples: tinyExamples,
      validationShare: 0,
      output: path.join(dir, 'lora.gguf'),
      hyper: { epochs: 100, maxSteps: 20, learningRate: 1e-2, contextLength: 512, batchSize: 4 },
      python: { device: 'cpu', threads },
      register: false,
    });
    console.log(
      `python trainer (LoRA r8, CPU, tiny model): ${(py.metrics.tokensPerSecond ?? 0).toFixed(0)} tok/s, peak RSS ${mib(py.metrics.peakMemoryBytes)}`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
