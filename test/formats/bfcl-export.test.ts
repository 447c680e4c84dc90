import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { runCheck } from '../../src/main/engine/eval/eval-run';
import { exportData } from '../../src/main/engine/formats/export';
import { listSamples } from '../../src/main/engine/samples/samples-repo';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';
import { bfclSlice, importFile } from './helpers';

const open: Workspace[] = [];
afterEach(() => {
  for (const ws of open.splice(0)) ws.close();
});

const BFCL_FILE: Record<string, string> = {
  simple: 'simple_python',
  multiple: 'multiple',
  parallel: 'parallel',
  parallel_multiple: 'parallel_multiple',
  irrelevance: 'irrelevance',
};

test("the BFCL export of accepted samples is accepted by the eval set importer, and each sample's own output passes BFCL's checker", async () => {
  const ws = openWorkspace(tempDir());
  open.push(ws);
  const data = tempDir();
  for (const category of Object.values(BFCL_FILE)) {
    const { file, answers } = bfclSlice(data, category, 30);
    await importFile(ws.db, { path: file, answers });
  }
  // Accept two thirds of each category; the rest must stay out of the export.
  ws.db.prepare("UPDATE samples SET status = 'accepted' WHERE id % 3 != 0").run();
  const accepted = listSamples(ws.db, { status: ['accepted'] });

  const out = tempDir();
  const result = exportData(ws.db, {
    format: 'bfcl',
    out,
    filter: { status: ['accepted'] },
    splits: { train: 1, validation: 0, test: 0 },
    license: 'other',
    name: 'toolsmith',
  });
  expect(result.samples).toBe(accepted.length);
  expect(result.skippedCount).toBe(0);

  for (const [category, fileCategory] of Object.entries(BFCL_FILE)) {
    const ours = accepted.filter((s) => s.category === category);
    const questions = path.join(out, `BFCL_v4_${fileCategory}.json`);
    const answers = path.join(out, 'possible_answer', `BFCL_v4_${fileCategory}.json`);
    expect(fs.existsSync(answers)).toBe(category !== 'irrelevance');
    const set = await importBfclSet(ws.db, {
      questions: { path: questions },
      answers: category === 'irrelevance' ? undefined : { path: answers },
      name: `export-${fileCategory}`,
    });
    expect(set.itemCount).toBe(ours.length);
    // Exported in id order within a category: the n-th item is the n-th accepted sample.
    const outputs = ours.map((s, n) => ({ id: `${fileCategory}_${n}`, result: s.outputText }));
    const { run, verdicts } = runCheck(ws.db, set.id, outputs);
    const failures = verdicts.filter((v) => !v.result.valid).map((v) => `${v.key}: ${v.output} → ${JSON.stringify(v.result.error)}`);
    expect(failures).toEqual([]);
    expect(run.summary?.accuracy).toBe(1);
  }
});
