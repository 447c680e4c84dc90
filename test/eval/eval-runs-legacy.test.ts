/**
 * `eval.runs` with summaries stored by round evaluation before it went through the eval.model flow:
 * `{total, correct, accuracy (points), byCategory, tokens, refinementSteps}` without `errorTypes` or
 * `categories`. One such row made `eval.runs` answer invalid_output for the whole workspace (the Evaluation
 * view's run list failed after `demo`); now it is read with the missing fields filled. Real engine, real SQLite file.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { tempDir } from '../helpers/tmp';
import { answersFile, questionsFile } from './bfcl-fixtures';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('eval.runs with a round-style summary', () => {
  it('lists an old round evaluation next to a current run, with categories and error types filled', async () => {
    engine = openEngine(path.join(tempDir('toolsmith-evalruns-'), 'ws'));
    const client = createClient(engine);
    const { set } = await client.call('eval.import', {
      questions: { path: questionsFile('parallel') },
      answers: { path: answersFile('parallel') },
    });
    // A current run (eval.check): the full shape.
    await client.call('eval.check', { set: set.id, outputs: [{ id: 'parallel_0', result: '[]' }], label: 'current' });
    // A round evaluation as the round writer stored it (accuracy in points, byCategory, no errorTypes).
    engine.ctx.db
      .prepare(
        "INSERT INTO eval_runs (set_id, label, settings_json, summary_json, finished_at) VALUES (?, 'round 1 (in-domain)', '{}', ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
      )
      .run(
        set.id,
        JSON.stringify({
          total: 4,
          correct: 3,
          accuracy: 75,
          byCategory: { parallel: { total: 3, correct: 3, accuracy: 100 }, simple: { total: 1, correct: 0, accuracy: 0 } },
          tokens: 812,
          refinementSteps: 2,
        }),
      );
    // And a row whose summary is not JSON at all: no summary, not a failed list.
    engine.ctx.db
      .prepare("INSERT INTO eval_runs (set_id, label, settings_json, summary_json) VALUES (?, 'broken', '{}', '{not json')")
      .run(set.id);

    const { items } = await client.call('eval.runs', {});
    expect(items.map((r) => r.label)).toEqual(['broken', 'round 1 (in-domain)', 'current']);
    expect(items[0]!.summary).toBeNull();
    expect(items[1]!.summary).toEqual({
      total: 4,
      correct: 3,
      accuracy: 0.75,
      errorTypes: {},
      categories: [
        { category: 'parallel', total: 3, correct: 3, accuracy: 1, errorTypes: {} },
        { category: 'simple', total: 1, correct: 0, accuracy: 0, errorTypes: {} },
      ],
    });
    expect(items[2]!.summary).toMatchObject({ total: 200, correct: 0, errorTypes: expect.any(Object) });
    expect(Object.values(items[2]!.summary!.errorTypes).reduce((a, b) => a + b, 0)).toBe(200);

    const one = await client.call('eval.run', { runId: items[1]!.id });
    expect(one.run.summary?.categories.map((c) => c.category)).toEqual(['parallel', 'simple']);
  });
});
