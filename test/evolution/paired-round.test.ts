import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { open, tempDir } from '../jobs/helpers';
import { POOL, seedPool, tinyStarter } from './fixture';

afterAll(() => closeSharedSandbox());

const WEATHER = {
  name: 'get_weather',
  description: 'Weather for a city.',
  parameters: { type: 'dict', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('a round judged by the paired test', () => {
  it("stores a comparison with counts, p-value and flipped items, rolls back a change that is not significant under 'significant', and refuses a training sample equal to a held-out query", async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-paired-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      // A labelled sample whose query is mini-in-domain's "Weather in Bern?" but for its spacing.
      insertSample(db, {
        subtask: 'invocation',
        status: 'accepted',
        category: 'simple',
        queryText: '  Weather   in Bern? ',
        input: { query: '  Weather   in Bern? ', tools: normalizeTools([WEATHER]) },
        outputText: '[get_weather(city="Bern")]',
        author: 'import',
        dedupeKey: 'leak',
      });
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const job = runner.start('evolution.run', {
        runId: 'paired',
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
        threads: 1,
        backend: 'native',
        acceptRule: 'significant',
        constrainedEvalItems: 0,
        train: { epochs: 1, maxSteps: 2, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
      });
      const done = await runner.waitFor(job.id);
      const logs = (db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(job.id) as { message: string }[]).map((l) => l.message);
      expect(done.state, `${done.error ?? ''}\n${logs.join('\n')}`).toBe('done');
      const [r0, r1] = db.prepare(`SELECT id, seq, state FROM rounds WHERE run_id = 'paired' ORDER BY seq`).all() as {
        id: number;
        seq: number;
        state: string;
      }[];

      // The held-out query never reached the training mix; the refusal is counted and logged.
      const refused = db
        .prepare(`SELECT value FROM round_metrics WHERE round_id = ? AND name = 'heldout_overlap_refused'`)
        .pluck()
        .get(r1!.id);
      expect(refused).toBe(1);
      expect(logs.some((l) => /1 training sample\(s\) refused from the mix/.test(l))).toBe(true);
      const mix = db.prepare(`SELECT output_json FROM job_steps WHERE job_id = ? AND name = 'round-1/mix'`).pluck().get(job.id) as string;
      const mixText = fs.readFileSync((JSON.parse(mix) as { file: string }).file, 'utf8');
      expect(mixText).not.toMatch(/Weather\s+in\s+Bern/);

      // Each accuracy comes with its counts.
      const count = (name: string, category: string) =>
        db.prepare('SELECT value FROM round_metrics WHERE round_id = ? AND name = ? AND category = ?').pluck().get(r1!.id, name, category);
      expect(count('items', 'mini-unseen')).toBe(3);
      expect(count('items', 'mini-unseen/simple')).toBe(1);

      // The comparison, recomputed here from the stored per-item verdicts.
      const verdicts = (roundId: number, set: string) =>
        new Map(
          (
            db
              .prepare(
                `SELECT i.item_key AS key, x.valid FROM eval_results x JOIN eval_runs e ON e.id = x.run_id JOIN eval_sets s ON s.id = e.set_id
                 JOIN eval_items i ON i.id = x.item_id WHERE e.round_id = ? AND s.name = ?`,
              )
              .all(roundId, set) as { key: string; valid: number }[]
          ).map((r) => [r.key, r.valid === 1]),
        );
      const result = await client.call('insight.roundComparison', { id: r1!.id });
      expect(result.acceptRule).toBe('significant');
      expect(result.comparisons.map((c) => `${c.set}/${c.against}/${c.referenceSeq}`).sort()).toEqual([
        'mini-in-domain/previous/0',
        'mini-in-domain/round0/0',
        'mini-unseen/previous/0',
        'mini-unseen/round0/0',
      ]);
      for (const c of result.comparisons) {
        const before = verdicts(r0!.id, c.set);
        const after = verdicts(r1!.id, c.set);
        const fixed = [...after].filter(([k, v]) => v && before.get(k) === false).map(([k]) => k);
        const broken = [...after].filter(([k, v]) => !v && before.get(k) === true).map(([k]) => k);
        expect(c.test.n).toBe(3);
        expect(c.test.correctBefore).toBe([...before.values()].filter(Boolean).length);
        expect(c.test.correctAfter).toBe([...after.values()].filter(Boolean).length);
        expect(c.test.fixedKeys.sort()).toEqual(fixed.sort());
        expect(c.test.brokenKeys.sort()).toEqual(broken.sort());
        // With at most 3 discordant items no change reaches p < 0.05 (the smallest possible p is 0.25).
        expect(c.test.pValue).toBeGreaterThanOrEqual(fixed.length === broken.length ? 1 : 0.25);
        expect(c.test.interval.low).toBeLessThanOrEqual(c.test.difference);
        expect(c.test.interval.high).toBeGreaterThanOrEqual(c.test.difference);
      }

      // 'significant': noise on 3 items is not a gain, so the round is rolled back and says why.
      expect(r1!.state).toBe('rolled_back');
      expect(result.verdict).toMatchObject({ accepted: false, rule: 'significant' });
      expect(result.verdict!.reason).toMatch(/^rolled back: not significantly better at 95 %; .* McNemar p = /);
      const rounds = await client.call('insight.rounds', { runId: 'paired' });
      const e = rounds.rounds[1]!.evalRuns.find((x) => x.set === 'mini-unseen')!;
      expect(e.items).toBe(3);
      expect(e.correct).toBe([...verdicts(r1!.id, 'mini-unseen').values()].filter(Boolean).length);
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 180_000);
});
