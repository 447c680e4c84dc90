import { afterAll, describe, expect, it } from 'vitest';
import { roundsTable } from '../../src/main/cli/evolution';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { open, tempDir } from '../jobs/helpers';
import { POOL, seedPool, tinyStarter } from './fixture';

afterAll(() => closeSharedSandbox());

describe('each round measured both ways', () => {
  it('stores a free-text and a call-grammar evaluation run per set, returns both, and prints both in the round table', async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-modes-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const job = runner.start('evolution.run', {
        runId: 'modes',
        modelId: starter,
        pool: POOL,
        rounds: 1,
        importsPerRound: 9,
        generatedPerRound: 0,
        k: 2,
        passK: 2,
        maxTokens: 40,
        evalSets: ['mini-unseen', 'mini-in-domain'],
        evalRefinement: 'off',
        constrainedEvalItems: 2,
        threads: 1,
        backend: 'native',
        train: { epochs: 1, maxSteps: 2, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
      });
      const done = await runner.waitFor(job.id);
      const logs = (db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(job.id) as { message: string }[]).map((l) => l.message);
      expect(done.state, `${done.error ?? ''}\n${logs.join('\n')}`).toBe('done');

      const { rounds } = await client.call('insight.rounds', { runId: 'modes' });
      expect(rounds.map((r) => r.seq)).toEqual([0, 1]);
      for (const r of rounds) {
        const runs = r.evalRuns.map((e) => `${e.set}:${e.mode}:${e.items}`).sort();
        // All 3 items free text; the grammar pass bounded by constrainedEvalItems (2, evenly spread).
        expect(runs).toEqual([
          'mini-in-domain:constrained:2',
          'mini-in-domain:unconstrained:3',
          'mini-unseen:constrained:2',
          'mini-unseen:unconstrained:3',
        ]);
        for (const e of r.evalRuns.filter((x) => x.mode === 'constrained')) {
          const m = (name: string) => r.metrics.find((x) => x.name === name && x.category === e.set)?.value;
          expect([m('correct_constrained'), m('items_constrained')]).toEqual([e.correct, e.items]);
          expect(m('accuracy_constrained')).toBeCloseTo((100 * e.correct) / e.items);
        }
        // The stored settings say which decoding each run used.
        const settings = db
          .prepare('SELECT settings_json FROM eval_runs WHERE round_id = ? ORDER BY id')
          .pluck()
          .all(r.id)
          .map((s) => JSON.parse(s as string) as { evalMode: string; constrain: string });
        expect(settings.map((s) => `${s.evalMode}/${s.constrain}`)).toEqual([
          'unconstrained/none',
          'unconstrained/none',
          'constrained/auto',
          'constrained/auto',
        ]);
      }
      const detail = await client.call('evolution.round', { id: rounds[1]!.id });
      expect(detail.evalRuns.filter((e) => e.mode === 'constrained').map((e) => e.set)).toEqual(['mini-unseen', 'mini-in-domain']);

      // The paired comparison stays on the round's own (free-text) runs: 3 items each.
      const cmp = await client.call('insight.roundComparison', { id: rounds[1]!.id });
      expect(cmp.comparisons.length).toBeGreaterThan(0);
      for (const c of cmp.comparisons) expect(c.test.n).toBe(3);

      // evolution.rounds returns the grammar pass's metrics too; the CLI's evolve / demo table prints them.
      const { items } = await client.call('evolution.rounds', { runId: 'modes' });
      expect(items.every((r) => r.metrics.some((m) => m.name === 'accuracy_constrained' && m.category === 'mini-unseen'))).toBe(true);
      const table = roundsTable(items, ['mini-unseen', 'mini-in-domain']);
      expect(table).toContain('mini-unseen %');
      expect(table).toContain('mini-unseen grammar %');
      expect(table).toContain('mini-in-domain grammar %');
      expect(Math.max(...table.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
      for (const r of rounds) {
        const c = r.evalRuns.find((e) => e.set === 'mini-unseen' && e.mode === 'constrained')!;
        expect(table).toContain(`(${c.correct}/2)`);
      }
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 180_000);
});
