import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { EvalSummary } from '../../shared/contract/eval';
import { accuracyWithCount } from '../../shared/format';
import type { OpenEngine } from './engine-opener';
import { nameOrId, numberFlag } from './flags';
import { runJobInForeground } from './jobs';
import { createProgressBar, formatDuration } from './progress';
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
      ...summary.categories.map((c) => [c.category, c.total, c.correct, accuracyWithCount(c.correct, c.total), topErrors(c.errorTypes)]),
      ['all', summary.total, summary.correct, accuracyWithCount(summary.correct, summary.total), ''],
    ],
  );
}

interface RunFlags {
  model?: string;
  remote?: string;
  remoteModel?: string;
  apiKey?: string;
  category?: string[];
  limit?: string;
  maxTokens: string;
  temperature: string;
  seed?: string;
  constrain: string;
  decoder: string;
  label: string;
  threads?: string;
  contextSize?: string;
  cpu?: boolean;
  json?: boolean;
}

/** `toolsmith eval run SET`: an eval.model job run here in the foreground (progress bar; Ctrl-C cancels it). */
async function runModelEvaluation(set: string, f: RunFlags, command: Command, open: OpenEngine): Promise<void> {
  if (!f.model && !f.remote)
    throw new Error('Name the model to evaluate: --model NAME (a registered model) or --remote URL --remote-model NAME.');
  if (f.model && f.remote) throw new Error('Give either --model or --remote, not both.');
  if (f.remote && !f.remoteModel) throw new Error('--remote needs --remote-model (the model name the server serves).');
  if (!['auto', 'calls', 'none'].includes(f.constrain)) throw new Error(`--constrain must be auto, calls or none, not "${f.constrain}".`);
  if (f.decoder !== 'bfcl' && f.decoder !== 'any') throw new Error(`--decoder must be "bfcl" or "any", not "${f.decoder}".`);
  const { engine, client } = open(command);
  const bar = createProgressBar({ stream: process.stderr });
  const startedAt = Date.now();
  try {
    const model = f.model ? nameOrId(f.model) : undefined;
    if (model !== undefined && (f.threads !== undefined || f.contextSize !== undefined || f.cpu)) {
      // Loaded here with these settings; the job then evaluates with the loaded model.
      await client.call('models.load', {
        model,
        threads: numberFlag('--threads', f.threads, { integer: true, min: 1 }),
        contextSize: numberFlag('--context-size', f.contextSize, { integer: true, min: 64 }),
        ...(f.cpu ? { gpu: false } : {}),
      });
    }
    const job = await runJobInForeground(
      client,
      async () => {
        const { jobId } = await client.call('models.evaluate', {
          set: nameOrId(set),
          ...(model !== undefined ? { model } : {}),
          ...(f.remote ? { remote: { baseUrl: f.remote, model: f.remoteModel!, apiKey: f.apiKey } } : {}),
          label: f.label,
          sampling: {
            temperature: numberFlag('--temperature', f.temperature, { min: 0 })!,
            maxTokens: numberFlag('--max-tokens', f.maxTokens, { integer: true, min: 1 })!,
            seed: numberFlag('--seed', f.seed, { integer: true }),
          },
          constrain: f.constrain as 'auto',
          decoder: f.decoder as 'bfcl',
          categories: f.category,
          limit: numberFlag('--limit', f.limit, { integer: true, min: 1 }),
        });
        return client.call('jobs.get', { id: jobId });
      },
      bar,
    );
    const took = formatDuration((Date.now() - startedAt) / 1000);
    if (job.state !== 'done') {
      bar.finish(
        job.state === 'cancelled'
          ? `Evaluation cancelled after ${took}; its unfinished run was removed.`
          : `Evaluation ${job.state}${job.error ? `: ${job.error}` : ''} (toolsmith jobs show ${job.id} for the stack; toolsmith jobs retry ${job.id} goes on).`,
      );
      process.exitCode = job.state === 'cancelled' ? 130 : 1;
      return;
    }
    const { runId } = await client.call('models.evaluationRun', { jobId: job.id });
    if (runId === null) throw new Error(`Job ${job.id} is done but names no stored run.`);
    const { run } = await client.call('eval.run', { runId, limit: 1, offset: 0 });
    bar.finish(`Job ${job.id} done in ${took}.`);
    if (f.json) {
      console.log(JSON.stringify({ run: run.id, job: job.id, set: run.setName, ...run.summary }));
      return;
    }
    if (run.summary) console.log(printSummaryTable(run.summary));
    console.log(`Run ${run.id} on "${run.setName}" stored; see failing items with the Evaluation view.`);
  } finally {
    bar.finish();
    await engine.close();
  }
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
    .command('import-bfcl [dir]')
    .description(
      "Import a held-out set from BFCL's non-live files (default folder ../shared/bfcl): a stratified seeded sample, equal shares per category",
    )
    .option('--sample <n>', 'items in the set', '200')
    .option('--seed <n>', 'seed of the sample', '1')
    .option('--name <name>', 'set name', 'bfcl-heldout')
    .action(async (dir: string | undefined, opts: { sample: string; seed: string; name: string }, command: Command) => {
      const sample = numberFlag('--sample', opts.sample, { integer: true, min: 1 })!;
      const seed = numberFlag('--seed', opts.seed, { integer: true })!;
      const { engine, client } = open(command);
      const bar = createProgressBar({ stream: process.stderr });
      const off = client.on('eval.importProgress', (p) => bar.update({ label: `${p.name} ${p.phase}`, done: p.items, total: null }));
      try {
        const { set, categories } = await client.call('eval.importBfclSample', {
          dir: path.resolve(dir ?? '../shared/bfcl'),
          sample,
          seed,
          name: opts.name,
        });
        bar.finish();
        console.log(
          formatTable(
            ['category', 'available', 'sampled'],
            categories.map((c) => [c.category, c.available, c.sampled]),
          ),
        );
        console.log(
          `Imported "${set.name}": ${set.itemCount} item(s), seed ${seed}; evaluate with --eval-set ${set.name} (held out: never trained on).`,
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
    .command('run <set>')
    .description('Evaluate a model on a set: a job run here with a progress bar (Ctrl-C cancels it), then the per-category table')
    .option('-m, --model <name>', 'a registered model (name or id)')
    .option('--remote <url>', 'or an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1')
    .option('--remote-model <name>', "the server's model name (with --remote)")
    .option('--api-key <key>', 'API key for --remote')
    .option('--category <category...>', 'only these categories')
    .option('--limit <n>', 'at most this many items')
    .option('--max-tokens <n>', 'tokens per answer', '256')
    .option('--temperature <t>', 'sampling temperature (0: greedy)', '0')
    .option('--seed <n>', 'sampling seed')
    .option('--constrain <mode>', "'auto' (calls, words for relevance categories), 'calls' or 'none'", 'auto')
    .option('--decoder <decoder>', "'bfcl' (as BFCL reads prompting models) or 'any' (also JSON/Hermes/OpenAI forms)", 'bfcl')
    .option('--label <label>', 'label stored with the run', '')
    .option('--threads <n>', 'load the model with this many threads (default: the Settings value, else chosen from the cores free)')
    .option('--context-size <n>', 'load the model with this context size')
    .option('--cpu', 'load the model on the CPU')
    .option('--json', 'print the summary as JSON')
    .action((set: string, flags: RunFlags, command: Command) => runModelEvaluation(set, flags, command, open));

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
        const setRef = nameOrId(set);
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
