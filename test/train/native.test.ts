import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { runTraining } from '../../src/main/engine/train/run';
import { registryRegistrar } from '../../src/main/engine/train/lineage';
import { getModel, registerModel } from '../../src/main/engine/models/registry';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import type { TrainProgress } from '../../src/shared/contract/train';
import { tempDir } from '../helpers/tmp';
import { makeStarter, seedExamples, targetLogProb } from './helpers';

describe('native trainer (llama.cpp training API through koffi, in a child process)', () => {
  it('trains the starter model: loss falls >= 30%, the GGUF reloads with its chat template, the target call becomes likelier', async () => {
    const dir = tempDir();
    const ws = openWorkspace(path.join(dir, 'ws'));
    const { file: base, template } = await makeStarter(dir);
    const baseRecord = await registerModel(ws.db, ws.modelsDir, base, { name: 'starter', kind: 'starter' });
    const { examples, conversations, templateHash } = seedExamples(template, 24);
    const output = path.join(ws.modelsDir, 'trained.gguf');
    const progress: TrainProgress[] = [];
    const started = Date.now();
    const result = await runTraining(
      {
        backend: 'native',
        baseModel: base,
        baseModelId: baseRecord.id,
        examples,
        validationShare: 0.125,
        templateHash,
        output,
        hyper: { epochs: 100, maxSteps: 160, learningRate: 5e-4, warmupSteps: 10, schedule: 'cosine', contextLength: 256 },
        native: { trainLayers: 'last', threads: 1 },
      },
      {
        onProgress: (p) => progress.push(p),
        register: registryRegistrar(ws.db, ws.modelsDir),
      },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `native: ${result.metrics.steps} steps in ${seconds.toFixed(1)} s, ${result.metrics.tokensPerSecond?.toFixed(0)} tok/s, loss ${result.metrics.firstLoss?.toFixed(3)} -> ${result.metrics.finalLoss?.toFixed(3)}, val acc ${result.metrics.valAccuracy?.toFixed(3)}`,
    );

    expect(result.kind).toBe('model');
    expect(result.metrics.steps).toBe(160);
    // Registered with its lineage: parent, trainer, template hash, metrics.
    const record = getModel(ws.db, ws.modelsDir, result.modelId!);
    expect(record.parentId).toBe(baseRecord.id);
    expect(record.kind).toBe('finetune');
    expect(record.trainer).toBe('native:layers-last');
    expect(record.chatTemplate).toBe(baseRecord.chatTemplate);
    const training = record.metadata.training as { templateHash: string; metrics: { steps: number } };
    expect(training.templateHash).toBe(templateHash);
    expect(training.metrics.steps).toBe(160);
    // Loss falls by at least 30 % (mean of the first 10 steps vs the last 10).
    const losses = progress.filter((p) => p.loss !== undefined && p.valLoss === undefined).map((p) => p.loss!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    expect(last).toBeLessThan(first * 0.7);
    expect(progress.some((p) => p.valLoss !== undefined)).toBe(true);
    expect(progress.at(-1)!.tokensPerSecond).toBeGreaterThan(0);
    expect(progress.at(-1)!.memoryBytes).toBeGreaterThan(0);

    // Written atomically with the chat template and file type put back; no work files left beside it.
    const meta = (await readGguf(output)).metadata;
    const baseMeta = (await readGguf(base)).metadata;
    expect(meta['tokenizer.chat_template']).toBe(baseMeta['tokenizer.chat_template']);
    expect(meta['general.file_type']).toBe(baseMeta['general.file_type']);
    expect(meta['llama.context_length']).toBe(baseMeta['llama.context_length']);
    expect(fs.readdirSync(path.dirname(output)).filter((f) => f !== 'starter.gguf')).toEqual(['trained.gguf']);

    // The saved model loads in node-llama-cpp and prefers the trained call more than the base did.
    const conv = conversations[0]!;
    const before = await targetLogProb(base, template, conv);
    const after = await targetLogProb(output, template, conv);
    console.log(`native: log p(target call) ${before.toFixed(2)} -> ${after.toFixed(2)}`);
    expect(after).toBeGreaterThan(before + 5);
    ws.close();
  }, 180_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('native trainer: cancel and bad input', () => {
  it('cancel mid-run: the child is gone within 2 s, nothing registered, no stray file', async () => {
    const dir = tempDir();
    const { file: base, template } = await makeStarter(dir);
    const { examples } = seedExamples(template, 8);
    const modelsDir = path.join(dir, 'models');
    const controller = new AbortController();
    let pid = 0;
    let abortedAt = 0;
    let registered = 0;
    const run = runTraining(
      {
        backend: 'native',
        baseModel: base,
        examples,
        output: path.join(modelsDir, 'cancelled.gguf'),
        hyper: { epochs: 1000, contextLength: 256 },
        native: { threads: 1 },
      },
      {
        onSpawn: (p) => (pid = p),
        onProgress: (p) => {
          if (p.step >= 3 && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
        register: () => ++registered,
        signal: controller.signal,
      },
    );
    await expect(run).rejects.toThrow(/cancelled/i);
    expect(pid).toBeGreaterThan(0);
    const deadline = abortedAt + 2000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
    expect(registered).toBe(0);
    expect(fs.readdirSync(modelsDir)).toEqual([]);
  }, 60_000);

  it('rejects an empty dataset before starting anything', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    await expect(runTraining({ backend: 'native', baseModel: base, examples: [], output: path.join(dir, 'o.gguf') })).rejects.toThrow(
      /training set is empty.*accept some samples/,
    );
  });

  it('names the example that is longer than the context, and the fix', async () => {
    const dir = tempDir();
    const { file: base, template } = await makeStarter(dir);
    const { examples } = seedExamples(template, 4);
    examples.push({ text: 'x'.repeat(600), spans: [] });
    const err = await runTraining({
      backend: 'native',
      baseModel: base,
      examples,
      validationShare: 0,
      output: path.join(dir, 'models', 'o.gguf'),
      hyper: { contextLength: 256 },
      native: { threads: 1 },
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /train\.jsonl:\d+: the example is 60\d tokens, longer than the context \(256 tokens\).*raise hyper\.contextLength/,
    );
    expect((err as Error).message).toMatch(/exit code 2 \(bad input/);
    expect(fs.readdirSync(path.join(dir, 'models'))).toEqual([]);
  }, 60_000);

  it('refuses a base model that is not F32 and says how to fix it', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'f16.gguf');
    await createStarterModel(base, { embedding: 64, layers: 1, heads: 4, feedForward: 128, dtype: 'f16' });
    const err = await runTraining({
      backend: 'native',
      baseModel: base,
      examples: [{ text: 'hello', spans: [] }],
      output: path.join(dir, 'models', 'o.gguf'),
      native: { threads: 1 },
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/needs F32 weights.*is F16.*python backend.*--outtype f32/);
  }, 60_000);
});
