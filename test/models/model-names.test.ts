import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { registerModel, runnableFiles } from '../../src/main/engine/models/registry';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { createStarterModel, starterVocab, STARTER_DEFAULTS } from '../../src/main/engine/models/starter';
import { registryRegistrar } from '../../src/main/engine/train/lineage';
import { settingsFromFlags } from '../../src/main/cli/evolution';
import { installDemoData } from '../../src/main/engine/evolution/demo-setup';
import { resolveTrainBase } from '../../src/main/engine/train/base';
import { contract } from '../../src/shared/contract';
import { TrainSpec } from '../../src/shared/contract/train';
import { createClient } from '../../src/shared/client';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

/** The one wording wherever a model is named and is neither a registered name nor an id. */
const NEITHER = /No model "nope" in the registry: give a model's name or id/;

/** A GGUF LoRA adapter on the starter model's output matrix (llama.cpp's format). */
async function writeAdapter(file: string, rank = 4): Promise<void> {
  const e = STARTER_DEFAULTS.embedding;
  const nVocab = starterVocab().tokens.length;
  let s = 777;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 2);
  await writeGguf(file, {
    metadata: { 'general.architecture': 'llama', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': gguf.f32(rank) },
    tensors: [
      { name: 'output.weight.lora_a', dims: [e, rank], type: GgmlType.F32, data: rand(e * rank) },
      { name: 'output.weight.lora_b', dims: [rank, nVocab], type: GgmlType.F32, data: rand(rank * nVocab) },
    ],
  });
}

async function baseAndAdapter() {
  const dir = tempDir();
  const base = path.join(dir, 'base.gguf');
  const adapter = path.join(dir, 'adapter.gguf');
  await createStarterModel(base, { seed: 3 });
  await writeAdapter(adapter);
  return { base, adapter };
}

describe('models by name everywhere', () => {
  it('evolve -m takes a name: the contract accepts it, the engine stores the id it resolves to', async () => {
    const settings = settingsFromFlags({ model: 'smollm2-135m' } as Parameters<typeof settingsFromFlags>[0], 'smollm2-135m');
    expect(contract['evolution.start'].input.safeParse(settings).success).toBe(true);
    const engine = openEngine(tempDir());
    const client = createClient(engine);
    try {
      await expect(client.call('evolution.start', { modelId: 'nope' })).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringMatching(new RegExp(`^settings\\.modelId: ${NEITHER.source}`)),
      });
      await installDemoData(engine.ctx.db);
      const starter = await client.call('models.createStarter', { name: 'my-start' });
      const { jobId } = await client.call('evolution.start', { modelId: 'my-start', rounds: 1 });
      await client.call('jobs.cancel', { id: jobId });
      const job = await client.call('jobs.get', { id: jobId });
      expect((job as unknown as { settings: { modelId: unknown } }).settings.modelId).toBe(starter.id);
    } finally {
      await engine.close();
    }
  });

  it('every CLI flag that takes a model answers a name that is neither with the same error', async () => {
    // One workspace each: four processes creating one workspace at once would race on its migrations.
    const runs = await Promise.all([
      runCli(['-w', tempDir(), 'evolve', '-m', 'nope']),
      runCli(['-w', tempDir(), 'serve-model', 'nope']),
      runCli(['-w', tempDir(), 'export', '--model', 'nope', '--out', path.join(tempDir(), 'out')]),
      runCli(['-w', tempDir(), 'model', 'show', 'nope']),
    ]);
    for (const run of runs) {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(NEITHER);
      expect(run.stderr).not.toMatch(/expected number/);
    }
    const engine = openEngine(tempDir());
    try {
      const { db, modelsDir } = engine.ctx.workspace;
      await expect(resolveTrainBase(db, modelsDir, 'nope')).rejects.toThrow(new RegExp(`^base nope: no such file, and ${NEITHER.source}`));
    } finally {
      await engine.close();
    }
  }, 120_000);

  it("an adapter's name loads its base with it; an adapter without a registered base says so", async () => {
    const { base, adapter } = await baseAndAdapter();
    const engine = openEngine(tempDir());
    const client = createClient(engine);
    try {
      const b = await client.call('models.import', { file: base, name: 'base' });
      const orphan = await client.call('models.import', { file: adapter, name: 'orphan' });
      await expect(client.call('models.load', { model: orphan.name })).rejects.toThrow(
        /"orphan" is a LoRA adapter whose base model is not registered/,
      );
      const { db, modelsDir } = engine.ctx.workspace;
      const a = await registerModel(db, modelsDir, orphan.path, { name: 'tuned', parentId: b.id, kind: 'adapter' });
      expect(runnableFiles(db, modelsDir, 'tuned')).toMatchObject({ file: b.path, adapterFile: a.path, base: { id: b.id } });

      const request = {
        messages: [{ role: 'user' as const, content: 'Say something' }],
        sampling: { temperature: 0, maxTokens: 8 },
        constrain: 'none' as const,
      };
      const load = { threads: 1, contextSize: 256, gpu: false as const };
      const status = await client.call('models.load', { model: 'tuned', ...load });
      expect(status.loaded).toMatchObject({ modelId: a.id, name: 'tuned', adapterFile: a.path });
      const byName = (await client.call('models.generate', request)).outputs[0]!.text;
      // The same as loading the base with the adapter named explicitly.
      await client.call('models.load', { model: b.id, adapter: a.id, ...load });
      expect((await client.call('models.generate', request)).outputs[0]!.text).toBe(byName);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('an adapter trained from a file path records that base as its parent (registered where it is)', async () => {
    const { base, adapter } = await baseAndAdapter();
    const engine = openEngine(tempDir());
    try {
      const { db, modelsDir } = engine.ctx.workspace;
      const out = path.join(modelsDir, 'trained-adapter.gguf');
      fs.mkdirSync(modelsDir, { recursive: true });
      fs.copyFileSync(adapter, out);
      const spec = TrainSpec.parse({ backend: 'python', baseModel: base, examples: [{ text: 'x' }], output: out });
      const register = registryRegistrar(db, modelsDir);
      const id = await register(spec, { kind: 'adapter', file: out, metrics: { steps: 1, tokens: 1, seconds: 1, details: {} }, info: {} });
      const files = runnableFiles(db, modelsDir, id);
      expect(files.base.path).toBe(path.resolve(base));
      expect(files).toMatchObject({ file: path.resolve(base), adapterFile: out });
      expect(files.model.parentId).toBe(files.base.id);
      // A second run from the same file finds that base again instead of registering it twice.
      const out2 = path.join(modelsDir, 'trained-adapter-2.gguf');
      fs.copyFileSync(adapter, out2);
      const id2 = await register(spec, {
        kind: 'adapter',
        file: out2,
        metrics: { steps: 1, tokens: 1, seconds: 1, details: {} },
        info: {},
      });
      expect(runnableFiles(db, modelsDir, id2).base.id).toBe(files.base.id);
      // train.run's base (train --base) takes that base by name too.
      await expect(resolveTrainBase(db, modelsDir, files.base.name)).resolves.toEqual({
        file: path.resolve(base),
        modelId: files.base.id,
      });
      await expect(resolveTrainBase(db, modelsDir, String(id))).rejects.toThrow(/carries a LoRA adapter; train on its base/);
    } finally {
      await engine.close();
    }
  });
});
