import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { checkItem } from '../../src/main/engine/eval/eval-run';
import { allItems } from '../../src/main/engine/eval/sets-repo';
import { jobRunner } from '../../src/main/engine/jobs/runner';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { sharedDir, tempDir } from '../helpers/tmp';

const BFCL = path.join(sharedDir, 'bfcl');
const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

/** The first `n` simple_python questions with the shortest function lists, and their answers. */
function shortest(n: number): { questions: string[]; answers: string[] } {
  const read = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const questions = read(path.join(BFCL, 'BFCL_v4_simple_python.json'))
    .map((l) => ({ l, size: JSON.stringify((JSON.parse(l) as { function: unknown }).function).length }))
    .sort((a, b) => a.size - b.size)
    .slice(0, n)
    .map((x) => x.l);
  const ids = new Set(questions.map((q) => (JSON.parse(q) as { id: string }).id));
  const answers = read(path.join(BFCL, 'possible_answer', 'BFCL_v4_simple_python.json')).filter((l) =>
    ids.has((JSON.parse(l) as { id: string }).id),
  );
  return { questions, answers };
}

let engine: Engine;
let client: ToolsmithClient;

beforeAll(async () => {
  engine = openEngine(tempDir());
  client = createClient(engine);
  const { questions, answers } = shortest(4);
  await importBfclSet(engine.ctx.db, {
    name: 'mini',
    questions: { fileName: 'mini.json', text: questions.join('\n') },
    answers: { fileName: 'mini_answers.json', text: answers.join('\n') },
  });
  await client.call('models.import', { file: STORIES, name: 'stories' });
  // One thread (2 shared cores); the job evaluates with the engine's loaded model.
  await client.call('models.load', { model: 'stories', threads: 1, contextSize: 1024, gpu: false });
});

afterAll(async () => {
  await engine?.close();
});

const runsOfJob = (jobId: number) =>
  engine.ctx.db.prepare("SELECT id, finished_at FROM eval_runs WHERE json_extract(settings_json, '$.jobId') = ?").all(jobId) as {
    id: number;
    finished_at: string | null;
  }[];

describe('evaluation with a model as a job', () => {
  it('models.evaluate queues an eval.model job that reports progress, completes and stores every verdict', async () => {
    const progress: { done: number; total: number | null }[] = [];
    let jobId = 0;
    const off = client.on('jobs.progress', (p) => {
      if (p.jobId === jobId) progress.push({ done: p.done, total: p.total });
    });
    try {
      ({ jobId } = await client.call('models.evaluate', { set: 'mini', model: 'stories', sampling: { temperature: 0, maxTokens: 48 } }));
      const queued = await client.call('jobs.get', { id: jobId });
      expect(queued.kind).toBe('eval.model');
      expect(queued.title).toBe('Evaluate stories on mini');
      const job = await jobRunner(engine.ctx).waitFor(jobId);
      expect(job.state).toBe('done');
      const { result } = await client.call('jobs.get', { id: jobId });
      const { runId, set } = await client.call('models.evaluationRun', { jobId });
      expect(set).toBe((await client.call('eval.listSets', {})).items.find((x) => x.name === 'mini')!.id);
      expect(runsOfJob(jobId)).toEqual([{ id: runId, finished_at: expect.any(String) }]);
      const run = (await client.call('eval.runs', { set: 'mini' })).items.find((r) => r.id === runId)!;
      expect(run.summary!.total).toBe(4);
      expect(result).toMatchObject({ runId, total: 4, correct: run.summary!.correct });
      // Progress as the job's own events, ending at 4 of 4.
      expect(progress.at(-1)).toEqual({ done: 4, total: 4 });
      const items = new Map(allItems(engine.ctx.db, run.setId).map((i) => [i.id, i]));
      const stored = engine.ctx.db.prepare('SELECT item_id, output_text, valid FROM eval_results WHERE run_id = ?').all(runId) as {
        item_id: number;
        output_text: string;
        valid: number;
      }[];
      expect(stored).toHaveLength(4);
      for (const r of stored) expect(r.valid === 1).toBe(checkItem(items.get(r.item_id)!, r.output_text).valid);
    } finally {
      off();
    }
  });

  it('cancelling mid-run stops the job (cancelled) and leaves no half-written run', async () => {
    const before = (engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM eval_runs').get() as { n: number }).n;
    let jobId = 0;
    let runId = 0;
    let cancelledAt = -1;
    // Batches of 2: the cancel comes after the first batch was committed, while the second is generating.
    const off = client.on('models.evalProgress', (p) => {
      if (p.done === 2 && cancelledAt < 0) {
        runId = p.runId;
        cancelledAt = p.done;
        void client.call('jobs.cancel', { id: jobId });
      }
    });
    try {
      ({ id: jobId } = await client.call('jobs.start', {
        kind: 'eval.model',
        settings: { set: 'mini', backend: { kind: 'local', model: 'stories' }, batchSize: 2, sampling: { temperature: 0, maxTokens: 48 } },
      }));
      const job = await jobRunner(engine.ctx).waitFor(jobId);
      expect(cancelledAt).toBe(2);
      expect(job.state).toBe('cancelled');
      // The run existed with 2 results while the job ran; now neither the run nor its results are left.
      expect(runId).toBeGreaterThan(0);
      expect(runsOfJob(jobId)).toEqual([]);
      expect((engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM eval_results WHERE run_id = ?').get(runId) as { n: number }).n).toBe(0);
      expect((engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM eval_runs').get() as { n: number }).n).toBe(before);
    } finally {
      off();
    }
  });

  it('a paused job resumes from its last batch and finishes the same run', async () => {
    let jobId = 0;
    const done: number[] = [];
    const off = client.on('models.evalProgress', (p) => {
      done.push(p.done);
      if (p.done === 2 && done.filter((d) => d === 2).length === 1) void client.call('jobs.pause', { id: jobId });
    });
    try {
      ({ id: jobId } = await client.call('jobs.start', {
        kind: 'eval.model',
        settings: { set: 'mini', backend: { kind: 'local', model: 'stories' }, batchSize: 2, sampling: { temperature: 0, maxTokens: 48 } },
      }));
      expect((await jobRunner(engine.ctx).waitFor(jobId, ['paused'])).state).toBe('paused');
      // A view opening now finds the paused job of its set (started with the set's name), at its progress.
      const { job: going } = await client.call('models.evaluationJob', { set: 'mini' });
      expect(going).toMatchObject({ id: jobId, state: 'paused', done: 2, runId: null });
      const [partial] = runsOfJob(jobId);
      expect(partial!.finished_at).toBeNull();
      expect((engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM eval_results WHERE run_id = ?').get(partial!.id) as { n: number }).n).toBe(
        2,
      );
      await client.call('jobs.resume', { id: jobId });
      expect((await jobRunner(engine.ctx).waitFor(jobId)).state).toBe('done');
      expect((await client.call('models.evaluationJob', { set: 'mini' })).job).toBeNull();
      expect((await client.call('models.evaluationRun', { jobId })).runId).toBe(partial!.id);
      // Resumed at 2: the first batch was not generated again.
      expect(done.slice(done.lastIndexOf(2))).toEqual([2, 4]);
      expect(runsOfJob(jobId)).toEqual([{ id: partial!.id, finished_at: expect.any(String) }]);
    } finally {
      off();
    }
  });

  it('a job cancelled while paused has its unfinished run removed when the next evaluation is queued', async () => {
    let jobId = 0;
    const off = client.on('models.evalProgress', (p) => {
      if (p.done === 2) void client.call('jobs.pause', { id: jobId });
    });
    try {
      ({ id: jobId } = await client.call('jobs.start', {
        kind: 'eval.model',
        settings: { set: 'mini', backend: { kind: 'local', model: 'stories' }, batchSize: 2, sampling: { temperature: 0, maxTokens: 48 } },
      }));
      await jobRunner(engine.ctx).waitFor(jobId, ['paused']);
    } finally {
      off();
    }
    expect((await client.call('jobs.cancel', { id: jobId })).state).toBe('cancelled');
    // No step ran to clean up: the partial run is still there…
    expect(runsOfJob(jobId)).toHaveLength(1);
    // …until the next evaluation is queued.
    const next = await client.call('models.evaluate', {
      set: 'mini',
      model: 'stories',
      limit: 1,
      sampling: { temperature: 0, maxTokens: 16 },
    });
    expect(runsOfJob(jobId)).toEqual([]);
    expect((await jobRunner(engine.ctx).waitFor(next.jobId)).state).toBe('done');
  });

  it('says what is wrong before queuing anything', async () => {
    const jobs = (await client.call('jobs.list', {})).items.length;
    await expect(client.call('models.evaluate', { set: 'no-such-set', model: 'stories' })).rejects.toThrow(/no-such-set/);
    await expect(client.call('models.evaluate', { set: 'mini', model: 'no-such-model' })).rejects.toThrow(/no-such-model/);
    await expect(client.call('models.evaluationRun', { jobId: 987_654 })).rejects.toThrow(/not an evaluation job/);
    expect((await client.call('jobs.list', {})).items.length).toBe(jobs);
  });
});
