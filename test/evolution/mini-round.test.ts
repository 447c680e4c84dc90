import { afterAll, describe, expect, it } from 'vitest';
import { modelRuntime } from '../../src/main/engine/models/runtime-service';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import type { EvolveSettingsInput } from '../../src/main/engine/evolution/settings';
import { open, tempDir } from '../jobs/helpers';
import { miniRunSettings, seedPool, tinyStarter } from './fixture';

afterAll(() => closeSharedSandbox());

const settings = (modelId: number, extra: Partial<EvolveSettingsInput> = {}): EvolveSettingsInput =>
  // The call-grammar pass has its own test (both-modes.test.ts).
  miniRunSettings(modelId, { evalRefinement: 'adaptive', maxRefinements: 1, constrainedEvalItems: 0, ...extra });

describe('a self-evolution round on the starter model', () => {
  it('completes as a scheduler job and leaves samples with provenance, a selection record, a trained model with lineage, evaluation results and traces', async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-evo-'));
    const db = engine.ctx.db;
    try {
      seedPool(db);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      // A minimum training set of 12: a round of the tiny starter selects fewer on its own.
      const job = runner.start('evolution.run', settings(starter, { minSelected: 12 }));
      const done = await runner.waitFor(job.id);
      const logs = db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(job.id) as { message: string }[];
      expect(done.state, `${done.error ?? ''}\n${logs.map((l) => l.message).join('\n')}`).toBe('done');

      const rounds = db
        .prepare(
          `SELECT id, seq, state, base_model_id, result_model_id, settings_json, template_hash FROM rounds WHERE run_id = 'mini' ORDER BY seq`,
        )
        .all() as {
        id: number;
        seq: number;
        state: string;
        base_model_id: number;
        result_model_id: number | null;
        settings_json: string;
        template_hash: string;
      }[];
      expect(rounds.map((r) => r.seq)).toEqual([0, 1]);
      const r1 = rounds[1]!;
      expect(JSON.parse(r1.settings_json)).toMatchObject({
        k: 3,
        temperature: 0.7,
        voteThreshold: 0.5,
        replayShare: 0.1,
        unreachableCap: 0.3,
        minSelected: 12,
        tolerance: 0.5,
      });
      expect(r1.template_hash).toMatch(/^[0-9a-f]{16}$/);

      // Generated invocation samples carry full provenance and a verdict per verifier with its reason.
      const samples = db
        .prepare(`SELECT id, subtask, status, model_id, template_hash, sampling_json, vote_share FROM samples WHERE round_id = ?`)
        .all(r1.id) as {
        id: number;
        subtask: string;
        status: string;
        model_id: number;
        template_hash: string;
        sampling_json: string;
        vote_share: number | null;
      }[];
      const inv = samples.filter((s) => s.subtask === 'invocation');
      expect(inv.length).toBeGreaterThan(0);
      expect(samples.some((s) => s.subtask === 'tool_generation')).toBe(true);
      for (const s of inv) {
        expect(s.model_id).toBe(starter);
        expect(s.template_hash).toBe(r1.template_hash);
        expect(JSON.parse(s.sampling_json)).toMatchObject({ temperature: 0.7, k: 3 });
        expect(s.vote_share).not.toBeNull();
        const verdicts = db.prepare('SELECT verifier, reason FROM verdicts WHERE sample_id = ?').all(s.id) as {
          verifier: string;
          reason: string;
        }[];
        expect(verdicts.map((v) => v.verifier)).toContain('consistency');
        expect(verdicts.every((v) => v.reason.length > 0)).toBe(true);
      }
      // k samples per prompt were kept.
      const gens = db.prepare(`SELECT outputs_json FROM round_generations WHERE round_id = ? AND purpose = 'tool_using'`).all(r1.id) as {
        outputs_json: string;
      }[];
      expect(gens.length).toBeGreaterThanOrEqual(12);
      expect(gens.every((g) => (JSON.parse(g.outputs_json) as string[]).length === 3)).toBe(true);

      // Selection record: pass@k, bucket, difficulty and reason per candidate.
      const passk = db
        .prepare('SELECT k, matches, p, bucket, selected, difficulty, reason FROM sample_passk WHERE round_id = ?')
        .all(r1.id) as {
        k: number;
        p: number;
        bucket: string;
        selected: number;
        difficulty: number;
        reason: string;
      }[];
      expect(passk.length).toBeGreaterThanOrEqual(12);
      expect(passk.every((p) => p.k === 3 && p.reason.length > 0 && p.difficulty !== null)).toBe(true);
      expect(passk.some((p) => p.selected === 1)).toBe(true);
      // The minimum training set is kept, and every sample it added says so (counted as the round's topped_up).
      expect(passk.filter((p) => p.selected === 1).length).toBeGreaterThanOrEqual(Math.min(12, passk.length));
      const toppedUp = db.prepare(`SELECT value FROM round_metrics WHERE round_id = ? AND name = 'topped_up'`).get(r1.id) as {
        value: number;
      };
      expect(toppedUp.value).toBeGreaterThan(0);
      expect(toppedUp.value).toBe(passk.filter((p) => p.selected === 1 && /topped up to the minimum/.test(p.reason)).length);

      // A trained model in the registry, child of the starter, made in this round.
      const trained = db.prepare('SELECT id, parent_id, round_id, trainer, kind FROM models WHERE round_id = ?').get(r1.id) as {
        id: number;
        parent_id: number;
        trainer: string;
        kind: string;
      };
      expect(trained).toMatchObject({ parent_id: starter, trainer: 'native', kind: 'finetune' });
      expect(r1.result_model_id).toBe(trained.id);
      expect(['accepted', 'rolled_back']).toContain(r1.state);
      // Every step opened its model through openBackend: the engine's one runtime holds the last one evaluated.
      expect(modelRuntime(engine.ctx).current?.model.id).toBe(trained.id);

      // Evaluation results for both sets, for the base (round 0) and the trained model, with traces.
      const runs = db.prepare('SELECT id, model_id, round_id FROM eval_runs ORDER BY id').all() as {
        id: number;
        model_id: number;
        round_id: number;
      }[];
      expect(runs.map((r) => r.model_id)).toEqual([starter, starter, trained.id, trained.id]);
      const results = db.prepare('SELECT COUNT(*) AS n, COUNT(trace_id) AS traced FROM eval_results').get() as {
        n: number;
        traced: number;
      };
      expect(results).toEqual({ n: 12, traced: 12 });
      const steps = db.prepare('SELECT COUNT(*) AS n FROM trace_steps').get() as { n: number };
      expect(steps.n).toBeGreaterThanOrEqual(12);
      const metrics = db.prepare(`SELECT name, category FROM round_metrics WHERE round_id = ?`).all(r1.id) as {
        name: string;
        category: string;
      }[];
      const names = new Set(metrics.map((m) => `${m.name}:${m.category}`));
      for (const m of [
        'accuracy:mini-unseen',
        'accuracy:mini-unseen/simple',
        'samples_generated:',
        'samples_verified:',
        'samples_selected:',
        'train_loss_final:',
        'wall_seconds:',
        'main_metric:',
      ])
        expect(names).toContain(m);

      // The same facts through the contract.
      const { items } = await client.call('evolution.rounds', { runId: 'mini' });
      expect(items.map((r) => [r.seq, r.state])).toEqual(rounds.map((r) => [r.seq, r.state]));
      const detail = await client.call('evolution.round', { id: r1.id });
      expect(detail.selection).toHaveLength(passk.length);
      expect(detail.evalRuns.map((e) => e.set).sort()).toEqual(['mini-in-domain', 'mini-unseen']);
      expect(detail.traces.count).toBe(6);
      expect((await client.call('evolution.runs', {})).items[0]).toMatchObject({ runId: 'mini', rounds: 2 });
      await expect(client.call('evolution.start', { modelId: 999 })).rejects.toThrow(/settings\.modelId: No model "999" in the registry/);
      await expect(
        client.call('evolution.start', { modelId: detail.round.baseModelId!, evalSets: ['mini-unseen', 'nope'] }),
      ).rejects.toThrow(/settings\.evalSets\[1\]: there is no evaluation set named "nope"/);
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 120_000);

  it('rolls back a round whose evaluation regresses and keeps the previous model', async () => {
    const { engine, runner } = open(tempDir('toolsmith-evo-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const job = runner.start(
        'evolution.run',
        settings(starter, {
          runId: 'regress',
          rounds: 2,
          earlyStop: false,
          importsPerRound: 4,
          generatedPerRound: 0,
          evalRefinement: 'off',
          simulateRegression: 100,
        }),
      );
      const done = await runner.waitFor(job.id);
      expect(done.state, done.error ?? '').toBe('done');
      const rounds = db
        .prepare(`SELECT seq, state, base_model_id, result_model_id FROM rounds WHERE run_id = 'regress' ORDER BY seq`)
        .all() as { seq: number; state: string; base_model_id: number; result_model_id: number }[];
      expect(rounds.map((r) => r.state)).toEqual(['accepted', 'rolled_back', 'rolled_back']);
      // Each round trained a new model, but the next round started from the starter again.
      expect(rounds[1]!.result_model_id).not.toBe(starter);
      expect(rounds[2]!.base_model_id).toBe(starter);
      const decide = db.prepare(`SELECT output_json FROM job_steps WHERE job_id = ? AND name = 'round-1/decide'`).get(job.id) as {
        output_json: string;
      };
      expect(JSON.parse(decide.output_json)).toMatchObject({ accepted: false, reason: expect.stringContaining('rolled back') });
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 120_000);

  it('waits at the curation point until the person continues the round, and uses their rejections', async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-evo-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const job = runner.start(
        'evolution.run',
        settings(starter, { runId: 'curate', curation: 'wait', importsPerRound: 4, generatedPerRound: 0, evalRefinement: 'off' }),
      );
      // The step reports each check of the round while it waits; two distinct reports mean it looked again
      // after it started waiting and still waits (an event, not a sleep).
      const waits = new Set<string>();
      await new Promise<void>((resolve) => {
        const off = client.on('jobs.progress', (p) => {
          if (p.jobId !== job.id || !p.message?.startsWith('waiting for curation')) return;
          waits.add(p.message);
          if (waits.size >= 2) {
            off();
            resolve();
          }
        });
      });
      const round = db.prepare(`SELECT id, stage FROM rounds WHERE run_id = 'curate' AND seq = 1`).get() as { id: number; stage: string };
      expect(round.stage).toBe('curation');
      expect(runner.isExecuting(job.id)).toBe(true);
      expect(db.prepare('SELECT COUNT(*) AS n FROM sample_passk WHERE round_id = ?').get(round.id)).toEqual({ n: 0 });
      // The person rejects one labelled sample the round used; selection must leave it out.
      const used = db
        .prepare(
          `SELECT source_sample_id AS id FROM round_generations WHERE round_id = ? AND source_sample_id IS NOT NULL ORDER BY id LIMIT 1`,
        )
        .get(round.id) as { id: number };
      db.prepare(`UPDATE samples SET status = 'rejected' WHERE id = ?`).run(used.id);
      await client.call('evolution.continue', { runId: 'curate' });
      const done = await runner.waitFor(job.id);
      expect(done.state, done.error ?? '').toBe('done');
      const records = db.prepare('SELECT sample_id FROM sample_passk WHERE round_id = ?').all(round.id) as { sample_id: number }[];
      expect(records.length).toBeGreaterThan(0);
      expect(records.map((r) => r.sample_id)).not.toContain(used.id);
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 120_000);
});
