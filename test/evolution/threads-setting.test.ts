/** The thread setting reaches the backend: a load, an evaluation job and an evolution run (stories260K, real runtime). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { jobRunner } from '../../src/main/engine/jobs/runner';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { sharedDir } from '../helpers/tmp';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

let engine: Engine;
let client: ToolsmithClient;
// One workspace for the whole file (tempDir's folders go after each test).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-threads-'));

beforeAll(async () => {
  engine = openEngine(dir);
  client = createClient(engine);
  await client.call('models.import', { file: STORIES, name: 'stories' });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the workspace thread setting', () => {
  it('is what a model loads with when no count is given', async () => {
    await client.call('workspace.setThreads', { generation: 2, training: 1 });
    const status = await client.call('models.load', { model: 'stories', contextSize: 512, gpu: false });
    expect(status.loaded?.threads).toBe(2);
  });

  it('an evaluation job given threads loads the model with them, keeping its other load settings', async () => {
    const { jobId } = await client.call('models.evaluate', {
      set: 'toolsmith-unseen',
      model: 'stories',
      limit: 1,
      threads: 1,
      sampling: { temperature: 0, maxTokens: 8 },
    });
    const done = await jobRunner(engine.ctx).waitFor(jobId);
    expect(done.error ?? null).toBe(null);
    expect(done.state).toBe('done');
    const runtime = await client.call('models.runtime');
    expect(runtime.loaded).toMatchObject({ name: 'stories', threads: 1, contextSize: 512 });
  });

  it('an evolution run records the setting as its generation and training threads', async () => {
    await client.call('workspace.setThreads', { generation: 1, training: 3 });
    const model = await client.call('models.get', { model: 'stories' });
    const { jobId } = await client.call('evolution.start', { modelId: model.id, rounds: 1, evalLimit: 1, k: 1, passK: 1 });
    await client.call('jobs.cancel', { id: jobId });
    await jobRunner(engine.ctx).waitFor(jobId);
    const job = await client.call('jobs.get', { id: jobId });
    expect(job.settings).toMatchObject({ threads: 1, train: { threads: 3 } });
    // Given in the call, they win over the setting.
    const given = await client.call('evolution.start', { modelId: model.id, rounds: 1, threads: 2, train: { threads: 2 } });
    await client.call('jobs.cancel', { id: given.jobId });
    await jobRunner(engine.ctx).waitFor(given.jobId);
    expect((await client.call('jobs.get', { id: given.jobId })).settings).toMatchObject({ threads: 2, train: { threads: 2 } });
  });
});
