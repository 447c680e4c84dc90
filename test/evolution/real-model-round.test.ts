import { afterAll, describe, expect, it } from 'vitest';
import { chatTemplateFromMetadata } from '../../src/main/engine/inference/chat-render';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { trainerEnvStatus } from '../../src/main/engine/train/python/env';
import { open, tempDir } from '../jobs/helpers';
import { smolLM2File, SMOLLM2_SKIP } from '../helpers/real-model';
import { POOL, seedPool } from './fixture';

/**
 * One self-evolution round on SmolLM2-135M-Instruct, a real pretrained model, with the python trainer:
 * tiny budgets, but every part real. Runs where the wheel is cached and the trainer's venv exists (.ci/run
 * provides both); skips with a clear line otherwise.
 */
const file = smolLM2File();
const trainer = trainerEnvStatus();
const skip = !file ? SMOLLM2_SKIP : !trainer.ready ? `SKIP: the python trainer's environment is not set up (${trainer.venv})` : null;

afterAll(() => closeSharedSandbox());

describe.skipIf(skip !== null)('a round on SmolLM2-135M-Instruct (python LoRA)', () => {
  it('leaves samples made with the tools in the prompt, a LoRA adapter with lineage, and a round evaluation with its paired test', async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-real-round-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const base = await client.call('models.import', { file: file!, name: 'smollm2', copy: false });
      const template = chatTemplateFromMetadata((await readGguf(file!)).metadata);
      expect(template.toolMode).toBe('injected');
      const job = runner.start('evolution.run', {
        runId: 'real',
        modelId: base.id,
        pool: POOL,
        rounds: 1,
        importsPerRound: 4,
        generatedPerRound: 1,
        k: 2,
        passK: 1,
        maxTokens: 48,
        constrain: 'calls',
        voteMode: 'per-call',
        evalSets: ['mini-unseen'],
        evalRefinement: 'off',
        tolerance: 100, // accept whatever it gets: the test is about the parts, not the gain
        threads: 1,
        backend: 'python',
        train: { epochs: 1, maxSteps: 2, learningRate: 2e-4, contextLength: 512, trainLayers: 'last', threads: 1 },
      });
      const done = await runner.waitFor(job.id);
      const logs = db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(job.id) as { message: string }[];
      expect(done.state, `${done.error ?? ''}\n${logs.map((l) => l.message).join('\n')}`).toBe('done');

      const round = db.prepare(`SELECT id, state, result_model_id FROM rounds WHERE run_id = 'real' AND seq = 1`).get() as {
        id: number;
        state: string;
        result_model_id: number | null;
      };
      // Every sample of the round was rendered with the injected-tools template (its hash records the decision).
      const samples = db.prepare(`SELECT subtask, template_hash FROM samples WHERE round_id = ?`).all(round.id) as {
        subtask: string;
        template_hash: string;
      }[];
      expect(samples.filter((s) => s.subtask === 'invocation').length).toBeGreaterThan(0);
      for (const s of samples.filter((x) => x.subtask === 'invocation')) expect(s.template_hash).toBe(template.hash);

      // The trained LoRA adapter is registered as SmolLM2's child made in this round.
      expect(round.result_model_id).not.toBeNull();
      const trained = await client.call('models.get', { model: round.result_model_id! });
      expect(trained.kind).toBe('adapter');
      expect(trained.parentId).toBe(base.id);
      expect(trained.roundId).toBe(round.id);
      expect(trained.trainer).toBe('python');

      // The round's evaluation comes with the paired test against round 0 on the same items.
      const cmp = await client.call('insight.roundComparison', { id: round.id });
      const vs0 = cmp.comparisons.find((c) => c.set === 'mini-unseen' && c.against === 'round0');
      expect(vs0).toBeDefined();
      expect(vs0!.test.n).toBeGreaterThan(0);
      expect(vs0!.test.pValue).toBeGreaterThan(0);
      expect(vs0!.test.pValue).toBeLessThanOrEqual(1);
      expect(vs0!.test.interval.low).toBeLessThanOrEqual(vs0!.test.interval.high);
      expect(cmp.verdict?.accepted).toBe(true);
    } finally {
      await engine.close();
    }
  }, 900_000);
});
if (skip) describe.skip(skip, () => it('needs the model and the trainer', () => undefined));
