import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledStarter, ensureStarter } from '../../src/main/engine/evolution/demo-setup';
import { createLocalBackend } from '../../src/main/engine/inference/local-backend';
import { getModel } from '../../src/main/engine/models/registry';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { resourcesDir } from '../../src/main/engine/pool';
import { invocationPrompt } from '../../src/main/engine/subtasks/builders';
import { checkItem } from '../../src/main/engine/eval/eval-run';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { normalizeTool } from '../../src/main/engine/tools/normalize';
import { STARTER_RECIPE } from '../../src/main/engine/train/starter-recipe';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';

/** In-domain evaluation items that expect calls, spread over the file, with the function each answer calls first. */
function heldOutItems(n: number) {
  const read = (file: string) =>
    fs
      .readFileSync(path.join(resourcesDir(), 'eval', file), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: string;
            question?: { content: string }[][];
            function?: unknown[];
            ground_truth?: Record<string, unknown>[];
            category?: string;
          },
      );
  const answers = new Map(read('possible_answer/toolsmith-indomain.json').map((a) => [a.id, a]));
  const rows = read('toolsmith-indomain.json').filter((r) => answers.has(r.id));
  return rows
    .filter((_, i) => i % Math.floor(rows.length / n) === 0)
    .slice(0, n)
    .map((r) => ({ ...r, expected: Object.keys(answers.get(r.id)!.ground_truth![0]!)[0]!, answer: answers.get(r.id)! }));
}

/**
 * Greedy answers under the call grammar (as evaluation decodes them): on how many held-out requests does the
 * model choose the right function among the offered tools, and on how many is the whole answer right by BFCL's
 * checker (functions and argument values)?
 */
async function rightFunction(modelPath: string, n: number): Promise<{ functions: number; answers: number }> {
  const backend = await createLocalBackend({ modelPath, threads: 1, contextSize: 2048, sequences: 1, gpu: false });
  try {
    let good = 0;
    let right = 0;
    for (const item of heldOutItems(n)) {
      const tools = item.function!.map((d) => normalizeTool(d));
      const p = invocationPrompt(item.question![0]![0]!.content, tools);
      const out = await backend.generate({
        messages: p.messages,
        tools: p.tools,
        sampling: { temperature: 0, maxTokens: 160 },
        constrain: 'calls',
      });
      const text = out.outputs[0]!.text;
      const parsed = parseCalls(text);
      if (parsed.ok && parsed.calls[0]?.name === item.expected) good++;
      const category = item.id.replace(/_\d+$/, '');
      if (checkItem({ category, tools_json: JSON.stringify(item.function), answer_json: JSON.stringify(item.answer) }, text).valid) right++;
    }
    return { functions: good, answers: right };
  } finally {
    await backend.dispose();
  }
}

const bundled = bundledStarter();

describe.skipIf(!bundled)('the bundled starter model', () => {
  it('is what a fresh workspace gets: registered as a trained starter with its recipe report', async () => {
    const dir = tempDir('toolsmith-bundled-');
    const ws = openWorkspace(path.join(dir, 'ws'));
    try {
      const first = await ensureStarter(ws.db, { modelsDir: ws.modelsDir, steps: 30, threads: 1 });
      expect(first.bundled).toBe(true);
      const record = getModel(ws.db, ws.modelsDir, first.id);
      expect(record.kind).toBe('starter');
      expect(record.trainer).toBe('python:full');
      expect(fs.readFileSync(record.path).equals(fs.readFileSync(bundled!.file))).toBe(true);
      expect(bundled!.report?.recipe.shape).toEqual(STARTER_RECIPE.shape);
      // A second call reuses it.
      expect((await ensureStarter(ws.db, { modelsDir: ws.modelsDir, steps: 30, threads: 1 })).id).toBe(first.id);
    } finally {
      ws.close();
    }
  });

  it('picks the right tool, and writes the whole call right, for held-out requests where the random starter of its shape never does', async () => {
    const dir = tempDir('toolsmith-bundled-');
    const random = path.join(dir, 'random.gguf');
    await createStarterModel(random, STARTER_RECIPE.shape);
    const [trained, untrained] = [await rightFunction(bundled!.file, 12), await rightFunction(random, 12)];
    console.log(
      `of 12 held-out requests: right function bundled ${trained.functions}, random ${untrained.functions}; ` +
        `whole answer right (BFCL checker) bundled ${trained.answers}, random ${untrained.answers}`,
    );
    expect(trained.functions).toBeGreaterThanOrEqual(8);
    expect(trained.functions).toBeGreaterThan(untrained.functions + 4);
    // It copies argument values from the request, not only the function name.
    expect(trained.answers).toBeGreaterThanOrEqual(5);
    expect(untrained.answers).toBe(0);
  }, 120_000);
});
