import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { checkItem } from '../../src/main/engine/eval/eval-run';
import { allItems } from '../../src/main/engine/eval/sets-repo';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import {
  builtinEvalFileContents,
  builtinEvalSetFiles,
  INDOMAIN_SET,
  loadUnseenTools,
  UNSEEN_SET,
} from '../../src/main/engine/pool/eval-sets';
import { loadSeedSamples, SEED_CATEGORIES } from '../../src/main/engine/pool/seed';
import { normalizeTools } from '../../src/main/engine/tools/normalize';
import { checkCalls } from '../../src/main/engine/tools/schema-check';
import type { CallValue } from '../../src/main/engine/tools/types';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { repoRoot, tempDir } from '../helpers/tmp';
import { ungroundedArguments } from './grounding';

interface Question {
  id: string;
  question: { role: string; content: string }[][];
  function: Record<string, unknown>[];
}
type GroundTruth = Record<string, Record<string, CallValue[]>>[];

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** BFCL's conformance reading of a possible answer: the first allowed value of each parameter, omittable ones left out. */
function firstAnswer(gt: GroundTruth): { name: string; args: Record<string, CallValue> }[] {
  return gt.map((entry) => {
    const [name, params] = Object.entries(entry)[0]!;
    const args: Record<string, CallValue> = {};
    for (const [p, allowed] of Object.entries(params)) if (allowed[0] !== '') args[p] = allowed[0]!;
    return { name, args };
  });
}

const open: Workspace[] = [];
afterEach(() => {
  for (const ws of open.splice(0)) ws.close();
});

describe('built-in evaluation sets', () => {
  const files = builtinEvalSetFiles();

  it('are the files the generator produces (no drift from the templates)', () => {
    const expected = builtinEvalFileContents();
    for (const [rel, text] of Object.entries(expected)) {
      expect(fs.readFileSync(path.join(repoRoot, 'resources', rel), 'utf8'), `${rel} is stale: run npx tsx scripts/gen-eval.ts`).toBe(text);
    }
    expect(files.map((f) => f.name)).toEqual([INDOMAIN_SET, UNSEEN_SET]);
  });

  for (const set of builtinEvalSetFiles()) {
    describe(set.name, () => {
      const questions = readJsonl<Question>(set.questionsFile);
      const answers = new Map(readJsonl<{ id: string; ground_truth: GroundTruth }>(set.answersFile).map((a) => [a.id, a.ground_truth]));

      it('has 60–120 items over all five categories', () => {
        expect(questions.length).toBeGreaterThanOrEqual(60);
        expect(questions.length).toBeLessThanOrEqual(120);
        const categories = new Set(questions.map((q) => q.id.replace(/_\d+$/, '')));
        expect([...categories].sort()).toEqual([...SEED_CATEGORIES].sort());
      });

      it('every answer names offered tools, passes the schema check and is grounded in the question', () => {
        for (const q of questions) {
          const tools = normalizeTools(q.function);
          const gt = answers.get(q.id);
          if (q.id.startsWith('irrelevance')) {
            expect(gt, q.id).toBeUndefined();
            continue;
          }
          const calls = firstAnswer(gt!);
          expect(
            checkCalls(calls, tools).map((v) => v.message),
            q.id,
          ).toEqual([]);
          const byName = new Map(tools.map((t) => [t.name, t]));
          for (const c of calls) expect(ungroundedArguments(q.question[0]![0]!.content, c, byName.get(c.name)!), q.id).toEqual([]);
        }
      });

      it('imports through the BFCL importer and every ground truth passes checkBfcl', async () => {
        const ws = openWorkspace(tempDir());
        open.push(ws);
        const info = await importBfclSet(ws.db, { questions: { path: set.questionsFile }, answers: { path: set.answersFile } });
        expect(info.name).toBe(set.name);
        const items = allItems(ws.db, info.id);
        expect(items.length).toBe(questions.length);
        for (const item of items) {
          const q = questions.find((x) => x.id === item.item_key)!;
          const gt = answers.get(q.id);
          const output = gt
            ? `[${firstAnswer(gt)
                .map(
                  (c) =>
                    `${c.name}(${Object.entries(c.args)
                      .map(
                        ([k, v]) =>
                          `${k}=${JSON.stringify(v)
                            .replace(/\btrue\b/g, 'True')
                            .replace(/\bfalse\b/g, 'False')}`,
                      )
                      .join(', ')})`,
                )
                .join(', ')}]`
            : 'None of the available tools can help with this request.';
          const result = checkItem(item, output);
          expect(result, `${item.item_key}: ${output}`).toMatchObject({ valid: true });
          // And a wrong answer fails: for irrelevance any call, otherwise no call at all.
          const wrong = gt ? 'I cannot do that.' : `[${String((q.function[0] as { name: string }).name)}()]`;
          expect(checkItem(item, wrong).valid, `${item.item_key}: ${wrong}`).toBe(false);
        }
      });
    });
  }

  it('the unseen set uses no tool of the pool, and the in-domain set only tools of the pool', () => {
    const poolNames = new Set(loadBuiltinPool().map((t) => t.name));
    const [indomain, unseen] = builtinEvalSetFiles();
    const names = (file: string) => new Set(readJsonl<Question>(file).flatMap((q) => q.function.map((f) => String(f.name))));
    expect([...names(unseen!.questionsFile)].filter((n) => poolNames.has(n))).toEqual([]);
    expect([...names(indomain!.questionsFile)].filter((n) => !poolNames.has(n))).toEqual([]);
    expect([...names(unseen!.questionsFile)].sort()).toEqual(
      loadUnseenTools()
        .map((t) => t.name)
        .sort(),
    );
  });

  it('no in-domain or unseen question repeats a seed query', () => {
    const seed = new Set(loadSeedSamples().map((s) => s.query));
    for (const set of builtinEvalSetFiles()) {
      const repeated = readJsonl<Question>(set.questionsFile).filter((q) => seed.has(q.question[0]![0]!.content));
      expect(
        repeated.map((q) => q.id),
        set.name,
      ).toEqual([]);
    }
  });
});
