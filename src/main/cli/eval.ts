import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { EvalSummary } from '../../shared/contract/eval';
import type { OpenEngine } from './engine-opener';
import { createProgressBar } from './progress';
import { formatTable } from './table';

/** BFCL's result-file shape: one `{"id": "...", "result": "<raw model text>"}` per line. */
async function readOutputs(file: string): Promise<{ id: string; result: string }[]> {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file.`);
  const out: { id: string; result: string }[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${n}: not valid JSON (${(error as Error).message}).`);
    }
    const r = record as { id?: unknown; result?: unknown };
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string') throw new Error(`${file}:${n}: "id" must be a string.`);
    if (r.result === undefined) throw new Error(`${file}:${n}: "result" is missing.`);
    // Function-calling models' results are JSON structures; they are checked as their JSON text.
    out.push({ id: r.id, result: typeof r.result === 'string' ? r.result : JSON.stringify(r.result) });
  }
  return out;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function topErrors(errorTypes: Record<string, number>, n = 3): string {
  return Object.entries(errorTypes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}

export function printSummaryTable(summary: EvalSummary): string {
  return formatTable(
    ['category', 'items', 'correct', 'accuracy', 'errors'],
    [
      ...summary.categories.map((c) => [c.category, c.total, c.correct, pct(c.accuracy), topErrors(c.errorTypes)]),
      ['all', summary.total, summary.correct, pct(summary.accuracy), ''],
    ],
  );
}

export function registerEvalCommands(program: Command, open: OpenEngine): void {
  const evalCmd = program.command('eval').description('Evaluation sets (BFCL format) and checks of model outputs');

  evalCmd
    .command('import <questions> [answers]')
    .description('Import a BFCL question file and its possible-answer file as an evaluation set (named after the questions file)')
    .option('--name <name>', 'set name (default: the questions file name without extension)')
    .action(async (questions: string, answers: string | undefined, opts: { name?: string }, command: Command) => {
      const { engine, client } = open(command);
      const bar = createProgressBar({ stream: process.stderr });
      const off = client.on('eval.importProgress', (p) => bar.update({ label: `${p.name} ${p.phase}`, done: p.items, total: null }));
      try {
        const { set } = await client.call('eval.import', {
          questions: { path: path.resolve(questions) },
          answers: answers ? { path: path.resolve(answers) } : undefined,
          name: opts.name,
        });
        bar.finish();
        console.log(
          `Imported "${set.name}": ${set.itemCount} item(s) (${set.categories.map((c) => `${c.category} ${c.count}`).join(', ')})`,
        );
      } finally {
        off();
        bar.finish();
        await engine.close();
      }
    });

  evalCmd
    .command('list')
    .description('List evaluation sets with their category counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { items } = await client.call('eval.listSets');
        if (opts.json) {
          console.log(JSON.stringify(items));
          return;
        }
        if (items.length === 0) {
          console.log('No evaluation sets yet: import one with `toolsmith eval import QUESTIONS ANSWERS`.');
          return;
        }
        console.log(
          formatTable(
            ['id', 'name', 'items', 'categories'],
            items.map((s) => [s.id, s.name, s.itemCount, s.categories.map((c) => `${c.category} ${c.count}`).join(', ')]),
          ),
        );
      } finally {
        await engine.close();
      }
    });

  evalCmd
    .command('check <set> <outputs>')
    .description('Check model outputs (BFCL result file: {"id", "result"} per line) against a set with BFCL\'s rules')
    .option('--json', 'one line per item {"id","valid","error_type"}, then the summary')
    .option('--label <label>', 'label stored with the run', '')
    .option('--decoder <decoder>', "'bfcl' (as BFCL reads prompting models) or 'any' (also JSON/Hermes/OpenAI forms)", 'bfcl')
    .action(async (set: string, outputsFile: string, opts: { json?: boolean; label: string; decoder: string }, command: Command) => {
      if (opts.decoder !== 'bfcl' && opts.decoder !== 'any') throw new Error(`--decoder must be "bfcl" or "any", not "${opts.decoder}".`);
      const outputs = await readOutputs(outputsFile);
      const { engine, client } = open(command);
      try {
        const setRef = /^\d+$/.test(set) ? Number(set) : set;
        const { run, results } = await client.call('eval.check', {
          set: setRef,
          outputs,
          label: opts.label,
          decoder: opts.decoder,
          includeResults: Boolean(opts.json),
        });
        if (opts.json) {
          for (const r of results ?? []) console.log(JSON.stringify({ id: r.id, valid: r.valid, error_type: r.errorType }));
          console.log(JSON.stringify({ run: run.id, set: run.setName, ...run.summary }));
          return;
        }
        if (run.summary) console.log(printSummaryTable(run.summary));
        console.log(`Run ${run.id} on "${run.setName}" stored; see failing items with the Evaluation view.`);
      } finally {
        await engine.close();
      }
    });
}
