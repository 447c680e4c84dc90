import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine } from '../../src/main/engine/api';
import { POOL, seedPool, tinyStarter } from '../evolution/fixture';
import { runCli } from '../helpers/cli';
import { tempDir } from '../jobs/helpers';

/**
 * One round through the real CLI (`toolsmith evolve`, starter model, tiny budgets), then every count of it as
 * the app (insight.*, evolution.rounds, datasets.stats), the CLI's table and the exported model card show it,
 * each compared with the test's own count of the stored rows and of the mix file the trainer read.
 */

/** The CLI's table as rows of named cells (columns are separated by two or more spaces). */
function tableRows(text: string): Record<string, string>[] {
  // The table may come in several parts (at most 100 columns each), each repeating the round column: merge them.
  const lines = text.split('\n');
  const first = lines.findIndex((l) => /^round\s+state\s/.test(l));
  expect(first, text).toBeGreaterThanOrEqual(0);
  const byRound = new Map<string, Record<string, string>>();
  for (let headerAt = first; headerAt < lines.length; headerAt++) {
    const header = lines[headerAt]!;
    if (!/^round\s{2,}\S/.test(header) || !/^-+\s/.test(lines[headerAt + 1] ?? '')) continue;
    const cells = [...header.matchAll(/\S+(?: \S+)*/g)];
    const starts = cells.map((m) => m.index);
    const names = cells.map((m) => m[0]);
    for (const line of lines.slice(headerAt + 2)) {
      if (!/^\d+\s/.test(line)) break;
      const row = Object.fromEntries(names.map((n, i) => [n, line.slice(starts[i], starts[i + 1]).trim()]));
      byRound.set(row.round!, { ...byRound.get(row.round!), ...row });
    }
  }
  return [...byRound.values()];
}

describe('the counts of a round agree everywhere', () => {
  it('insight.*, evolution.rounds, datasets.stats, the CLI table and the model card show the same numbers as the stored rows', async () => {
    const dir = tempDir('toolsmith-counts-');
    {
      const engine = openEngine(dir);
      try {
        seedPool(engine.ctx.db);
        await tinyStarter(engine.ctx.db, engine.ctx.workspace.modelsDir);
      } finally {
        await engine.close();
      }
    }
    const evolve = await runCli(
      [
        '--workspace',
        dir,
        'evolve',
        '-m',
        'starter',
        '--run-id',
        'counts',
        '--pool',
        POOL,
        '--rounds',
        '1',
        '--imports',
        '12',
        '--generated',
        '2',
        '-k',
        '3',
        '--pass-k',
        '3',
        '--max-tokens',
        '40',
        '--eval-set',
        'mini-unseen',
        'mini-in-domain',
        '--max-refinements',
        '1',
        '--threads',
        '1',
        '--backend',
        'native',
        '--epochs',
        '1',
        '--max-steps',
        '3',
        '--lr',
        '1e-4',
        '--context-length',
        '256',
        '--train-layers',
        'last',
        '--train-threads',
        '1',
      ],
      { timeoutMs: 600_000 },
    );
    expect(evolve.code, evolve.stdout + evolve.stderr).toBe(0);

    const engine = openEngine(dir);
    const client = createClient(engine);
    try {
      const db = engine.ctx.db;
      const r1 = db.prepare("SELECT id, result_model_id FROM rounds WHERE run_id = 'counts' AND seq = 1").get() as {
        id: number;
        result_model_id: number | null;
      };
      // The test's own counts, from the rows and the mix file.
      const rows = db.prepare('SELECT subtask, status FROM samples WHERE round_id = ?').all(r1.id) as { subtask: string; status: string }[];
      const generated = rows.filter((r) => r.subtask === 'invocation').length;
      const verified = rows.filter((r) => r.subtask === 'invocation' && r.status !== 'rejected').length;
      const toolsGenerated = rows.filter((r) => r.subtask === 'tool_generation').length;
      const selected = (
        db.prepare('SELECT COUNT(*) AS n FROM sample_passk WHERE round_id = ? AND selected = 1').get(r1.id) as { n: number }
      ).n;
      const mixLines = fs
        .readFileSync(path.join(dir, 'rounds', 'counts-r1.mix.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { subtask: string }).subtask);
      const trained = {
        invocation: mixLines.filter((s) => s === 'invocation').length,
        tool_generation: mixLines.filter((s) => s === 'tool_generation').length,
        doc_adaption: mixLines.filter((s) => s === 'doc_adaption').length,
        refinement: mixLines.filter((s) => s === 'refinement').length,
      };
      expect(generated).toBeGreaterThan(0);
      expect(toolsGenerated).toBeGreaterThan(0); // the cards once added these to "generated"
      expect(selected).toBeGreaterThan(0);
      expect(trained.doc_adaption).toBeGreaterThan(0); // the Datasets view once showed 0 for it
      const expected = { generated, verified, toolsGenerated, selected, trained };

      const insight = (await client.call('insight.rounds', { runId: 'counts' })).rounds.find((r) => r.seq === 1)!;
      expect(insight.counts).toMatchObject(expected);
      expect({ generated: insight.generated, verified: insight.verified, selected: insight.selected }).toEqual({
        generated,
        verified,
        selected,
      });
      const overview = await client.call('insight.overview', {});
      expect(overview.lastRound?.counts).toEqual(insight.counts);
      const evolution = (await client.call('evolution.rounds', { runId: 'counts' })).items.find((r) => r.seq === 1)!;
      expect(evolution.counts).toEqual(insight.counts);
      // The metrics the verify step stored say the same as the rows.
      const metric = (name: string) => insight.metrics.find((m) => m.name === name && m.category === '')?.value;
      expect([metric('samples_generated'), metric('samples_verified'), metric('samples_selected')]).toEqual([
        generated,
        verified,
        selected,
      ]);

      const stats = await client.call('datasets.stats', {});
      for (const s of stats.subtasks) expect(s.trained, s.subtask).toBe(trained[s.subtask]);

      // The CLI's table, as `toolsmith evolve` printed it.
      const cli = tableRows(evolve.stdout).find((r) => r.round === '1')!;
      expect([cli.generated, cli.verified, cli.selected]).toEqual([String(generated), String(verified), String(selected)]);

      // The exported model card and Modelfile: the round by its number in its run, the counts, accuracy in percent.
      // The model the round trained (registered with its round whether the round was accepted or not).
      const trainedModel = db.prepare('SELECT id FROM models WHERE round_id = ?').get(r1.id) as { id: number } | undefined;
      expect(trainedModel).toBeDefined();
      const model = trainedModel!.id;
      const out = tempDir('toolsmith-counts-out-');
      const exported = await runCli(['--workspace', dir, 'export', '--model', String(model), '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
      const modelfile = fs.readFileSync(path.join(out, 'Modelfile'), 'utf8');
      {
        expect(card).toContain('round 1 of run counts');
        expect(modelfile).toContain('round 1 of run counts');
        expect(card).not.toMatch(new RegExp(`round ${r1.id}\\b(?! of run)`));
        const cardCount = (label: string) => Number(new RegExp(`^\\| ${label} \\| (\\d+) \\|$`, 'm').exec(card)?.[1]);
        expect(cardCount('samples generated')).toBe(generated);
        expect(cardCount('samples verified')).toBe(verified);
        expect(cardCount('tools generated')).toBe(toolsGenerated);
        expect(cardCount('samples selected')).toBe(selected);
        expect(cardCount('training examples: doc adaption')).toBe(trained.doc_adaption);
        expect(cardCount('training examples: self-refinement')).toBe(trained.refinement);
        // Every accuracy of the round reads as a percent with its counts, as insight.rounds has it.
        for (const e of insight.evalRuns) {
          const pct = ((100 * e.correct) / e.items).toFixed(1);
          expect(card).toContain(`| Accuracy | ${e.set} | ${pct} % (${e.correct}/${e.items}) |`);
          expect(cli[`${e.set.replace(/^toolsmith-/, '')} %`]).toBe(`${pct} (${e.correct}/${e.items})`);
        }
        for (const m of card.matchAll(/(\d+(?:\.\d+)?) %/g)) expect(Number(m[1])).toBeLessThanOrEqual(100);
        const lineage = await runCli(['--workspace', dir, 'model', 'show', String(model)]);
        expect(lineage.stdout).toContain('round 1 of run counts');
      }
    } finally {
      await engine.close();
    }
  }, 900_000);
});
