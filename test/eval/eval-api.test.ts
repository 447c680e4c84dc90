/**
 * Evaluation sets and runs through the real engine (SQLite file in a temp folder): import a BFCL file pair
 * with progress events, list category counts, check outputs and read back the failing items; malformed
 * imports fail with file:line and leave nothing behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { ApiError } from '../../src/shared/contract/errors';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { tempDir } from '../helpers/tmp';
import { answersFile, groundTruthCalls, loadItems, printCallsText, questionsFile } from './bfcl-fixtures';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

function open(): { client: ToolsmithClient; dir: string } {
  const dir = tempDir('toolsmith-eval-');
  engine = openEngine(path.join(dir, 'ws'));
  return { client: createClient(engine), dir };
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const BUILTIN_SETS = ['toolsmith-indomain', 'toolsmith-unseen'];

describe('eval sets and runs', () => {
  it('imports a BFCL question + answer file with progress, checks outputs and shows failing items', async () => {
    const { client } = open();
    const progress: { phase: string; items: number }[] = [];
    client.on('eval.importProgress', (p) => progress.push(p));
    const { set } = await client.call('eval.import', {
      questions: { path: questionsFile('parallel') },
      answers: { path: answersFile('parallel') },
    });
    expect(set.name).toBe('BFCL_v4_parallel');
    expect(set.itemCount).toBe(200);
    expect(set.categories).toEqual([{ category: 'parallel', count: 200 }]);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['questions', 'answers', 'storing', 'done']));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', items: 200 });

    const irr = await client.call('eval.import', { questions: { path: questionsFile('irrelevance') } });
    expect(irr.set.categories).toEqual([{ category: 'irrelevance', count: 240 }]);
    const { items } = await client.call('eval.listSets');
    expect(items.map((s) => s.name).filter((n) => !BUILTIN_SETS.includes(n))).toEqual(['BFCL_v4_irrelevance', 'BFCL_v4_parallel']);

    // Outputs: the printed ground truth for even items, a wrong count for odd ones, nothing for the last.
    const bfclItems = loadItems('parallel');
    const outputs = bfclItems.slice(0, -1).map((item, i) => {
      const calls = groundTruthCalls(item, 'python');
      return { id: item.id, result: printCallsText(i % 2 === 0 ? calls : calls.slice(1)) };
    });
    const { run, results } = await client.call('eval.check', {
      set: 'BFCL_v4_parallel',
      outputs,
      label: 'half right',
      includeResults: true,
    });
    expect(run.summary?.total).toBe(200);
    expect(run.summary?.correct).toBe(100);
    expect(run.summary?.categories).toEqual([
      {
        category: 'parallel',
        total: 200,
        correct: 100,
        accuracy: 0.5,
        errorTypes: { 'parallel_function_checker_no_order:wrong_count': 99, missing_output: 1 },
      },
    ]);
    expect(results?.[1]).toEqual({ id: 'parallel_1', valid: false, errorType: 'parallel_function_checker_no_order:wrong_count' });

    const failing = await client.call('eval.run', { runId: run.id, onlyFailing: true, limit: 5 });
    expect(failing.total).toBe(100);
    expect(failing.results[0]).toMatchObject({
      itemKey: 'parallel_1',
      valid: false,
      errorType: 'parallel_function_checker_no_order:wrong_count',
      error: ['Wrong number of functions.'],
    });
    expect(failing.results[0]?.question).toBeInstanceOf(Array);
    expect(failing.results[0]?.answer).toBeInstanceOf(Array);
    expect((await client.call('eval.runs', { set: set.id })).items.map((r) => r.label)).toEqual(['half right']);

    // Irrelevance: no call is right.
    const q = fs
      .readFileSync(questionsFile('irrelevance'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string });
    const irrRun = await client.call('eval.check', {
      set: 'BFCL_v4_irrelevance',
      outputs: q.map((x, i) => ({ id: x.id, result: i < 10 ? '[get_weather(city="Paris")]' : 'I cannot help with that.' })),
    });
    expect(irrRun.run.summary?.correct).toBe(230);
    expect(irrRun.run.summary?.errorTypes).toEqual({ 'irrelevance_error:decoder_success': 10 });
  });

  it('rejects outputs for unknown items without storing a run', async () => {
    const { client } = open();
    await client.call('eval.import', {
      questions: { path: questionsFile('simple_javascript') },
      answers: { path: answersFile('simple_javascript') },
    });
    const error = await rejection(
      client.call('eval.check', { set: 'BFCL_v4_simple_javascript', outputs: [{ id: 'nope_1', result: '[]' }] }),
    );
    expect(error.message).toContain('outputs[0]: "nope_1" is not an item');
    expect((await client.call('eval.runs')).items).toEqual([]);
    expect((await rejection(client.call('eval.check', { set: 'missing', outputs: [] }))).code).toBe('not_found');
  });

  describe('import errors name file:line and create no set', () => {
    const q = () => fs.readFileSync(questionsFile('simple_python'), 'utf8').split('\n').filter(Boolean).slice(0, 5);
    const a = () => fs.readFileSync(answersFile('simple_python'), 'utf8').split('\n').filter(Boolean).slice(0, 5);

    async function expectImportError(questions: string[], answers: string[], expected: RegExp) {
      const { client, dir } = open();
      const qf = path.join(dir, 'my_questions.json');
      const af = path.join(dir, 'my_answers.json');
      fs.writeFileSync(qf, questions.join('\n') + '\n');
      fs.writeFileSync(af, answers.join('\n') + '\n');
      const error = await rejection(client.call('eval.import', { questions: { path: qf }, answers: { path: af } }));
      expect(error.code).toBe('bad_file');
      expect(error.message).toMatch(expected);
      // Only the held-out sets every workspace holds from its first opening.
      expect((await client.call('eval.listSets')).items.map((s) => s.name).sort()).toEqual(BUILTIN_SETS);
      expect((await client.call('workspace.status')).counts.evalSets).toBe(BUILTIN_SETS.length);
    }

    it('a truncated line', async () => {
      const questions = q();
      questions[2] = (questions[2] as string).slice(0, 60);
      await expectImportError(questions, a(), /my_questions\.json:3: not valid JSON .*truncated/);
    });

    it('a wrong field type', async () => {
      const answers = a();
      answers[3] = JSON.stringify({ id: 'simple_python_3', ground_truth: 'x = 1' });
      await expectImportError(q(), answers, /my_answers\.json:4: ground_truth: .*array/i);
    });

    it('an answer whose id has no question', async () => {
      const answers = a();
      answers.push(JSON.stringify({ id: 'simple_python_999', ground_truth: [{ f: { x: [1] } }] }));
      await expectImportError(q(), answers, /my_answers\.json:6: answer "simple_python_999" has no question in .*my_questions\.json/);
    });

    it('a tool definition with an unknown type', async () => {
      const questions = q();
      const bad = JSON.parse(questions[1] as string) as { function: { parameters: { properties: Record<string, { type: string }> } }[] };
      const first = Object.keys(bad.function[0]!.parameters.properties)[0]!;
      bad.function[0]!.parameters.properties[first]!.type = 'complex';
      questions[1] = JSON.stringify(bad);
      await expectImportError(
        questions,
        a(),
        new RegExp(`my_questions\\.json:2: function\\[0\\]\\.parameters\\.properties\\.${first}\\.type: unknown type "complex"`),
      );
    });
  });
});
