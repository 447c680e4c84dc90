import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { jobRunner, type JobRunner } from '../../src/main/engine/jobs/runner';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { miniRunSettings, seedPool, tinyStarter } from '../evolution/fixture';
import { runCli } from '../helpers/cli';
import { tempDir } from '../jobs/helpers';

/**
 * A real two-round run (starter model, tiny budgets), then what the curation and evaluation screens read
 * from it, each compared with the stored rows or the mix files the trainer read: a round's selection and
 * candidates as sample lists, a run's samples, the leaderboard listing the rounds' own evaluation runs, the
 * doc-adaption and refinement datasets sized by what the rounds trained on, and an export of nothing.
 */
let dir: string;
let engine: Engine;
let runner: JobRunner;
let client: ToolsmithClient;

beforeAll(async () => {
  dir = tempDir('toolsmith-round-lists-');
  engine = openEngine(dir);
  runner = jobRunner(engine.ctx);
  client = createClient(engine);
  seedPool(engine.ctx.db);
  const starter = await tinyStarter(engine.ctx.db, engine.ctx.workspace.modelsDir);
  const job = runner.start(
    'evolution.run',
    miniRunSettings(starter, { runId: 'lists', rounds: 2, earlyStop: false, evalRefinement: 'off' }),
  );
  const done = await runner.waitFor(job.id);
  expect(done.state, done.error ?? '').toBe('done');
}, 300_000);

afterAll(async () => {
  await runner?.dispose();
  await closeSharedSandbox();
  await engine?.close();
});

const ids = (rows: { sample_id: number }[]) => rows.map((r) => r.sample_id).sort((a, b) => a - b);

describe("a round's lists and a run's samples", () => {
  it("lists exactly the samples each round scored and selected, and the run's own samples", async () => {
    const db = engine.ctx.db;
    const { items: rounds } = await client.call('evolution.rounds', { runId: 'lists' });
    const trained = rounds.filter((r) => r.seq > 0);
    expect(trained.length).toBe(2);
    for (const round of trained) {
      const selected = ids(db.prepare('SELECT sample_id FROM sample_passk WHERE round_id = ? AND selected = 1').all(round.id) as never);
      const candidates = ids(db.prepare('SELECT sample_id FROM sample_passk WHERE round_id = ?').all(round.id) as never);
      expect(selected.length).toBeGreaterThan(0);
      expect(selected.length).toBe(round.counts.selected);
      expect(candidates.length).toBe(round.counts.candidates);

      const count = await client.call('samples.count', { filter: { roundSet: { round: round.id, only: 'selected' } } });
      expect(count.total).toBe(selected.length);
      const page = await client.call('samples.page', { filter: { roundSet: { round: round.id, only: 'selected' } }, limit: 500 });
      expect(page.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(selected);
      const all = await client.call('samples.page', { filter: { roundSet: { round: round.id, only: 'candidates' } }, limit: 500 });
      expect(all.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(candidates);
      // Narrowed further, as the Samples view does with its other filters.
      const accepted = await client.call('samples.count', {
        filter: { roundSet: { round: round.id, only: 'selected' }, status: ['accepted'] },
      });
      expect(accepted.total).toBe(page.rows.filter((r) => r.status === 'accepted').length);
    }

    const ofRun = (
      db.prepare("SELECT COUNT(*) AS n FROM samples WHERE round_id IN (SELECT id FROM rounds WHERE run_id = 'lists')").get() as {
        n: number;
      }
    ).n;
    expect(ofRun).toBeGreaterThan(0);
    expect((await client.call('samples.count', { filter: { run: 'lists' } })).total).toBe(ofRun);
    // Counted from sample_counts or from the samples, a run filter agrees (a search forces the latter).
    const page = await client.call('samples.page', { filter: { run: 'lists' }, limit: 500 });
    expect(page.rows.length).toBe(ofRun);
    expect((await client.call('samples.count', { filter: { run: 'no-such-run' } })).total).toBe(0);
  });
});

describe('the evaluation leaderboard', () => {
  it("lists every round's own evaluation runs with the counts eval.runs holds", async () => {
    const { entries } = await client.call('eval.leaderboard', {});
    const { items: runs } = await client.call('eval.runs', {});
    expect(entries.map((e) => e.runId).sort()).toEqual(runs.map((r) => r.id).sort());
    const fromRounds = entries.filter((e) => e.source === 'round' && e.mode === 'free');
    // Rounds 0 (the base model), 1 and 2, each on both sets.
    expect(fromRounds.map((e) => `${e.round!.run}:${e.round!.seq}:${e.set}`).sort()).toEqual(
      ['0', '1', '2'].flatMap((seq) => [`lists:${seq}:mini-in-domain`, `lists:${seq}:mini-unseen`]).sort(),
    );
    for (const e of entries) {
      const run = runs.find((r) => r.id === e.runId)!;
      expect([e.correct, e.total], `run ${e.runId}`).toEqual([run.summary!.correct, run.summary!.total]);
      expect(e.model).not.toBeNull();
      expect(e.finished).toBe(true);
    }
    // Per set, the same list as the set's own.
    const unseen = await client.call('eval.leaderboard', { set: 'mini-unseen' });
    expect(unseen.entries.every((e) => e.set === 'mini-unseen')).toBe(true);
    expect(unseen.entries.length).toBe(runs.filter((r) => r.setName === 'mini-unseen').length);
  });
});

describe('datasets built at training time', () => {
  it('sizes doc adaption and refinement by the examples the rounds trained on, as the mix files hold them', async () => {
    const mixDir = path.join(dir, 'rounds');
    const lines = fs
      .readdirSync(mixDir)
      .filter((f) => f.startsWith('lists-') && f.endsWith('.mix.jsonl'))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(mixDir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { subtask: string }).subtask),
      );
    const inFiles = (subtask: string) => lines.filter((s) => s === subtask).length;
    expect(inFiles('doc_adaption')).toBeGreaterThan(0);
    const stats = await client.call('datasets.stats', {});
    for (const s of stats.subtasks) {
      expect(s.trained, s.subtask).toBe(inFiles(s.subtask));
      expect(
        s.trainedByRound.reduce((n, r) => n + r.count, 0),
        s.subtask,
      ).toBe(inFiles(s.subtask));
    }
    const doc = stats.subtasks.find((s) => s.subtask === 'doc_adaption')!;
    expect(doc.source).toBe('training');
    expect(doc.total).toBe(0); // none stored as samples: why the card read 0 before
    expect(doc.trainedByRound.map((r) => r.seq)).toEqual([1, 2].filter((seq) => doc.trainedByRound.some((r) => r.seq === seq)));
    expect(stats.subtasks.find((s) => s.subtask === 'invocation')!.source).toBe('samples');
  });
});

describe('an export of nothing', () => {
  it('is a warning on the CLI, not a success', async () => {
    await client.call('samples.curate', { action: { kind: 'tag', tag: 'kept' }, target: { ids: [1] } });
    const out = tempDir('toolsmith-export-none-');
    const none = await runCli(['--workspace', dir, 'export', '--format', 'openai', '--out', out, '--tag', 'no-such-tag']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toContain('Warning: nothing exported: no sample matches these filters.');
    expect(none.stdout).not.toContain('Exported');
    const some = await runCli([
      '--workspace',
      dir,
      'export',
      '--format',
      'openai',
      '--out',
      out,
      '--tag',
      'kept',
      '--status',
      'accepted,edited,candidate,rejected',
    ]);
    expect(some.code, some.stderr).toBe(0);
    expect(some.stderr).not.toContain('Warning');
    expect(some.stdout).toMatch(/Exported 1 sample\(s\)/);
  }, 60_000);
});
