import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { CONTRACT_VERSION } from '../../src/main/engine/train/contract';
import { trainerEnvStatus, trainerScript, venvPython } from '../../src/main/engine/train/python/env';
import { peftDirOf, tokenizeForTraining } from '../../src/main/engine/train/python/backend';
import { runTraining } from '../../src/main/engine/train/run';
import { registryRegistrar } from '../../src/main/engine/train/lineage';
import { getModel, registerModel, runnableFiles } from '../../src/main/engine/models/registry';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import type { TrainExample, TrainProgress } from '../../src/shared/contract/train';
import { tempDir } from '../helpers/tmp';
import { splitExamples } from '../../src/main/engine/train/contract';
import { makeStarter, maskedNll, seedExamples, targetLogProb } from './helpers';

const env = trainerEnvStatus();
if (!env.ready) {
  console.log(`SKIP python trainer tests: the managed environment is not set up (${env.venv}). Run \`toolsmith trainer setup\` first.`);
}

/** Masked loss of the base on each token row, computed by the sidecar (`--eval-loss`). */
function evalLoss(dir: string, base: string, rows: { ids: number[]; mask: number[] }[]): number[] {
  const tokens = path.join(dir, `rows-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(tokens, rows.map((r) => JSON.stringify(r)).join('\n'));
  const config = path.join(dir, 'eval-config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      contract_version: CONTRACT_VERSION,
      base_model: base,
      output: path.join(dir, 'unused.gguf'),
      output_kind: 'adapter',
      work_dir: dir,
      hyper: { seed: 1, context_length: 512 },
    }),
  );
  const r = spawnSync(venvPython(env.venv), [trainerScript(), '--config', config, '--tokens', tokens, '--eval-loss', '--device', 'cpu'], {
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.includes('"eval"'));
  if (!line) throw new Error(`eval-loss failed: ${r.stdout}\n${r.stderr.slice(-2000)}`);
  return (JSON.parse(line) as { rows: { loss: number }[] }).rows.map((r) => r.loss);
}

/** A workspace with the tiny starter registered as "tiny", and 16 seed examples rendered through its template. */
async function tinySetup(dir: string) {
  const ws = openWorkspace(path.join(dir, 'ws'));
  const { file: base, template } = await makeStarter(dir);
  const baseRecord = await registerModel(ws.db, ws.modelsDir, base, { name: 'tiny' });
  return { ws, base, template, baseRecord, ...seedExamples(template, 16) };
}

function pythonSpec(base: string, baseModelId: number, examples: TrainExample[], templateHash: string) {
  return { backend: 'python' as const, baseModel: base, baseModelId, examples, validationShare: 0.125, templateHash };
}

describe.skipIf(!env.ready)('python trainer (managed venv, LoRA, loss on spans only)', () => {
  it('trains LoRA on a tiny llama model: loss falls, the GGUF adapter loads on the base in node-llama-cpp and moves it toward the target', async () => {
    const dir = tempDir();
    const { ws, base, template, baseRecord, examples, conversations, templateHash } = await tinySetup(dir);
    const output = path.join(ws.modelsDir, 'adapter.gguf');
    const progress: TrainProgress[] = [];
    const result = await runTraining(
      {
        ...pythonSpec(base, baseRecord.id, examples, templateHash),
        output,
        hyper: { epochs: 10, maxSteps: 40, learningRate: 2e-2, warmupSteps: 2, contextLength: 512, batchSize: 4 },
        python: {
          device: 'cpu',
          threads: 1,
          lora: {
            rank: 8,
            alpha: 16,
            targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'lm_head'],
          },
        },
      },
      { onProgress: (p) => progress.push(p), register: registryRegistrar(ws.db, ws.modelsDir) },
    );
    const record = getModel(ws.db, ws.modelsDir, result.modelId!);
    expect(record.kind).toBe('adapter');
    expect(record.parentId).toBe(baseRecord.id);
    expect(record.trainer).toBe('python:lora-r8');
    expect(record.adapterFile).toBeTruthy();
    console.log(
      `python: ${result.metrics.steps} steps, ${result.metrics.tokensPerSecond?.toFixed(0)} tok/s, loss ${result.metrics.firstLoss?.toFixed(3)} -> ${result.metrics.finalLoss?.toFixed(3)}, peak ${((result.metrics.peakMemoryBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(result.kind).toBe('adapter');
    const losses = progress.filter((p) => p.valLoss === undefined && p.loss !== undefined).map((p) => p.loss!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) * 0.8);

    const adapter = await readGguf(output);
    expect(adapter.metadata['general.type']).toBe('adapter');
    expect(adapter.metadata['adapter.type']).toBe('lora');
    expect(adapter.tensors.some((t) => t.name === 'blk.0.attn_q.weight.lora_a')).toBe(true);
    // The PEFT folder stays beside it, for a later round to continue from.
    expect(
      fs
        .readdirSync(path.dirname(output))
        .filter((f) => f !== 'tiny.gguf')
        .sort(),
    ).toEqual(['adapter.gguf', 'adapter.gguf.peft']);

    const conv = conversations[1]!;
    const before = await targetLogProb(base, template, conv);
    const after = await targetLogProb(base, template, conv, output);
    console.log(`python: log p(target call) base ${before.toFixed(2)} -> base+LoRA ${after.toFixed(2)}`);
    expect(after).toBeGreaterThan(before + 5);

    // The GGUF adapter gives llama.cpp what torch computed with the PEFT adapter (names, transposes and the
    // q/k row permutation all right): the summed masked NLL of the first training row agrees.
    const row0 = splitExamples(examples, 0.125, 42).train[0]!;
    const [tok] = await tokenizeForTraining(base, [row0]);
    const llamaNll = await maskedNll(base, tok!.ids, tok!.mask, output);
    const torchNll = result.metrics.details.row0_masked_nll!;
    console.log(`python: row-0 masked NLL torch ${torchNll.toFixed(3)} vs llama.cpp ${llamaNll.toFixed(3)}`);
    expect(Math.abs(llamaNll - torchNll)).toBeLessThan(0.02 * torchNll + 0.05);

    // A second round continues that adapter: it starts at the loss the first ended near, not at the base's.
    const next = await runTraining(
      {
        ...pythonSpec(base, result.modelId!, examples, templateHash),
        output: path.join(ws.modelsDir, 'adapter-2.gguf'),
        hyper: { epochs: 1, maxSteps: 4, learningRate: 1e-3, warmupSteps: 0, contextLength: 512, batchSize: 4 },
        python: { device: 'cpu', threads: 1, initAdapter: peftDirOf(output) },
      },
      { register: registryRegistrar(ws.db, ws.modelsDir) },
    );
    expect(next.metrics.firstLoss!).toBeLessThan(mean(losses.slice(0, 5)) * 0.8);
    // It loads on the first non-adapter ancestor: the base, never on the adapter it continued.
    const files = runnableFiles(ws.db, ws.modelsDir, next.modelId!);
    expect(files.base.id).toBe(baseRecord.id);
    expect(files.adapterFile).toBe(path.join(ws.modelsDir, 'adapter-2.gguf'));
    ws.close();
  }, 300_000);

  it('full fine-tuning writes a complete GGUF that keeps the base metadata and gives llama.cpp the numbers torch computed', async () => {
    const dir = tempDir();
    const { ws, base, template, baseRecord, examples, conversations, templateHash } = await tinySetup(dir);
    const output = path.join(ws.modelsDir, 'full.gguf');
    const result = await runTraining(
      {
        ...pythonSpec(base, baseRecord.id, examples, templateHash),
        output,
        hyper: { epochs: 10, maxSteps: 30, learningRate: 3e-3, warmupSteps: 2, contextLength: 512, batchSize: 4 },
        python: { device: 'cpu', threads: 1, method: 'full' },
      },
      { register: registryRegistrar(ws.db, ws.modelsDir) },
    );
    expect(result.kind).toBe('model');
    const record = getModel(ws.db, ws.modelsDir, result.modelId!);
    expect(record.parentId).toBe(baseRecord.id);
    expect(record.adapterFile).toBeFalsy();
    expect(record.trainer).toBe('python:full');
    const [b, t] = [await readGguf(base), await readGguf(output)];
    expect(t.metadata['tokenizer.chat_template']).toBe(b.metadata['tokenizer.chat_template']);
    expect(t.tensors.map((x) => x.name)).toEqual(b.tensors.map((x) => x.name));

    const conv = conversations[1]!;
    const before = await targetLogProb(base, template, conv);
    const after = await targetLogProb(output, template, conv);
    console.log(
      `python full: ${result.metrics.steps} steps, loss ${result.metrics.firstLoss?.toFixed(3)} -> ${result.metrics.finalLoss?.toFixed(3)}, log p(target) ${before.toFixed(2)} -> ${after.toFixed(2)}`,
    );
    expect(after).toBeGreaterThan(before + 5);
    // Every weight (q/k rows re-permuted for llama.cpp's rope) came back right: llama.cpp agrees with torch.
    const row0 = splitExamples(examples, 0.125, 42).train[0]!;
    const [tok] = await tokenizeForTraining(base, [row0]);
    const llamaNll = await maskedNll(output, tok!.ids, tok!.mask);
    const torchNll = result.metrics.details.row0_masked_nll!;
    expect(Math.abs(llamaNll - torchNll)).toBeLessThan(0.02 * torchNll + 0.05);
    ws.close();
  }, 300_000);

  it('the masked loss ignores everything outside the learn spans', async () => {
    const dir = tempDir();
    const { file: base, template } = await makeStarter(dir);
    const { examples } = seedExamples(template, 1);
    const ex = examples[0]!;
    // Same prompt and span, different text after the span (which cannot influence the span's tokens).
    const spanEnd = ex.spans[0]!.end;
    const variantTail = { ...ex, text: ex.text.slice(0, spanEnd) + '\nsomething else entirely' };
    // Same prompt, different span content.
    const variantSpan = {
      ...ex,
      text: ex.text.slice(0, ex.spans[0]!.start) + 'x'.repeat(spanEnd - ex.spans[0]!.start) + ex.text.slice(spanEnd),
    };
    const [a, b, c] = await tokenizeForTraining(base, [ex, variantTail, variantSpan]);
    const row = (t: { ids: number[]; mask: boolean[] }) => ({ ids: t.ids, mask: t.mask.map((m) => (m ? 1 : 0)) });
    expect(a!.mask.some(Boolean)).toBe(true);
    expect(a!.mask.every(Boolean)).toBe(false);
    const [lossA, lossTail, lossSpan, lossAll] = evalLoss(dir, base, [
      row(a!),
      row(b!),
      row(c!),
      { ids: a!.ids, mask: a!.ids.map(() => 1) },
    ]) as [number, number, number, number];
    expect(Math.abs(lossA - lossTail)).toBeLessThan(1e-5);
    expect(Math.abs(lossA - lossSpan)).toBeGreaterThan(1e-3);
    expect(Math.abs(lossA - lossAll)).toBeGreaterThan(1e-3);
  }, 300_000);

  it('the speed-ups change no number: the output head on the learn positions only, and a packed batch, give the padded full-vocabulary loss', async () => {
    const dir = tempDir();
    const { file: base, template } = await makeStarter(dir);
    const { examples } = seedExamples(template, 4);
    const rows = (await tokenizeForTraining(base, examples)).map((t) => ({ ids: t.ids, mask: t.mask.map((m) => (m ? 1 : 0)) }));
    expect(new Set(rows.map((r) => r.ids.length)).size).toBeGreaterThan(1); // padding really happens
    const tokens = path.join(dir, 'rows.jsonl');
    fs.writeFileSync(tokens, rows.map((r) => JSON.stringify(r)).join('\n'));
    // The trainer's own functions on the starter GGUF, with a LoRA whose B is not zero so that it matters.
    const script = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
import trainer
from peft import LoraConfig, get_peft_model
torch.set_num_threads(1); torch.manual_seed(0)
model, _ = trainer.load_gguf_model(sys.argv[2])
model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj", "lm_head"], task_type="CAUSAL_LM"))
for n, p in model.named_parameters():
    if "lora_B" in n: torch.nn.init.normal_(p, std=0.05)
rows = trainer.read_tokens(sys.argv[3])
order = list(range(len(rows)))
(ids, labels, attn, _, real), = trainer.batches(rows, len(rows), order)
logits = model(input_ids=ids, attention_mask=attn).logits[:, :-1].float()
full = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100, reduction="sum")
head, n, _ = trainer.masked_stats(model, ids, labels, attn)
(pi, pl, pa, pp, preal), = trainer.batches(rows, len(rows), order, pack=True)
packed, pn, _ = trainer.masked_stats(model, pi, pl, pa, pp)
print(json.dumps({"full": float(full), "head": float(head), "packed": float(packed), "n": n, "pn": pn, "real": real, "preal": preal,
                  "padded_shape": list(ids.shape), "packed_shape": list(pi.shape)}))
`;
    const r = spawnSync(venvPython(env.venv), ['-c', script, path.dirname(trainerScript()), base, tokens], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop();
    if (r.status !== 0 || !line) throw new Error(`check failed: ${r.stderr.slice(-2000)}`);
    const got = JSON.parse(line) as Record<string, number | number[]>;
    console.log(
      `python: padded ${JSON.stringify(got.padded_shape)} vs packed ${JSON.stringify(got.packed_shape)}: loss ${JSON.stringify(got)}`,
    );
    const [full, head, packed] = [got.full as number, got.head as number, got.packed as number];
    expect(Math.abs(head - full)).toBeLessThan(1e-4 * full);
    expect(Math.abs(packed - full)).toBeLessThan(1e-4 * full);
    expect(got.n).toBe(got.pn);
    // Both count the real tokens, not the padding.
    expect(got.real).toBe(rows.reduce((a, x) => a + x.ids.length, 0));
    expect(got.preal).toBe(got.real);
  }, 300_000);
});

describe('python trainer: missing environment', () => {
  it('a missing Python is a clear error naming the fix', async () => {
    const dir = tempDir();
    const saved = { venv: process.env.TOOLSMITH_TRAINER_VENV, py: process.env.TOOLSMITH_PYTHON };
    process.env.TOOLSMITH_TRAINER_VENV = path.join(dir, 'no-venv');
    process.env.TOOLSMITH_PYTHON = path.join(dir, 'no-python');
    try {
      const status = trainerEnvStatus();
      expect(status.ready).toBe(false);
      expect(status.problem).toMatch(/No Python found.*Install Python 3\.10\+.*TOOLSMITH_PYTHON/);
      const { file: base, template } = await makeStarter(dir);
      const { examples } = seedExamples(template, 2);
      await expect(runTraining({ backend: 'python', baseModel: base, examples, output: path.join(dir, 'a.gguf') })).rejects.toThrow(
        /No Python found/,
      );
    } finally {
      if (saved.venv === undefined) delete process.env.TOOLSMITH_TRAINER_VENV;
      else process.env.TOOLSMITH_TRAINER_VENV = saved.venv;
      if (saved.py === undefined) delete process.env.TOOLSMITH_PYTHON;
      else process.env.TOOLSMITH_PYTHON = saved.py;
    }
  });
});
