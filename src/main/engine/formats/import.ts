import path from 'node:path';
import type { DataFormat, ImportMode, ImportProgress, ImportResult, RecordProblem } from '../../../shared/contract/formats';
import type { SampleStatus } from '../../../shared/contract/samples';
import type { Db } from '../db/open';
import { deletePendingBatch, publishImport, sampleWriter, tagSamples, type NewSample } from '../samples/samples-repo';
import { detectFile } from './detect';
import { buildSamples } from './finish';
import { readRecords } from './records';
import { formatModule, type RecordFormat } from './registry';
import { readAnswers, SourceError, sourceFiles, type SourceFile } from './source';
import { StagingFile } from './staging';
import {
  endImport,
  importCursorSaver,
  importLeaseRenewer,
  insertImport,
  markImportDone,
  markImportStoring,
} from '../workspace/imports-repo';

export interface ImportOptions {
  path: string;
  format?: DataFormat;
  answers?: string;
  mode: ImportMode;
  status: SampleStatus;
  maxProblems: number;
  signal?: AbortSignal;
  onStart?: (importId: number) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Records staged per transaction while reading. */
  batchSize?: number;
  /** Samples stored per transaction (each batch pending until the last transaction publishes them all). */
  storeBatchSize?: number;
  /** Called after each stored batch with how many samples are stored so far; awaited (tests hold an import here). */
  onStoredBatch?: (stored: number) => void | Promise<void>;
}

interface PlannedFile extends SourceFile {
  format: RecordFormat;
}

interface Staged {
  sample: NewSample;
  tags: string[];
}

/** Thrown for a source that cannot be imported at all (no file, unknown format); records' problems are listed instead. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Decides each file's format: the one asked for, or the one detected from its first records. */
async function plan(options: ImportOptions): Promise<{ folder: boolean; files: PlannedFile[]; detected: boolean }> {
  let source;
  try {
    source = sourceFiles(options.path);
  } catch (error) {
    if (error instanceof SourceError) throw new ImportError(error.message);
    throw error;
  }
  const asked = options.format && options.format !== 'hf' ? options.format : undefined;
  const files: PlannedFile[] = [];
  for (const f of source.files) {
    let format = asked;
    if (!format) {
      const found = await detectFile(f.file);
      if (!found.format) {
        throw new ImportError(
          found.looked === 0
            ? `${f.file}: no JSON records found, so its format cannot be detected.`
            : `${f.file}: the records fit none of the known formats (openai, sharegpt, llamafactory, hermes, xlam, bfcl, mlx); name one with --format.`,
        );
      }
      format = found.format;
    }
    files.push({ ...f, format, ...(options.answers && !source.folder ? { answers: path.resolve(options.answers) } : {}) });
  }
  return { folder: source.folder, files, detected: !asked };
}

/** How long an import's lease holds without a heartbeat (renewed every third of it, and with every batch). */
export const IMPORT_LEASE_MS = 30_000;

function abortError(): Error {
  const error = new Error('The import was cancelled.');
  error.name = 'AbortError';
  return error;
}

/**
 * Imports invocation samples from a file or a dataset folder.
 *
 * Records stream by; each valid one is staged (appended to a staging file, `staging.ts`, with the cursor saved
 * in `imports` per batch) and each malformed one is listed as a problem with file:line and field path. At the
 * end, if the mode allows, the staged samples are written to `samples` in batches (`storeInBatches`), each its
 * own short transaction, marked pending; one last transaction publishes them. A cancelled, rejected or killed
 * import leaves no visible sample.
 */
export async function importData(db: Db, options: ImportOptions): Promise<ImportResult> {
  const planned = await plan(options);
  const format: DataFormat = planned.folder ? 'hf' : planned.files[0]!.format;
  const innerFormat: DataFormat | null = planned.folder ? planned.files[0]!.format : null;
  const importId = insertImport(db, {
    path: path.resolve(options.path),
    format,
    options: {
      format: options.format ?? null,
      answers: options.answers ?? null,
      mode: options.mode,
      status: options.status,
      files: planned.files,
    },
    ownerPid: process.pid,
    leaseExpiresAt: Date.now() + IMPORT_LEASE_MS,
  });
  // The lease tells the start-up sweep of another process that this import is alive (workspace/sweep.ts).
  const renewLease = importLeaseRenewer(db, importId, process.pid);
  const heartbeat = setInterval(() => {
    if (db.open) renewLease(Date.now() + IMPORT_LEASE_MS);
  }, IMPORT_LEASE_MS / 3);
  heartbeat.unref();
  try {
    return await importInto(db, options, planned, importId, format, innerFormat);
  } finally {
    clearInterval(heartbeat);
  }
}

async function importInto(
  db: Db,
  options: ImportOptions,
  planned: Awaited<ReturnType<typeof plan>>,
  importId: number,
  format: DataFormat,
  innerFormat: DataFormat | null,
): Promise<ImportResult> {
  options.onStart?.(importId);

  const problems: RecordProblem[] = [];
  let problemCount = 0;
  let records = 0;
  let samples = 0;
  const byCategory: Record<string, number> = {};
  const batchSize = options.batchSize ?? 1000;
  let batch: Staged[] = [];
  const staging = StagingFile.forImport(db, importId);
  const saveCursor = importCursorSaver(db, importId);
  let current = { file: planned.files[0]!.file, bytesRead: 0, totalBytes: 0 };

  const progress = (phase: ImportProgress['phase']) =>
    options.onProgress?.({
      importId,
      phase,
      file: current.file,
      records,
      samples,
      problems: problemCount,
      bytesRead: current.bytesRead,
      totalBytes: current.totalBytes,
    });

  const flush = (fileIndex: number, line: number) => {
    const rows = batch;
    batch = [];
    staging.append(rows);
    saveCursor({
      cursor: { fileIndex, line, stagedBytes: staging.bytes },
      records,
      samples,
      problemCount,
      leaseExpiresAt: Date.now() + IMPORT_LEASE_MS,
    });
    progress('reading');
  };

  const addProblem = (file: string, line: number, pathInRecord: string, reason: string) => {
    problemCount += 1;
    if (problems.length < options.maxProblems) problems.push({ file, line, path: pathInRecord, reason });
  };

  const finishAs = (state: 'rejected' | 'cancelled' | 'failed') => {
    staging.remove();
    if (!db.open) return; // cancelled because the engine is closing: the samples were never written anyway
    endImport(db, importId, { state, records, samples, problemCount, problems });
  };

  const result = (state: ImportResult['state'], stored: number, duplicates: number): ImportResult => ({
    importId,
    format,
    innerFormat,
    detected: planned.detected,
    state,
    files: planned.files.map((f) => f.file),
    records,
    samples,
    stored,
    duplicates,
    problemCount,
    problems,
    byCategory,
  });
  // A cancel ends the import as 'cancelled' with nothing stored; any other error fails it and goes on up.
  const endAfter = (error: unknown): ImportResult => {
    if (error instanceof Error && error.name === 'AbortError') {
      finishAs('cancelled');
      progress('done');
      return result('cancelled', 0, 0);
    }
    finishAs('failed');
    throw error;
  };

  try {
    for (let fileIndex = 0; fileIndex < planned.files.length; fileIndex++) {
      const file = planned.files[fileIndex]!;
      const module = formatModule(file.format);
      const sourceFormat = planned.folder ? `hf/${file.format}` : file.format;
      const answers = file.format === 'bfcl' && file.answers ? await loadAnswers(file.answers) : undefined;
      current = { file: file.file, bytesRead: 0, totalBytes: 0 };
      let lastLine = 0;
      for await (const record of readRecords(file.file, {
        signal: options.signal,
        onBytes: (p) => {
          current.bytesRead = p.bytesRead;
          current.totalBytes = p.totalBytes;
        },
      })) {
        if (options.signal?.aborted) throw abortError();
        records += 1;
        lastLine = record.line;
        const built =
          'error' in record
            ? { problem: { path: '', reason: record.error } }
            : buildGuarded(() =>
                buildSamples(
                  module,
                  record.value,
                  { answers },
                  { file: file.file, line: record.line, format: sourceFormat },
                  options.status,
                ),
              );
        if ('problem' in built) addProblem(file.file, record.line, built.problem.path, built.problem.reason);
        else {
          for (const sample of built.samples) {
            samples += 1;
            byCategory[sample.category] = (byCategory[sample.category] ?? 0) + 1;
            // With mode 'none', staging stops at the first problem: nothing will be stored anyway.
            if (options.mode === 'valid' || problemCount === 0) batch.push({ sample, tags: file.split ? [`split:${file.split}`] : [] });
          }
        }
        if (batch.length >= batchSize || records % batchSize === 0) flush(fileIndex, record.line);
      }
      flush(fileIndex, lastLine);
    }
  } catch (error) {
    return endAfter(error);
  }

  if (problemCount > 0 && options.mode === 'none') {
    finishAs('rejected');
    progress('done');
    return result('rejected', 0, 0);
  }
  progress('storing');
  const markDone = (stored: number, duplicates: number) =>
    markImportDone(db, importId, { records, samples, stored, duplicates, problemCount, problems });
  let counts: { stored: number; duplicates: number };
  try {
    markImportStoring(db, importId);
    counts = await storeInBatches(db, staging, importId, {
      batchSize: options.storeBatchSize ?? 1000,
      signal: options.signal,
      onStoredBatch: async (stored) => {
        progress('storing');
        await options.onStoredBatch?.(stored);
      },
      markDone,
    });
  } catch (error) {
    // Cancelled or failed while storing: the pending samples go, a batch per transaction, then the row is ended.
    while (db.open && deletePendingBatch(db, importId, options.storeBatchSize ?? 1000) > 0) await yieldToOthers();
    return endAfter(error);
  }
  const { stored, duplicates } = counts;
  progress('done');
  return result('done', stored, duplicates);
}

/** A record that breaks the builder (a stack overflow on a pathological shape) is that record's problem, not the import's end. */
function buildGuarded(
  build: () => ReturnType<typeof buildSamples>,
): ReturnType<typeof buildSamples> | { problem: { path: string; reason: string } } {
  try {
    return build();
  } catch (error) {
    if (error instanceof RangeError) return { problem: { path: '', reason: `cannot be read (${error.message})` } };
    throw error;
  }
}

async function loadAnswers(file: string): Promise<Map<string, unknown>> {
  try {
    return await readAnswers(file, (f) => readRecords(f) as AsyncIterable<{ line: number; value?: unknown; error?: string }>);
  } catch (error) {
    if (error instanceof SourceError) throw new ImportError(error.message);
    throw error;
  }
}

/**
 * Lets another writer in between two batches: the event loop (a job step in this process) and, for a few
 * milliseconds, the database lock (another process's busy handler polls for it).
 */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Moves the staged samples into `samples`, `batchSize` per transaction, each marked pending for this import
 * (invisible to every query, see `VISIBLE_SAMPLE`), then publishes them and marks the import done in one last
 * transaction: the commit point. A second writer waits for one batch, never for the whole import. The staging
 * file is read a chunk at a time and removed afterwards.
 */
async function storeInBatches(
  db: Db,
  staging: StagingFile,
  importId: number,
  options: {
    batchSize: number;
    signal?: AbortSignal;
    onStoredBatch?: (stored: number) => void | Promise<void>;
    markDone: (stored: number, duplicates: number) => void;
  },
): Promise<{ stored: number; duplicates: number }> {
  const write = sampleWriter(db, { pendingImport: importId });
  const renewLease = importLeaseRenewer(db, importId);
  let stored = 0;
  let duplicates = 0;
  const storeBatch = db.transaction((rows: Staged[]) => {
    const tagged = new Map<string, number[]>();
    for (const staged of rows) {
      const id = write(staged.sample);
      if (id === null) duplicates += 1;
      else {
        stored += 1;
        for (const tag of staged.tags) {
          const ids = tagged.get(tag);
          if (ids) ids.push(id);
          else tagged.set(tag, [id]);
        }
      }
    }
    for (const [tag, ids] of tagged) tagSamples(db, ids, tag);
    renewLease(Date.now() + IMPORT_LEASE_MS);
  });
  try {
    let batch: Staged[] = [];
    const flush = async () => {
      if (options.signal?.aborted) throw abortError();
      storeBatch(batch);
      batch = [];
      await options.onStoredBatch?.(stored);
      await yieldToOthers();
    };
    for (const row of staging.rows()) {
      batch.push(row as Staged);
      if (batch.length >= options.batchSize) await flush();
    }
    if (batch.length) await flush();
    if (options.signal?.aborted) throw abortError();
    db.transaction(() => {
      publishImport(db, importId);
      options.markDone(stored, duplicates);
    })();
  } finally {
    staging.remove();
  }
  return { stored, duplicates };
}
