import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { createLocalBackend } from '../../src/main/engine/inference/local-backend';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { refineAdaptive } from '../../src/main/engine/refine/adaptive';
import { createServeRefiner } from '../../src/main/engine/refine/serve-refiner';
import { getTrace } from '../../src/main/engine/refine/traces-repo';
import { normalizeTools, toToolSpec } from '../../src/main/engine/tools/normalize';
import { tempDir } from '../helpers/tmp';

const tools = normalizeTools([
  {
    name: 'add',
    description: 'Add two integers.',
    parameters: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] },
  },
]);

describe('adaptive refinement on a real model', () => {
  it('refines with the model until two answers agree or the cap, and serve-model --refine stores the trace', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'starter.gguf');
    await createStarterModel(file, { embedding: 32, layers: 1, heads: 2, feedForward: 64, contextLength: 512, seed: 9 });
    const backend = await createLocalBackend({ modelPath: file, threads: 1, gpu: false, sequences: 1, skipMemoryCheck: true });
    const engine = openEngine(path.join(dir, 'ws'));
    try {
      const sampling = { temperature: 0, maxTokens: 12 };
      // Greedy decoding of the same refine prompt twice gives the same answer: a first answer equal to what the
      // model says when refining it converges after one refinement; a fixed run always takes the cap.
      const adaptive = await refineAdaptive(backend, 'Add 1.', tools, { sampling, maxRefinements: 3 });
      expect(adaptive.steps.length).toBeGreaterThanOrEqual(2);
      expect(adaptive.steps.length).toBeLessThanOrEqual(4);
      expect(['converged', 'max_refinements']).toContain(adaptive.stopReason);
      expect(adaptive.totalTokens).toBeGreaterThan(0);
      const fixed = await refineAdaptive(backend, 'Add 1.', tools, { sampling, maxRefinements: 3, mode: 'fixed' });
      expect(fixed.steps).toHaveLength(4);
      expect(fixed.stopReason).toBe('max_refinements');
      if (adaptive.stopReason === 'converged') expect(fixed.totalTokens).toBeGreaterThan(adaptive.totalTokens);

      const first = await backend.generate({
        messages: [{ role: 'user', content: 'Add 1.' }],
        tools: tools.map(toToolSpec),
        k: 1,
        sampling,
      });
      const refiner = createServeRefiner(engine.ctx);
      const result = await refiner.refine({
        request: { messages: [{ role: 'user', content: 'Add 1.' }], tools: tools.map(toToolSpec), sampling },
        first,
        backend,
      });
      const row = engine.ctx.db.prepare('SELECT id FROM refinement_traces ORDER BY id DESC LIMIT 1').get() as { id: number };
      const stored = getTrace(engine.ctx.db, row.id)!;
      expect(stored.steps[0]!.output).toBe(first.outputs[0]!.text);
      expect(result.outputs[0]!.text).toBe(stored.finalText);
      expect(stored.iterations).toBe(stored.steps.length - 1);
    } finally {
      await backend.dispose();
      await engine.close();
    }
  }, 60_000);
});
