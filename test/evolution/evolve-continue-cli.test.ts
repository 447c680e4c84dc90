import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { open, tempDir } from '../jobs/helpers';
import { POOL, seedPool, tinyStarter } from './fixture';

afterAll(() => closeSharedSandbox());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' '))),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' '))),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true)),
  ];
  try {
    const code = await main(args);
    return { code: code || Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
    process.exitCode = undefined;
  }
}

describe('toolsmith evolve continue RUN', () => {
  it('refuses with a clear reason when no round waits, and continues the round that does', async () => {
    const { dir, engine, runner, client } = open(tempDir('toolsmith-continue-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const unknown = await cli(['--workspace', dir, 'evolve', 'continue', 'nope']);
      expect(unknown.code).not.toBe(0);
      expect(unknown.err).toContain('There is no evolution run "nope"');

      const job = runner.start('evolution.run', {
        runId: 'curate',
        modelId: starter,
        pool: POOL,
        rounds: 1,
        importsPerRound: 4,
        generatedPerRound: 0,
        k: 3,
        passK: 3,
        maxTokens: 40,
        evalSets: ['mini-unseen', 'mini-in-domain'],
        evalRefinement: 'off',
        curation: 'wait',
        threads: 1,
        backend: 'native',
        train: { epochs: 1, maxSteps: 3, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
      });
      const stageOf = () =>
        db.prepare(`SELECT id, stage FROM rounds WHERE run_id = 'curate' AND seq = 1`).get() as { id: number; stage: string } | undefined;
      for (let i = 0; i < 1200 && stageOf()?.stage !== 'curation'; i++) await new Promise((r) => setTimeout(r, 100));
      const round = stageOf()!;
      expect(round.stage).toBe('curation');

      // The job's log tells the person what to do, not an internal method name.
      const logs = (db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(job.id) as { message: string }[]).map((l) => l.message);
      expect(logs.join('\n')).toContain('toolsmith evolve continue curate');
      const waiting = await client.call('evolution.waiting', { runId: 'curate' });
      expect(waiting.items.map((w) => w.id)).toEqual([round.id]);

      const ok = await cli(['--workspace', dir, 'evolve', 'continue', 'curate']);
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toContain('round 1 continued');
      const done = await runner.waitFor(job.id);
      expect(done.state, done.error ?? '').toBe('done');
      expect((await client.call('evolution.waiting', {})).items).toEqual([]);

      const again = await cli(['--workspace', dir, 'evolve', 'continue', 'curate']);
      expect(again.code).not.toBe(0);
      expect(again.err).toContain('No round of run "curate" waits for curation');
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 180_000);
});
