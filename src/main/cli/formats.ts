import type { Command } from 'commander';
import path from 'node:path';
import { DataFormat, ExportFormat, ImportMode, type ImportResult } from '../../shared/contract/formats';
import { SampleStatus, Subtask, type SampleFilter } from '../../shared/contract/samples';
import type { OpenEngine } from './engine-opener';
import { nameOrId } from './flags';
import { createProgressBar } from './progress';
import { formatTable } from './table';

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

function oneOf<T extends string>(schema: { options: readonly T[] }, value: string, flag: string): T {
  if (!(schema.options as readonly string[]).includes(value))
    throw new Error(`${flag} must be one of ${schema.options.join(', ')}, not "${value}".`);
  return value as T;
}

function wholeNumbers(value: string, flag: string, allowNone = false): (number | null)[] {
  return (list(value) ?? []).map((v) => {
    if (allowNone && v === 'none') return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`${flag} takes whole numbers separated by commas${allowNone ? ' (or "none")' : ''}, not "${v}".`);
    return n;
  });
}

interface ExportOpts {
  format?: string;
  out: string;
  status?: string;
  subtask?: string;
  round?: string;
  category?: string;
  ids?: string;
  tag?: string;
  license?: string;
  name?: string;
  splits?: string;
  json?: boolean;
}

/** The sample filter of `toolsmith export`'s options. */
export function filterOf(opts: ExportOpts): SampleFilter {
  const filter: SampleFilter = {};
  if (opts.subtask) filter.subtask = oneOf(Subtask, opts.subtask, '--subtask');
  if (opts.status) filter.status = list(opts.status)?.map((s) => oneOf(SampleStatus, s, '--status'));
  if (opts.round) filter.round = wholeNumbers(opts.round, '--round', true);
  if (opts.category) filter.category = list(opts.category);
  if (opts.ids) filter.ids = wholeNumbers(opts.ids, '--ids') as number[];
  if (opts.tag) filter.tag = opts.tag;
  return filter;
}

function summary(result: ImportResult): string {
  const format = result.innerFormat ? `${result.format} (${result.innerFormat} files)` : result.format;
  const categories = Object.entries(result.byCategory)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `format: ${format}${result.detected ? ' (detected)' : ''}`,
    `records: ${result.records}, samples: ${result.samples}${categories ? ` (${categories})` : ''}`,
    `stored: ${result.stored}, already in the workspace: ${result.duplicates}, problems: ${result.problemCount}`,
  ].join('\n');
}

export function registerFormatsCommands(program: Command, open: OpenEngine): void {
  program
    .command('import <file>')
    .description('Import tool-use samples from a JSONL/JSON file or a Hugging Face dataset folder (format detected unless given)')
    .option('--format <format>', `one of ${DataFormat.options.join(', ')}`)
    .option('--answers <file>', 'BFCL: the possible-answer file that goes with the questions')
    .option('--mode <mode>', 'when records are malformed: "none" stores nothing, "valid" stores the valid ones', 'none')
    .option('--status <status>', `status of the imported samples (${SampleStatus.options.join(', ')})`, 'candidate')
    .option('--json', 'print the result as JSON')
    .action(
      async (file: string, opts: { format?: string; answers?: string; mode: string; status: string; json?: boolean }, command: Command) => {
        const format = opts.format ? oneOf(DataFormat, opts.format, '--format') : undefined;
        const mode = oneOf(ImportMode, opts.mode, '--mode');
        const status = oneOf(SampleStatus, opts.status, '--status');
        const { engine, client } = open(command);
        const bar = createProgressBar({ stream: process.stderr });
        const off = client.on('formats.importProgress', (p) =>
          bar.update({
            label: `${path.basename(p.file)} ${p.phase}`,
            done: p.totalBytes > 0 ? Math.round((p.bytesRead / p.totalBytes) * 100) : p.records,
            total: p.totalBytes > 0 ? 100 : null,
            message: `${p.records} records, ${p.problems} problems`,
          }),
        );
        const cancel = () => void client.call('formats.cancelImport', {});
        process.once('SIGINT', cancel);
        try {
          const result = await client.call('formats.import', {
            path: path.resolve(file),
            format,
            answers: opts.answers ? path.resolve(opts.answers) : undefined,
            mode,
            status,
          });
          bar.finish();
          if (opts.json) console.log(JSON.stringify(result, null, 2));
          else {
            console.log(summary(result));
            for (const p of result.problems.slice(0, 20)) console.log(`  ${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.reason}`);
            if (result.problemCount > 20) console.log(`  … and ${result.problemCount - 20} more`);
          }
          if (result.state === 'rejected') {
            throw new Error(
              `nothing was imported: ${result.problemCount} record(s) are malformed. Fix them, or import the valid ones with --mode valid.`,
            );
          }
          if (result.state === 'cancelled') throw new Error('the import was cancelled; nothing was stored.');
        } finally {
          process.off('SIGINT', cancel);
          off();
          bar.finish();
          await engine.close();
        }
      },
    );

  program
    .command('export')
    .description('Export invocation samples as training or evaluation data (--format), or a registry model (--model), into a folder')
    .option('--format <format>', `one of ${ExportFormat.options.join(', ')}`)
    .option('--model <model>', 'export this registry model (name or id): its GGUF or LoRA adapter, an Ollama Modelfile and a model card')
    .option('--no-ollama', 'with --model: no Ollama Modelfile')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--status <list>', 'only these statuses, comma-separated (e.g. accepted,edited)')
    .option('--subtask <subtask>', 'only this sub-task')
    .option('--round <list>', 'only samples of these rounds, comma-separated ("none": samples of no round)')
    .option('--category <list>', 'only these categories, comma-separated')
    .option('--ids <list>', 'only these sample ids, comma-separated')
    .option('--tag <tag>', 'only samples with this tag')
    .option('--name <name>', 'dataset name (file names, dataset_info.json, card)', 'toolsmith')
    .option('--license <licence>', 'hf: licence in the dataset card', 'other')
    .option('--splits <shares>', 'hf/mlx: train,validation,test shares for samples without a split: tag', '0.8,0.1,0.1')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ExportOpts & { model?: string; ollama: boolean }, command: Command) => {
      if (opts.model !== undefined) {
        if (opts.format !== undefined) throw new Error('give either --format (samples) or --model (a model), not both.');
        const { engine, client } = open(command);
        try {
          const model = nameOrId(opts.model);
          const result = await client.call('formats.exportModel', { model, out: path.resolve(opts.out), ollama: opts.ollama });
          if (opts.json) console.log(JSON.stringify(result, null, 2));
          else {
            console.log(`Exported ${result.model}${result.base ? ` (a LoRA adapter for ${result.base.name})` : ''} into ${result.out}`);
            console.log(
              formatTable(
                ['file', 'bytes'],
                result.files.map((f) => [path.basename(f.file), f.bytes]),
              ),
            );
          }
        } finally {
          await engine.close();
        }
        return;
      }
      if (opts.format === undefined) throw new Error('give --format (to export samples) or --model (to export a model).');
      const format = oneOf(ExportFormat, opts.format, '--format');
      const shares = (opts.splits ?? '0.8,0.1,0.1').split(',').map(Number);
      if (shares.length !== 3 || shares.some((n) => !Number.isFinite(n) || n < 0))
        throw new Error(`--splits takes three shares like 0.8,0.1,0.1, not "${opts.splits}".`);
      const filter = filterOf(opts);
      const { engine, client } = open(command);
      try {
        const result = await client.call('formats.export', {
          format,
          out: path.resolve(opts.out),
          filter,
          splits: { train: shares[0]!, validation: shares[1]!, test: shares[2]! },
          license: opts.license,
          name: opts.name,
        });
        // Nothing written is a warning (on stderr, also with --json), not a success.
        if (result.samples === 0)
          console.error(
            `Warning: nothing exported: ${result.skippedCount > 0 ? `all ${result.skippedCount} matching sample(s) were skipped` : 'no sample matches these filters'}.`,
          );
        if (opts.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        if (result.samples > 0) console.log(`Exported ${result.samples} sample(s) as ${result.format} into ${result.out}`);
        console.log(
          formatTable(
            ['file', 'records'],
            result.files.map((f) => [path.relative(result.out, f.file), f.records]),
          ),
        );
        if (result.skippedCount > 0) {
          console.log(`Skipped ${result.skippedCount} sample(s):`);
          for (const s of result.skipped.slice(0, 10)) console.log(`  #${s.id}: ${s.reason}`);
        }
      } finally {
        await engine.close();
      }
    });
}
