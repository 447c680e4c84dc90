import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createLocalBackend } from '../../src/main/engine/inference/local-backend';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { createStarterModel, starterVocab, STARTER_DEFAULTS } from '../../src/main/engine/models/starter';
import { tempDir } from '../helpers/tmp';

/** A GGUF LoRA adapter (llama.cpp's format) on the starter model's output matrix, with strong random weights. */
async function writeAdapter(file: string, rank = 4): Promise<void> {
  const e = STARTER_DEFAULTS.embedding;
  const nVocab = starterVocab().tokens.length;
  let s = 12345;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 2);
  await writeGguf(file, {
    metadata: { 'general.architecture': 'llama', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': gguf.f32(rank) },
    tensors: [
      { name: 'output.weight.lora_a', dims: [e, rank], type: GgmlType.F32, data: rand(e * rank) },
      { name: 'output.weight.lora_b', dims: [rank, nVocab], type: GgmlType.F32, data: rand(rank * nVocab) },
    ],
  });
}

describe('LoRA adapters on top of a base model', () => {
  let engine: Engine | undefined;
  afterAll(() => engine?.close());

  // Temporary folders last one test: each test writes its own files.
  async function files() {
    const dir = tempDir();
    const base = path.join(dir, 'base.gguf');
    const adapter = path.join(dir, 'adapter.gguf');
    await createStarterModel(base, { seed: 2 });
    await writeAdapter(adapter);
    return { base, adapter };
  }

  const request = {
    messages: [{ role: 'user' as const, content: 'Say something' }],
    tools: [],
    sampling: { temperature: 0, maxTokens: 12 },
    banEog: true,
  };

  it('changes what the model generates; at scale 0 it is the base model', async () => {
    const { base, adapter } = await files();
    const plain = await createLocalBackend({ modelPath: base, threads: 1, contextSize: 256, sequences: 1, gpu: false });
    const baseText = (await plain.generate(request)).outputs[0]!.text;
    await plain.dispose();
    const off = await createLocalBackend({
      modelPath: base,
      loraPath: adapter,
      loraScale: 0,
      threads: 1,
      contextSize: 256,
      sequences: 1,
      gpu: false,
    });
    expect((await off.generate(request)).outputs[0]!.text).toBe(baseText);
    await off.dispose();
    const on = await createLocalBackend({
      modelPath: base,
      loraPath: adapter,
      loraScale: 1,
      threads: 1,
      contextSize: 256,
      sequences: 1,
      gpu: false,
    });
    expect((await on.generate(request)).outputs[0]!.text).not.toBe(baseText);
    await on.dispose();
  });

  it('is registered as an adapter and loaded through the engine on its base', async () => {
    const { base, adapter } = await files();
    engine = openEngine(tempDir());
    const client = createClient(engine);
    const m = await client.call('models.import', { file: base, name: 'base' });
    const a = await client.call('models.import', { file: adapter, name: 'my-adapter' });
    expect(a.kind).toBe('adapter');
    await expect(client.call('models.load', { model: 'my-adapter' })).rejects.toThrow(
      /is a LoRA adapter whose base model is not registered/,
    );
    const status = await client.call('models.load', {
      model: m.id,
      adapter: 'my-adapter',
      loraScale: 0.5,
      threads: 1,
      contextSize: 256,
      gpu: false,
    });
    expect(status.loaded).toMatchObject({ modelId: m.id, name: 'base', adapterFile: a.path, loraScale: 0.5 });
    expect(status.device?.gpu).toBe(false);
    const out = await client.call('models.generate', {
      messages: request.messages,
      sampling: { temperature: 0, maxTokens: 8 },
      constrain: 'none',
    });
    expect(out.outputs).toHaveLength(1);
    expect(out.templateHash).toBe(m.metadata.templateHash);
    expect((await client.call('models.unload')).loaded).toBeNull();
  });
});
