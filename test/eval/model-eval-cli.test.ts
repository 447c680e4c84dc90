/** `toolsmith eval run`: a model evaluation job run by the real CLI in the foreground. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { createClient } from '../../src/shared/client';
import { runCli } from '../helpers/cli';
import { sharedDir, tempDir } from '../helpers/tmp';

const BFCL = path.join(sharedDir, 'bfcl');
const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

describe('toolsmith eval run', () => {
  it('runs an eval.model job with progress on stderr, prints the summary and stores the run', async () => {
    const ws = path.join(tempDir('toolsmith-eval-run-'), 'ws');
    const engine = openEngine(ws);
    try {
      const read = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const questions = read(path.join(BFCL, 'BFCL_v4_simple_python.json')).slice(0, 2);
      const ids = new Set(questions.map((q) => (JSON.parse(q) as { id: string }).id));
      const answers = read(path.join(BFCL, 'possible_answer', 'BFCL_v4_simple_python.json')).filter((l) =>
        ids.has((JSON.parse(l) as { id: string }).id),
      );
      await importBfclSet(engine.ctx.db, {
        name: 'mini',
        questions: { fileName: 'q.json', text: questions.join('\n') },
        answers: { fileName: 'a.json', text: answers.join('\n') },
      });
      await createClient(engine).call('models.import', { file: STORIES, name: 'stories' });
    } finally {
      await engine.close();
    }

    const result = await runCli(
      [
        '-w',
        ws,
        'eval',
        'run',
        'mini',
        '--model',
        'stories',
        '--threads',
        '1',
        '--cpu',
        '--context-size',
        '1024',
        '--max-tokens',
        '32',
        '--json',
      ],
      { timeoutMs: 120_000 },
    );
    expect(result.stderr).toMatch(/Job \d+: Evaluate stories on mini/);
    expect(result.stderr).toMatch(/Job \d+ done in/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { run: number; total: number; correct: number; set: string };
    expect(summary).toMatchObject({ set: 'mini', total: 2 });

    const reopened = openEngine(ws);
    try {
      const { items } = await createClient(reopened).call('eval.runs', { set: 'mini' });
      expect(items.map((r) => [r.id, r.summary?.total, r.summary?.correct])).toEqual([[summary.run, 2, summary.correct]]);
    } finally {
      await reopened.close();
    }

    const bad = await runCli(['-w', ws, 'eval', 'run', 'mini'], { timeoutMs: 60_000 });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--model NAME/);
  });
});
