import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledStarter } from '../../src/main/engine/evolution/demo-setup';
import type { EvolveSettingsInput } from '../../src/main/engine/evolution/settings';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { registerModel } from '../../src/main/engine/models/registry';
import { modelRuntime } from '../../src/main/engine/models/runtime-service';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { starterVocab } from '../../src/main/engine/models/starter';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { open, tempDir } from '../jobs/helpers';
import { sharedDir } from '../helpers/tmp';
import { POOL, seedPool, tinyStarter } from './fixture';

afterAll(() => closeSharedSandbox());

/** Tiny budgets: one round, a few prompts, a few optimizer steps (the mini-round test's, smaller). */
function settings(modelId: number, extra: Partial<EvolveSettingsInput>): EvolveSettingsInput {
  return {
    modelId,
    pool: POOL,
    rounds: 1,
    importsPerRound: 4,
    generatedPerRound: 2,
    k: 2,
    passK: 2,
    maxTokens: 32,
    evalSets: ['mini-unseen', 'mini-in-domain'],
    constrainedEvalItems: 0,
    evalRefinement: 'off',
    threads: 1,
    backend: 'native',
    train: { epochs: 1, maxSteps: 2, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
    ...extra,
  };
}

function jobLog(db: ReturnType<typeof open>['engine']['ctx']['db'], jobId: number): string {
  return (db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(jobId) as { message: string }[]).map((l) => l.message).join('\n');
}

describe('a round whose generation goes to a remote OpenAI-compatible server', () => {
  // serve-model on 127.0.0.1 with the bundled trained starter (the shared stories model where it is absent).
  const served = bundledStarter()?.file ?? path.join(sharedDir, 'models', 'stories260K.gguf');
  let backend: LocalBackend | undefined;
  let server: ModelServer | undefined;
  afterAll(async () => {
    await server?.close();
    await backend?.dispose();
  });

  it('writes queries, makes tools and samples k answers on the server; trains and evaluates the local model', async () => {
    backend = await createLocalBackend({ modelPath: served, threads: 1, contextSize: 1024, sequences: 2, gpu: false });
    const requests: string[] = [];
    server = await startModelServer({ backend, modelName: 'served', port: 0, apiKey: 'k-123', log: (line) => requests.push(line) });
    expect(server.host).toBe('127.0.0.1');

    const { engine, runner, client } = open(tempDir('toolsmith-evo-remote-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
      const generation = { kind: 'remote' as const, baseUrl: server.url, model: 'served', apiKey: 'k-123', concurrency: 2 };
      const { jobId } = await client.call('evolution.start', settings(starter, { runId: 'remote', generation }));
      const done = await runner.waitFor(jobId);
      expect(done.state, `${done.error ?? ''}\n${jobLog(db, jobId)}`).toBe('done');

      // The API key was used but is stored nowhere.
      expect(
        (db.prepare('SELECT settings_json FROM jobs WHERE id = ?').get(jobId) as { settings_json: string }).settings_json,
      ).not.toContain('k-123');
      const round = db.prepare(`SELECT id, settings_json, result_model_id FROM rounds WHERE run_id = 'remote' AND seq = 1`).get() as {
        id: number;
        settings_json: string;
        result_model_id: number | null;
      };
      expect(JSON.parse(round.settings_json)).toMatchObject({ generation: { kind: 'remote', model: 'served', concurrency: 2 } });
      expect(round.settings_json).not.toContain('k-123');

      // The server answered every generation of the round: queries, tool-making and tool-using prompts.
      const gens = db.prepare('SELECT purpose, outputs_json, sampling_json FROM round_generations WHERE round_id = ?').all(round.id) as {
        purpose: string;
        outputs_json: string;
        sampling_json: string;
      }[];
      const purposes = new Set(gens.map((g) => g.purpose));
      expect(purposes).toContain('tool_making');
      expect(purposes).toContain('tool_using');
      expect(gens.every((g) => (JSON.parse(g.sampling_json) as { backend?: string }).backend === `remote:served@${server!.url}`)).toBe(
        true,
      );
      const posts = requests.filter((l) => l.includes('POST') && l.includes('/chat/completions'));
      expect(posts.length).toBeGreaterThanOrEqual(gens.filter((g) => g.purpose !== 'query').length);
      expect(
        posts.every((l) => / 200 /.test(l)),
        posts.join('\n'),
      ).toBe(true);
      const using = gens.filter((g) => g.purpose === 'tool_using');
      expect(using.every((g) => (JSON.parse(g.outputs_json) as string[]).length === 2)).toBe(true);

      // Samples were stored from the server's answers, naming no local model.
      const samples = db.prepare('SELECT subtask, model_id, sampling_json FROM samples WHERE round_id = ?').all(round.id) as {
        subtask: string;
        model_id: number | null;
        sampling_json: string;
      }[];
      expect(samples.filter((s) => s.subtask === 'tool_generation').length).toBeGreaterThan(0);
      const invocation = samples.filter((s) => s.subtask === 'invocation');
      expect(invocation.length).toBeGreaterThan(0);
      expect(samples.every((s) => s.model_id === null && s.sampling_json.includes('remote:served'))).toBe(true);

      // Training and evaluation ran on the local model, through the eval.model flow (same summary shape as eval.runs).
      const trained = db.prepare('SELECT id, parent_id FROM models WHERE round_id = ?').get(round.id) as { id: number; parent_id: number };
      expect(trained.parent_id).toBe(starter);
      expect(round.result_model_id).toBe(trained.id);
      const runs = db.prepare('SELECT model_id, settings_json, summary_json FROM eval_runs ORDER BY id').all() as {
        model_id: number;
        settings_json: string;
        summary_json: string;
      }[];
      expect(runs.map((r) => r.model_id)).toEqual([starter, starter, trained.id, trained.id]);
      expect(runs.slice(0, 2).every((r) => r.model_id === starter && JSON.parse(r.settings_json).backend.startsWith('local:'))).toBe(true);
      for (const r of runs)
        expect(JSON.parse(r.summary_json)).toMatchObject({ total: 3, categories: expect.any(Array), errorTypes: expect.any(Object) });
      const listed = await client.call('eval.runs', {});
      expect(JSON.stringify(listed)).toContain('remote round 0 (base)');
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 120_000);
});

/** A GGUF LoRA adapter (llama.cpp's format) on the tiny starter's output matrix, random weights. */
async function writeAdapter(file: string, embedding: number, rank = 4): Promise<void> {
  const nVocab = starterVocab().tokens.length;
  let s = 777;
  const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2);
  await writeGguf(file, {
    metadata: { 'general.architecture': 'llama', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': gguf.f32(rank) },
    tensors: [
      { name: 'output.weight.lora_a', dims: [embedding, rank], type: GgmlType.F32, data: rand(embedding * rank) },
      { name: 'output.weight.lora_b', dims: [rank, nVocab], type: GgmlType.F32, data: rand(rank * nVocab) },
    ],
  });
}

describe('a round on the local backend', () => {
  it('starting from a LoRA adapter: generates and evaluates through the engine runtime, base and adapter loaded together', async () => {
    const { engine, runner } = open(tempDir('toolsmith-evo-local-'));
    const db = engine.ctx.db;
    try {
      seedPool(db, 8);
      const modelsDir = engine.ctx.workspace.modelsDir;
      const starter = await tinyStarter(db, modelsDir);
      const file = path.join(modelsDir, 'tuned.gguf');
      await writeAdapter(file, 64);
      const adapter = (await registerModel(db, modelsDir, file, { name: 'tuned', kind: 'adapter', parentId: starter })).id;
      const loads: (number | undefined)[] = [];
      engine.ctx.events.subscribe((event, payload) => {
        if (event === 'models.runtime') loads.push((payload as { loaded: { modelId: number } | null }).loaded?.modelId);
      });
      const job = runner.start('evolution.run', settings(adapter, { runId: 'adapter', generatedPerRound: 1 }));
      const done = await runner.waitFor(job.id);
      expect(done.state, `${done.error ?? ''}\n${jobLog(db, job.id)}`).toBe('done');

      // Round 0 evaluated the adapter on its base: the backend that answered names both files.
      const base = db.prepare('SELECT settings_json FROM eval_runs WHERE model_id = ? ORDER BY id LIMIT 1').get(adapter) as {
        settings_json: string;
      };
      const startFile = path.join(modelsDir, 'starter.gguf');
      expect(JSON.parse(base.settings_json).backend).toBe(`local:${fs.realpathSync(startFile)}+${fs.realpathSync(file)}`);
      // Generation went to the same runtime: the round's samples name the adapter as their model.
      const r1 = db.prepare(`SELECT id FROM rounds WHERE run_id = 'adapter' AND seq = 1`).get() as { id: number };
      const models = db.prepare('SELECT DISTINCT model_id FROM samples WHERE round_id = ?').all(r1.id) as { model_id: number }[];
      expect(models).toEqual([{ model_id: adapter }]);
      // One runtime for every step: the adapter loaded once (baseline, then reused by the generation steps),
      // then the trained model for its evaluation, which stays loaded.
      const trained = (db.prepare('SELECT result_model_id AS id FROM rounds WHERE id = ?').get(r1.id) as { id: number }).id;
      expect(loads).toEqual([adapter, trained]);
      expect(modelRuntime(engine.ctx).current?.model.id).toBe(trained);
    } finally {
      await runner.dispose();
      await engine.close();
    }
  }, 120_000);
});
