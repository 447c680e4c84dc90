import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { getModel, registerModel } from '../../src/main/engine/models/registry';
import { splitExamples } from '../../src/main/engine/train/contract';
import { registryRegistrar } from '../../src/main/engine/train/lineage';
import { tokenizeForTraining } from '../../src/main/engine/train/python/backend';
import { runTraining } from '../../src/main/engine/train/run';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import type { TrainProgress } from '../../src/shared/contract/train';
import { repoRoot, tempDir } from '../helpers/tmp';
import { makeStarter, maskedNll, seedExamples, targetLogProb } from './helpers';

/**
 * The `llama-factory` command preset against the real LLaMA-Factory (0.9.5), on CPU. It runs only where a
 * venv with LLaMA-Factory is found: $TOOLSMITH_LLAMAFACTORY_VENV, else ~/.cache/toolsmith/llamafactory-venv
 * (docs/reference.md, "Training", says how to make one).
 */
const venv = process.env.TOOLSMITH_LLAMAFACTORY_VENV ?? path.join(os.homedir(), '.cache', 'toolsmith', 'llamafactory-venv');
const bin = path.join(venv, 'bin');
const ready = fs.existsSync(path.join(bin, 'llamafactory-cli')) && fs.existsSync(path.join(bin, 'python'));
if (!ready) {
  console.log(
    `SKIP llama-factory preset test: no LLaMA-Factory venv at ${venv} (set TOOLSMITH_LLAMAFACTORY_VENV to a venv with \`pip install llamafactory\`).`,
  );
}

describe.skipIf(!ready)('command backend, llama-factory preset (real LLaMA-Factory, CPU)', () => {
  it('trains a LoRA on the HF copy of a GGUF: loss per step, PEFT adapter → GGUF LoRA registered with lineage, loads on the GGUF base and moves it toward the target', async () => {
    const dir = tempDir();
    const ws = openWorkspace(path.join(dir, 'ws'));
    const { file: base, template } = await makeStarter(dir);
    const baseRecord = await registerModel(ws.db, ws.modelsDir, base, { name: 'tiny' });
    const { examples, conversations, templateHash } = seedExamples(template, 16);

    // The HF folder LLaMA-Factory loads: the same weights and vocabulary as the GGUF.
    const hf = path.join(dir, 'hf');
    const conv = spawnSync(path.join(bin, 'python'), [path.join(repoRoot, 'python', 'gguf_to_hf.py'), base, hf], { encoding: 'utf8' });
    expect(conv.status, conv.stderr.slice(-2000)).toBe(0);

    const output = path.join(ws.modelsDir, 'lf-adapter.gguf');
    const progress: TrainProgress[] = [];
    const logs: string[] = [];
    const started = Date.now();
    const result = await runTraining(
      {
        backend: 'command',
        baseModel: base,
        baseModelId: baseRecord.id,
        examples,
        validationShare: 0.125,
        templateHash,
        output,
        hyper: { epochs: 10, maxSteps: 30, learningRate: 2e-2, warmupSteps: 2, contextLength: 512, batchSize: 4 },
        python: {
          hfModel: hf,
          lora: {
            rank: 8,
            alpha: 16,
            targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'lm_head'],
          },
        },
        command: {
          preset: 'llama-factory',
          env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, CUDA_VISIBLE_DEVICES: '', OMP_NUM_THREADS: '1' },
        },
      },
      { onProgress: (p) => progress.push(p), onLog: (_l, m) => logs.push(m), register: registryRegistrar(ws.db, ws.modelsDir) },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- stdout logs ---\n${logs.slice(-30).join('\n')}`);
    });
    const seconds = (Date.now() - started) / 1000;

    const steps = progress.filter((p) => p.loss !== undefined);
    console.log(
      `llama-factory: ${result.metrics.steps} steps in ${seconds.toFixed(1)} s (whole run), loss ${result.metrics.firstLoss?.toFixed(3)} -> ${result.metrics.finalLoss?.toFixed(3)}, ${result.metrics.tokensPerSecond?.toFixed(0) ?? '?'} tok/s, val loss ${result.metrics.valLoss?.toFixed(3) ?? '-'}`,
    );
    expect(steps.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(steps.every((p) => p.totalSteps === 30)).toBe(true);
    expect(result.metrics.steps).toBe(30);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const losses = steps.map((p) => p.loss!);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) * 0.8);
    expect(progress.some((p) => p.valLoss !== undefined)).toBe(true);

    const record = getModel(ws.db, ws.modelsDir, result.modelId!);
    expect(record.kind).toBe('adapter');
    expect(record.parentId).toBe(baseRecord.id);
    expect(record.trainer).toBe('command:llama-factory');
    expect(record.adapterFile).toBeTruthy();
    const adapter = await readGguf(output);
    expect(adapter.metadata['general.type']).toBe('adapter');
    expect(adapter.tensors.filter((t) => t.name.endsWith('.lora_a')).length).toBe(2 * 7 + 1); // 2 layers × 7 projections + lm_head
    expect(fs.readdirSync(ws.modelsDir).filter((f) => f !== 'tiny.gguf')).toEqual(['lf-adapter.gguf']);

    // The adapter applies to the GGUF base in node-llama-cpp and makes a seed call more likely.
    const conversation = conversations[1]!;
    const before = await targetLogProb(base, template, conversation);
    const after = await targetLogProb(base, template, conversation, output);
    console.log(`llama-factory: log p(target call) base ${before.toFixed(2)} -> base+LoRA ${after.toFixed(2)}`);
    expect(after).toBeGreaterThan(before + 5);

    // LLaMA-Factory's own last eval loss (torch, HF folder + PEFT adapter) is what llama.cpp computes with the
    // GGUF base + converted adapter on the same validation rows: same weights, same tokens, same masking.
    const { validation } = splitExamples(examples, 0.125, 42);
    const rows = await tokenizeForTraining(base, validation);
    let nll = 0;
    let count = 0;
    for (const r of rows) {
      nll += await maskedNll(base, r.ids, r.mask, output);
      count += r.mask.slice(1).filter(Boolean).length;
    }
    const torchVal = result.metrics.valLoss!;
    console.log(`llama-factory: validation loss torch ${torchVal.toFixed(4)} vs llama.cpp ${(nll / count).toFixed(4)}`);
    expect(Math.abs(nll / count - torchVal)).toBeLessThan(0.002 * torchVal + 0.001); // LLaMA-Factory prints 4 digits
    ws.close();
  }, 120_000);
});
