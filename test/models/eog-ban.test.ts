import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banTokens, createLocalBackend, eogTokens, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { smolLM2File, SMOLLM2_SKIP } from '../helpers/real-model';

/**
 * Banning end-of-generation tokens on the k-from-one-prompt path. SmolLM2-135M-Instruct has three of them
 * (`<|endoftext|>`, `<|im_end|>`, `<reponame>`) and ends a short answer with `<|im_end|>` within a few dozen
 * tokens, so without the ban its samples stop early; with it, every one of the k samples runs to maxTokens.
 * (node-llama-cpp's `TokenBias.set` ignores end-of-generation tokens, which once left the ban empty.)
 */
const file = smolLM2File();

describe.runIf(file)('SmolLM2-135M-Instruct: banned end-of-generation tokens', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = await createLocalBackend({ modelPath: file!, threads: 1, contextSize: 512, sequences: 8, gpu: false });
  }, 120_000);
  afterAll(() => backend?.dispose());

  const request = {
    messages: [{ role: 'user' as const, content: 'Say hi.' }],
    tools: [],
    k: 8,
    sampling: { temperature: 0.8, topK: 40, topP: 0.95, seed: 3, maxTokens: 48 },
  };

  it('the ban holds every end-of-generation token of the vocabulary', () => {
    const eog = eogTokens(backend.model);
    expect(eog.map((t) => backend.model.detokenize([t], true))).toEqual(expect.arrayContaining(['<|endoftext|>', '<|im_end|>']));
    const biases = (banTokens(backend.model, eog) as unknown as { _biases: Map<number, number> })._biases;
    expect([...biases.keys()].sort()).toEqual([...eog].sort());
    for (const t of eog) expect(biases.get(t)).toBe(-Infinity);
  });

  it('unbanned, samples of a short answer stop on <|im_end|>; banned, all 8 run to maxTokens', { timeout: 240_000 }, async () => {
    const free = await backend.generate(request);
    // The control: the model does end its answers here, so the ban below is what keeps them going.
    expect(free.outputs.filter((o) => o.finishReason === 'stop').length).toBeGreaterThan(0);

    const banned = await backend.generate({ ...request, banEog: true });
    expect(banned.outputs).toHaveLength(8);
    for (const o of banned.outputs) {
      expect(o.finishReason).toBe('length');
      expect(o.tokens).toBe(48);
    }
  });
});
if (!file) describe.skip(SMOLLM2_SKIP, () => it('needs the model', () => undefined));
