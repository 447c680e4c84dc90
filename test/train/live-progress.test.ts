import { afterAll, describe, expect, it } from 'vitest';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { trainProgressEmitter } from '../../src/main/engine/train/progress-events';
import type { TrainProgress, TrainProgressEvent } from '../../src/shared/contract/train';
import { POOL, seedPool, tinyStarter } from '../evolution/fixture';
import { open, sleep, tempDir } from '../jobs/helpers';

afterAll(() => closeSharedSandbox());

const point = (step: number): TrainProgress => ({ step, totalSteps: 100, epoch: 0, loss: 5 - step / 100 });
/** Every point an event carries, oldest first (the held-back ones, then the newest). */
const pointsOf = (events: TrainProgressEvent[]) => events.flatMap((e) => [...(e.earlier ?? []), e.progress]);

describe('train.progress throttling', () => {
  it('sends the first point at once, holds back a burst, and sends every held point with the next event or the flush', () => {
    const events: TrainProgressEvent[] = [];
    const live = trainProgressEmitter((e) => events.push(e), { runId: 'r', jobId: 7 }, 1000);
    for (let s = 1; s <= 50; s++) live.report(point(s));
    expect(events.map((e) => e.progress.step)).toEqual([1]);
    live.flush();
    expect(events).toHaveLength(2);
    expect(events[1]!.progress.step).toBe(50);
    expect(events[1]!.earlier).toHaveLength(48);
    expect(pointsOf(events).map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(events.every((e) => e.runId === 'r' && e.jobId === 7)).toBe(true);
    live.flush(); // nothing held: nothing sent
    expect(events).toHaveLength(2);
  });

  it('sends a held point by itself once the interval has passed, without a flush', async () => {
    const events: TrainProgressEvent[] = [];
    const live = trainProgressEmitter((e) => events.push(e), { runId: 'r' }, 50);
    live.report(point(1));
    live.report(point(2));
    expect(events).toHaveLength(1);
    await sleep(120);
    expect(events.map((e) => e.progress.step)).toEqual([1, 2]);
    expect(events[1]!.earlier).toBeUndefined();
  });
});

describe('live training progress through the engine', () => {
  it('an evolution job emits train.progress while it trains, and train.curves returns the same points', async () => {
    const { engine, runner, client } = open(tempDir('toolsmith-live-train-'));
    const db = engine.ctx.db;
    try {
      seedPool(db);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const events: { at: number; event: TrainProgressEvent }[] = [];
      const off = client.on('train.progress', (event) => events.push({ at: Date.now(), event }));
      const job = runner.start('evolution.run', {
        runId: 'live',
        modelId: starter,
        pool: POOL,
        rounds: 1,
        importsPerRound: 12,
        generatedPerRound: 2,
        k: 2,
        passK: 2,
        maxTokens: 40,
        evalSets: ['mini-unseen'],
        evalLimit: 2,
        evalRefinement: 'off',
        threads: 1,
        backend: 'native',
        train: { epochs: 100, maxSteps: 24, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
      });
      const done = await runner.waitFor(job.id);
      off();
      expect(done.state, done.error ?? '').toBe('done');

      console.log(
        `train.progress: ${events.length} events carrying ${pointsOf(events.map((e) => e.event)).length} points over ${events.length ? events[events.length - 1]!.at - events[0]!.at : 0} ms`,
      );
      // Events name the job, the round and the run (the key the stored curve uses).
      expect(events.length).toBeGreaterThan(0);
      const round = db.prepare(`SELECT id FROM rounds WHERE run_id = 'live' AND seq = 1`).pluck().get() as number;
      for (const { event } of events) expect(event).toMatchObject({ runId: 'live-r1', jobId: job.id, roundId: round });
      // Steps never go back, every point has a finite loss, and the last step is the last one trained.
      const sent = pointsOf(events.map((e) => e.event));
      const steps = sent.map((p) => p.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(new Set(steps).size).toBeGreaterThan(1);
      expect(sent.every((p) => Number.isFinite(p.loss))).toBe(true);
      const trainedSteps = db.prepare(`SELECT value FROM round_metrics WHERE round_id = ? AND name = 'train_steps'`).pluck().get(round);
      expect(steps[steps.length - 1]).toBe(trainedSteps);
      // Throttled: apart from the final flush, events are at least ~100 ms apart.
      for (let i = 1; i < events.length - 1; i++) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(90);

      // The stored curve (what a view opened mid-run loads first) is exactly what was sent.
      const { runs } = await client.call('train.curves', { jobId: job.id });
      expect(runs.map((r) => ({ runId: r.runId, jobId: r.jobId, roundId: r.roundId }))).toEqual([
        { runId: 'live-r1', jobId: job.id, roundId: round },
      ]);
      expect(runs[0]!.points).toEqual(sent);
      expect((await client.call('train.curves', { runId: 'live-r1' })).runs[0]!.points).toEqual(sent);
      expect((await client.call('train.curves', { jobId: job.id + 1 })).runs).toEqual([]);
      await expect(client.call('train.curves', {})).rejects.toThrow(/jobId or a runId/);
    } finally {
      await runner.dispose();
      await engine.close();
    }
  });
});
