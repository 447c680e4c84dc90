import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { ExportFormat, ExportResult } from '../../../shared/contract/formats';
import { InvocationCategory, type SampleFilter } from '../../../shared/contract/samples';
import type { Db } from '../db/open';
import { recordOutputDir as rememberOutputDir } from '../workspace/output-dirs-repo';
import { pagesOfSamples, tagsOf, type InvocationInput, type SampleRecord, type Turn } from '../samples/samples-repo';
import { parseCallText } from './calls';
import { isRecord } from './common';
import { bfclQuestion, groundTruthOf } from './bfcl';
import { datasetInfo } from './llamafactory';
import { chatMessages, openaiTools } from './openai';
import { formatModule } from './registry';
import type { DraftTurn, ExportSample } from './types';

export interface ExportOptions {
  format: ExportFormat;
  out: string;
  filter: SampleFilter;
  splits: { train: number; validation: number; test: number };
  license: string;
  name: string;
}

const SPLITS = ['train', 'validation', 'test'] as const;
type Split = (typeof SPLITS)[number];

/** Why a stored sample cannot be exported, or the sample as the writers see it. */
export function exportSampleOf(record: SampleRecord, tags: readonly string[] = []): ExportSample | { reason: string } {
  if (record.subtask !== 'invocation') return { reason: `a ${record.subtask} sample, not an invocation sample` };
  const category = InvocationCategory.safeParse(record.category);
  if (!category.success) return { reason: `its category "${record.category}" is not one of BFCL's` };
  const input = record.input as InvocationInput;
  if (!isRecord(input) || typeof input.query !== 'string' || !Array.isArray(input.tools))
    return { reason: 'its input is not {query, tools}' };
  let output: ExportSample['output'];
  if (category.data === 'irrelevance') output = { text: record.outputText };
  else {
    const parsed = parseCallText(record.outputText);
    if ('error' in parsed) return { reason: `its output does not parse as calls: ${parsed.error}` };
    if (parsed.calls.length === 0) return { reason: 'its output makes no call but its category is not irrelevance' };
    output = { calls: parsed.calls };
  }
  const prompt: DraftTurn[] = [];
  for (const turn of input.messages ?? [{ role: 'user', content: input.query } as Turn]) {
    if (turn.role === 'assistant' && 'calls' in turn) {
      const parsed = parseCallText(turn.calls);
      if ('error' in parsed) return { reason: `a call in its conversation does not parse: ${parsed.error}` };
      prompt.push({ role: 'assistant', calls: parsed.calls });
    } else prompt.push(turn);
  }
  const split = tags.find((t) => t.startsWith('split:'))?.slice('split:'.length);
  return {
    id: record.id,
    category: category.data,
    query: input.query,
    tools: input.tools,
    prompt,
    ...(input.system ? { system: input.system } : {}),
    output,
    ...(split ? { split } : {}),
    sourceFormat: record.sourceFormat,
    sourceFile: record.sourceFile,
    roundId: record.roundId,
    status: record.status,
  };
}

/** A stable split for a sample without a `split:` tag: a hash of its id against the shares. */
function splitOf(sample: ExportSample, shares: ExportOptions['splits']): Split {
  const tagged = sample.split === 'valid' || sample.split === 'dev' ? 'validation' : sample.split;
  if (tagged === 'train' || tagged === 'validation' || tagged === 'test') return tagged;
  const total = shares.train + shares.validation + shares.test;
  const u = createHash('sha256').update(String(sample.id)).digest().readUInt32BE(0) / 2 ** 32;
  if (u < shares.train / total) return 'train';
  if (u < (shares.train + shares.validation) / total) return 'validation';
  return 'test';
}

/** Remembers a folder an export writes to, so that the start-up sweep can find its temp files after a kill. */
export function recordOutputDir(db: Db, dir: string): void {
  rememberOutputDir(db, dir);
}

/** Lines appended to files written under temporary names, renamed into place only when all is written. */
class OutFiles {
  private readonly open = new Map<string, { fd: number; tmp: string; records: number }>();
  constructor(private readonly dir: string) {}

  append(rel: string, records: unknown[]): void {
    if (records.length === 0 && this.open.has(rel)) return;
    let f = this.open.get(rel);
    if (!f) {
      const final = path.join(this.dir, rel);
      fs.mkdirSync(path.dirname(final), { recursive: true });
      const tmp = `${final}.${process.pid}.tmp`;
      f = { fd: fs.openSync(tmp, 'w'), tmp, records: 0 };
      this.open.set(rel, f);
    }
    if (records.length > 0) fs.writeSync(f.fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    f.records += records.length;
  }

  writeText(rel: string, text: string): void {
    this.append(rel, []);
    fs.writeSync(this.open.get(rel)!.fd, text);
  }

  commit(): { file: string; records: number }[] {
    const out: { file: string; records: number }[] = [];
    for (const [rel, f] of this.open) {
      fs.closeSync(f.fd);
      fs.renameSync(f.tmp, path.join(this.dir, rel));
      out.push({ file: path.join(this.dir, rel), records: f.records });
    }
    this.open.clear();
    return out;
  }

  abandon(): void {
    for (const f of this.open.values()) {
      try {
        fs.closeSync(f.fd);
      } catch {
        // already closed
      }
      fs.rmSync(f.tmp, { force: true });
    }
    this.open.clear();
  }
}

/** BFCL's test-category names for our categories (python for simple). */
const BFCL_CATEGORY: Record<InvocationCategory, string> = {
  simple: 'simple_python',
  multiple: 'multiple',
  parallel: 'parallel',
  parallel_multiple: 'parallel_multiple',
  irrelevance: 'irrelevance',
};

interface Summary {
  bySplit: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
  bySource: Record<string, number>;
  byStatus: Record<string, number>;
  byRound: Record<string, number>;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * Writes the selected invocation samples in a format, into `out`. Samples are read a page at a time; files
 * appear under their final names only once complete.
 */
export function exportData(db: Db, options: ExportOptions): ExportResult {
  const out = path.resolve(options.out);
  fs.mkdirSync(out, { recursive: true });
  recordOutputDir(db, out);
  const files = new OutFiles(out);
  const skipped: ExportResult['skipped'] = [];
  let skippedCount = 0;
  let samples = 0;
  const bfclCounters = new Map<string, number>();
  const summary: Summary = { bySplit: {}, byCategory: {}, bySource: {}, byStatus: {}, byRound: {} };
  const writer = options.format === 'hf' ? formatModule('openai') : formatModule(options.format);
  try {
    for (const page of pagesOfSamples(db, options.filter)) {
      const tags = tagsOf(
        db,
        page.map((r) => r.id),
      );
      const byFile = new Map<string, unknown[]>();
      const add = (rel: string, record: unknown) => {
        const list = byFile.get(rel);
        if (list) list.push(record);
        else byFile.set(rel, [record]);
      };
      for (const record of page) {
        const decoded = exportSampleOf(record, tags.get(record.id));
        const sample = 'reason' in decoded ? decoded : (writer?.cannotHold?.(decoded) ?? decoded);
        if (typeof sample === 'string' || 'reason' in sample) {
          const reason = typeof sample === 'string' ? sample : sample.reason;
          skippedCount += 1;
          if (skipped.length < 1000) skipped.push({ id: record.id, reason });
          continue;
        }
        samples += 1;
        const split = splitOf(sample, options.splits);
        bump(summary.bySplit, split);
        bump((summary.byCategory[split] ??= {}), sample.category);
        bump(summary.bySource, sample.sourceFormat ?? 'generated');
        bump(summary.byStatus, sample.status);
        bump(summary.byRound, sample.roundId === null ? 'none' : String(sample.roundId));
        switch (options.format) {
          case 'mlx':
            add(`${split === 'validation' ? 'valid' : split}.jsonl`, formatModule('mlx').write(sample));
            break;
          case 'hf':
            add(`data/${split}.jsonl`, {
              id: sample.id,
              category: sample.category,
              messages: chatMessages(sample, true),
              tools: openaiTools(sample),
            });
            break;
          case 'bfcl': {
            const category = BFCL_CATEGORY[sample.category];
            const n = bfclCounters.get(category) ?? 0;
            bfclCounters.set(category, n + 1);
            const id = `${category}_${n}`;
            add(`BFCL_v4_${category}.json`, bfclQuestion(sample, id));
            if ('calls' in sample.output) add(`possible_answer/BFCL_v4_${category}.json`, groundTruthOf(id, sample.output.calls));
            break;
          }
          default:
            add(`${options.name}.jsonl`, formatModule(options.format).write(sample));
        }
      }
      for (const [rel, records] of byFile) files.append(rel, records);
    }
    if (options.format === 'llamafactory') {
      files.writeText('dataset_info.json', `${JSON.stringify(datasetInfo(options.name, `${options.name}.jsonl`), null, 2)}\n`);
    }
    if (options.format === 'mlx') for (const split of ['train', 'valid', 'test']) files.append(`${split}.jsonl`, []);
    if (options.format === 'hf') {
      for (const split of SPLITS) files.append(`data/${split}.jsonl`, []);
      files.writeText('README.md', datasetCard(options, summary, samples));
    }
    if (options.format !== 'mlx' && options.format !== 'hf' && options.format !== 'bfcl') files.append(`${options.name}.jsonl`, []);
    return { format: options.format, out, files: files.commit(), samples, skipped, skippedCount };
  } catch (error) {
    files.abandon();
    throw error;
  }
}

function table(title: string, rows: [string, number][]): string {
  if (rows.length === 0) return '';
  return `| ${title} | samples |\n| --- | ---: |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`;
}

/** The README dataset card: YAML header (licence, configs, split sizes) and counts with provenance. */
function datasetCard(options: ExportOptions, summary: Summary, total: number): string {
  const header = {
    license: options.license,
    pretty_name: options.name,
    task_categories: ['text-generation'],
    tags: ['function-calling', 'tool-use', 'toolsmith'],
    configs: [{ config_name: 'default', data_files: SPLITS.map((split) => ({ split, path: `data/${split}.jsonl` })) }],
    dataset_info: { splits: SPLITS.map((split) => ({ name: split, num_examples: summary.bySplit[split] ?? 0 })) },
  };
  const categories = InvocationCategory.options;
  const byCategory =
    `| split | ${categories.join(' | ')} | total |\n| --- |${categories.map(() => ' ---: |').join('')} ---: |\n` +
    SPLITS.map((s) => `| ${s} | ${categories.map((c) => summary.byCategory[s]?.[c] ?? 0).join(' | ')} | ${summary.bySplit[s] ?? 0} |`).join(
      '\n',
    );
  const sorted = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]);
  return `---
${toYaml(header).trimEnd()}
---

# ${options.name}

Tool-invocation samples exported by Toolsmith: ${total} samples. Each line of \`data/<split>.jsonl\` is an OpenAI
chat record (\`messages\` with \`tool_calls\`, \`tools\`) plus the sample's \`id\` and BFCL \`category\` (simple,
multiple, parallel, parallel_multiple, irrelevance).

## Counts

${byCategory}

## Provenance

Where the samples came from (import format, or generated by Toolsmith), their curation status, and the
self-evolution round that produced them.

${table('source', sorted(summary.bySource))}
${table('status', sorted(summary.byStatus))}
${table('round', sorted(summary.byRound))}
## Licence

\`${options.license}\`. Samples imported from other datasets keep those datasets' licences; check them before
publishing.
`;
}
