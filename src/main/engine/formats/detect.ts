import path from 'node:path';
import type { DataFormat, PreviewSample, RecordProblem } from '../../../shared/contract/formats';
import type { InvocationInput } from '../samples/samples-repo';
import { buildSamples } from './finish';
import { readRecords } from './records';
import { formatModule, RECORD_FORMATS, type RecordFormat } from './registry';
import { readAnswers, SourceError, sourceFiles } from './source';

export interface FileDetection {
  format: RecordFormat | null;
  confidence: number;
  candidates: { format: DataFormat; score: number }[];
  /** Records looked at (that were JSON). */
  looked: number;
}

/**
 * Guesses a file's format from its first records: each format scores each record (0…1) and the best mean
 * wins. Records that are not JSON are skipped here (the import reports them).
 */
export async function detectFile(file: string, sampleSize = 20): Promise<FileDetection> {
  const totals = new Map<RecordFormat, number>();
  let looked = 0;
  for await (const record of readRecords(file)) {
    if ('error' in record) continue;
    looked += 1;
    for (const format of RECORD_FORMATS) {
      const score = safeScore(() => format.detect(record.value));
      if (score > 0) totals.set(format.id as RecordFormat, (totals.get(format.id as RecordFormat) ?? 0) + score);
    }
    if (looked >= sampleSize) break;
  }
  const candidates = [...totals.entries()]
    .map(([format, total]) => ({ format, score: Math.round((total / Math.max(1, looked)) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score);
  const best = candidates[0];
  return { format: best ? best.format : null, confidence: best?.score ?? 0, candidates, looked };
}

function safeScore(fn: () => number): number {
  try {
    return fn();
  } catch {
    return 0;
  }
}

export interface SourceDetection {
  format: DataFormat;
  innerFormat: DataFormat | null;
  confidence: number;
  candidates: { format: DataFormat; score: number }[];
  files: { file: string; split: string | null }[];
  preview: PreviewSample[];
  problems: RecordProblem[];
}

/**
 * What the import dialog shows before importing: the detected format (per file for a folder), and the first
 * records as they would be imported, or their problems.
 */
export async function detectSource(input: string, options: { answers?: string; previewCount?: number } = {}): Promise<SourceDetection> {
  const source = sourceFiles(input);
  const first = source.files[0]!;
  const detection = await detectFile(first.file);
  if (!detection.format) {
    throw new SourceError(
      detection.looked === 0
        ? `${first.file}: no JSON records found, so its format cannot be detected.`
        : `${first.file}: the records fit none of the known formats.`,
    );
  }
  const module = formatModule(detection.format);
  const answersFile = options.answers ? path.resolve(options.answers) : first.answers;
  const answers =
    detection.format === 'bfcl' && answersFile
      ? await readAnswers(answersFile, (f) => readRecords(f) as AsyncIterable<{ line: number; value?: unknown; error?: string }>)
      : undefined;
  const preview: PreviewSample[] = [];
  const problems: RecordProblem[] = [];
  const wanted = options.previewCount ?? 5;
  let seen = 0;
  for await (const record of readRecords(first.file)) {
    if (seen++ >= Math.max(wanted, 1) * 4 || preview.length >= wanted) break;
    if ('error' in record) {
      problems.push({ file: first.file, line: record.line, path: '', reason: record.error });
      continue;
    }
    const built = buildSamples(
      module,
      record.value,
      { answers },
      { file: first.file, line: record.line, format: detection.format },
      'candidate',
    );
    if ('problem' in built) {
      problems.push({ file: first.file, line: record.line, ...built.problem });
      continue;
    }
    for (const s of built.samples) {
      if (preview.length >= wanted) break;
      const input = s.input as InvocationInput;
      preview.push({
        file: first.file,
        line: record.line,
        category: s.category as PreviewSample['category'],
        query: input.query,
        tools: input.tools.map((t) => t.name),
        output: s.outputText,
        turns: input.messages?.length ?? 1,
      });
    }
  }
  return {
    format: source.folder ? 'hf' : detection.format,
    innerFormat: source.folder ? detection.format : null,
    confidence: detection.confidence,
    candidates: detection.candidates,
    files: source.files.map((f) => ({ file: f.file, split: f.split })),
    preview,
    problems,
  };
}
