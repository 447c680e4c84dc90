import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { checkItem } from '../../src/main/engine/eval/eval-run';
import { evaluateModel, itemRequest, type ModelEvalProgress, type ModelEvalSettings } from '../../src/main/engine/eval/model-eval';
import { allItems } from '../../src/main/engine/eval/sets-repo';
import { jobRunner } from '../../src/main/engine/jobs/runner';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { startModelServer } from '../../src/main/engine/serving/serve';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { createClient } from '../../src/shared/client';
import { sharedDir, tempDir } from '../helpers/tmp';

const BFCL = path.join(sharedDir, 'bfcl');
const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** The BFCL lines of a category with the shortest function lists (short prompts for a 512-token model). */
function shortest(category: string, n: number): { questions: string[]; answers: string[] } {
  const questions = lines(path.join(BFCL, `BFCL_v4_${category}.json`))
    .map((l) => ({ l, size: JSON.stringify((JSON.parse(l) as { function: unknown }).function).length }))
    .sort((a, b) => a.size - b.size)
    .slice(0, n)
    .map((x) => x.l);
  const ids = new Set(questions.map((q) => (JSON.parse(q) as { id: string }).id));
  const answerFile = path.join(BFCL, 'possible_answer', `BFCL_v4_${category}.json`);
  const answers = fs.existsSync(answerFile) ? lines(answerFile).filter((l) => ids.has((JSON.parse(l) as { id: string }).id)) : [];
  return { questions, answers };
}

const SETTINGS: ModelEvalSettings = {
  sampling: { temperature: 0, maxTokens: 96, seed: 1 },
  constrain: 'auto',
  decoder: 'bfcl',
  batchSize: 4,
};

let backend: LocalBackend;
let engine: Engine;
let setId: number;

beforeAll(async () => {
  backend = await createLocalBackend({
    modelPath: STORIES,
    threads: 1,
    contextSize: 1024,
    sequences: 1,
    gpu: false,
    grammar: { maxCalls: 1, maxStringLength: 8, maxItems: 2, maxDigits: 3 },
  });
  engine = openEngine(tempDir());
  const simple = shortest('simple_python', 4);
  const irrelevance = shortest('irrelevance', 2);
  const set = await importBfclSet(engine.ctx.db, {
    name: 'mini',
    questions: { fileName: 'mini.json', text: [...simple.questions, ...irrelevance.questions].join('\n') },
    answers: { fileName: 'mini_answers.json', text: simple.answers.join('\n') },
  });
  setId = set.id;
});

/** Waits for an evaluation job to end and returns the run it stored. */
async function finishedRun(jobId: number) {
  const job = await jobRunner(engine.ctx).waitFor(jobId);
  expect(job.state).toBe('done');
  const { result } = await createClient(engine).call('jobs.get', { id: jobId });
  const runId = (result as { runId: number }).runId;
  return (await createClient(engine).call('eval.runs', { set: 'mini' })).items.find((r) => r.id === runId)!;
}

afterAll(async () => {
  await engine?.close();
  await backend?.dispose();
});

describe('evaluation with a model', () => {
  it('runs a stored BFCL set through a real model, stores every output and verdict, and reports progress', async () => {
    const db = engine.ctx.db;
    const progress: ModelEvalProgress[] = [];
    const run = await evaluateModel(db, {
      backend,
      set: 'mini',
      settings: SETTINGS,
      label: 'stories',
      onProgress: (p) => progress.push(p),
    });
    expect(progress.map((p) => p.done)).toEqual([0, 4, 6]);
    expect(run.finishedAt).not.toBeNull();
    expect(run.summary!.total).toBe(6);
    expect(run.summary!.categories.map((c) => [c.category, c.total])).toEqual([
      ['irrelevance', 2],
      ['simple_python', 4],
    ]);
    const items = new Map(allItems(db, setId).map((i) => [i.id, i]));
    const stored = db.prepare('SELECT item_id, output_text, valid, error_type FROM eval_results WHERE run_id = ?').all(run.id) as {
      item_id: number;
      output_text: string;
      valid: number;
      error_type: string | null;
    }[];
    expect(stored).toHaveLength(6);
    for (const r of stored) {
      const item = items.get(r.item_id)!;
      // The stored verdict is the checker's verdict on the stored output.
      const again = checkItem(item, r.output_text);
      expect(r.valid === 1).toBe(again.valid);
      expect(r.error_type).toBe(again.valid ? null : (again.errorType ?? null));
      if (item.category === 'simple_python') {
        // Constrained: always one call of the item's own function, so never a decoding failure.
        const parsed = parseCalls(r.output_text);
        expect(parsed.ok && parsed.calls.map((c) => c.name)).toEqual([(JSON.parse(item.tools_json) as { name: string }[])[0]!.name]);
        expect(r.error_type ?? '').not.toMatch(/decoder/);
      }
    }
    expect(run.summary!.correct).toBe(stored.filter((r) => r.valid === 1).length);
    const settings = JSON.parse(
      (db.prepare('SELECT settings_json FROM eval_runs WHERE id = ?').get(run.id) as { settings_json: string }).settings_json,
    ) as Record<string, unknown>;
    expect(settings).toMatchObject({ backend: backend.id, templateHash: backend.template.hash, constrain: 'auto' });
    // The tools engineer's API reads the run like any other.
    const listed = await createClient(engine).call('eval.runs', { set: 'mini' });
    expect(listed.items.find((r) => r.id === run.id)?.summary?.total).toBe(6);
  });

  it('resumes an interrupted run: only the items not yet stored are generated', async () => {
    const db = engine.ctx.db;
    const controller = new AbortController();
    let runId = 0;
    await expect(
      evaluateModel(db, {
        backend,
        set: 'mini',
        settings: SETTINGS,
        signal: controller.signal,
        onRun: (id) => (runId = id),
        onProgress: (p) => {
          if (p.done === 4) controller.abort();
        },
      }),
    ).rejects.toThrow();
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM eval_results WHERE run_id = ?').get(runId) as { n: number }).n;
    expect(count()).toBe(4);
    expect(
      (db.prepare('SELECT finished_at FROM eval_runs WHERE id = ?').get(runId) as { finished_at: string | null }).finished_at,
    ).toBeNull();
    const progress: number[] = [];
    const run = await evaluateModel(db, {
      backend,
      set: 'mini',
      settings: SETTINGS,
      resumeRunId: runId,
      onProgress: (p) => progress.push(p.done),
    });
    expect(progress).toEqual([4, 6]);
    expect(count()).toBe(6);
    expect(run.summary!.total).toBe(6);
    await expect(evaluateModel(db, { backend, set: 'mini', settings: SETTINGS, resumeRunId: runId })).rejects.toThrow(/already finished/);
  });

  it('records an item whose tools cannot be read as a failed item with the field path', () => {
    const item = {
      ...allItems(engine.ctx.db, setId)[0]!,
      item_key: 'broken_0',
      tools_json: JSON.stringify([{ name: 'f', parameters: { type: 'dict', properties: { x: { type: 'complex' } } } }]),
    };
    const asked = itemRequest(item, SETTINGS);
    expect('problem' in asked && asked.problem).toMatchObject({ valid: false, errorType: 'toolsmith:bad_tools' });
    expect('problem' in asked && asked.problem.error![0]).toMatch(/broken_0\.function\[0\]\.parameters\.properties\.x\.type/);
  });

  it('evaluates through the API with a remote model (serve-model over real HTTP), with progress events', async () => {
    const server = await startModelServer({ backend, modelName: 'stories', port: 0 });
    const client = createClient(engine);
    const progress: number[] = [];
    const off = client.on('models.evalProgress', (p) => progress.push(p.done));
    try {
      const { jobId } = await client.call('models.evaluate', {
        set: 'mini',
        remote: { baseUrl: server.url, model: 'stories' },
        categories: ['simple_python'],
        limit: 2,
        sampling: { temperature: 0, maxTokens: 96 },
        label: 'remote',
      });
      const run = await finishedRun(jobId);
      expect(progress).toEqual([0, 2]);
      expect(run.summary!.total).toBe(2);
      const outputs = engine.ctx.db.prepare('SELECT output_text, error_type FROM eval_results WHERE run_id = ?').all(run.id) as {
        output_text: string;
        error_type: string | null;
      }[];
      for (const o of outputs) {
        // tool_calls came back over HTTP and were printed in the call syntax again.
        expect(parseCalls(o.output_text).ok).toBe(true);
        expect(o.error_type ?? '').not.toMatch(/decoder/);
      }
    } finally {
      off();
      await server.close();
    }
  });

  it('evaluates through the API with a registered local model, recording the model on the run', async () => {
    const client = createClient(engine);
    const model = await client.call('models.import', { file: STORIES, name: 'stories-local' });
    // Loaded first with one thread (2 shared cores); evaluate then uses the loaded model.
    await client.call('models.load', { model: 'stories-local', threads: 1, contextSize: 1024, gpu: false });
    const { jobId } = await client.call('models.evaluate', {
      set: 'mini',
      model: 'stories-local',
      categories: ['simple_python'],
      limit: 1,
      sampling: { temperature: 0, maxTokens: 96 },
    });
    const run = await finishedRun(jobId);
    expect(run.summary!.total).toBe(1);
    const row = engine.ctx.db.prepare('SELECT model_id FROM eval_runs WHERE id = ?').get(run.id) as { model_id: number };
    expect(row.model_id).toBe(model.id);
    await client.call('models.unload');
  });
});
