import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainerEnvStatus } from '../../../../shared/contract/train';

/**
 * The python trainer's managed virtual environment: one per pinned requirements file, keyed by its hash,
 * cached outside any repository (default `~/.cache/toolsmith/trainer-venv-<hash>`, or `$XDG_CACHE_HOME`, or
 * a folder the user names), so that a rerun reuses it and a changed pin gets a fresh one.
 */

export const pythonDir = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../python');
export const requirementsFile = (): string => path.join(pythonDir(), 'requirements.txt');
export const trainerScript = (): string => path.join(pythonDir(), 'trainer.py');

/** sha256 (16 hex) of the requirement lines, comments and blank lines left out. */
export function requirementsHash(file = requirementsFile()): string {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.replace(/\s+$/, ''))
    .filter(Boolean);
  return createHash('sha256').update(lines.join('\n') + '\n').digest('hex').slice(0, 16);
}

export interface TrainerEnvOptions {
  /** The venv folder; default: $TOOLSMITH_TRAINER_VENV, else the cache folder keyed by the hash. */
  venvDir?: string;
  /** The interpreter that creates the venv; default $TOOLSMITH_PYTHON, else python3, else python. */
  python?: string;
}

export function defaultVenvDir(hash = requirementsHash()): string {
  if (process.env.TOOLSMITH_TRAINER_VENV) return path.resolve(process.env.TOOLSMITH_TRAINER_VENV);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'toolsmith', `trainer-venv-${hash}`);
}

export function venvPython(venv: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python');
}

const MARKER = '.toolsmith-ready.json';

interface Marker {
  hash: string;
  device: 'cuda' | 'mps' | 'cpu';
  versions: Record<string, string>;
}

function readMarker(venv: string): Marker | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(venv, MARKER), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/** The system interpreter to build the venv with, or null with the reason. */
export function findPython(explicit?: string): { python: string | null; version?: string; problem?: string } {
  const candidates = explicit ? [explicit] : process.env.TOOLSMITH_PYTHON ? [process.env.TOOLSMITH_PYTHON] : ['python3', 'python'];
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
    if (r.status === 0) {
      const version = r.stdout.trim();
      const [maj, min] = version.split('.').map(Number);
      if (maj! < 3 || (maj === 3 && min! < 10)) return { python: null, problem: `${c} is Python ${version}; the trainer needs Python 3.10 or newer` };
      return { python: c, version };
    }
  }
  return {
    python: null,
    problem: `No Python found (tried ${candidates.join(', ')}). Install Python 3.10+ (python.org, or your package manager) or set TOOLSMITH_PYTHON to its path.`,
  };
}

export function trainerEnvStatus(options: TrainerEnvOptions = {}): TrainerEnvStatus {
  const hash = requirementsHash();
  const venv = options.venvDir ?? defaultVenvDir(hash);
  const marker = readMarker(venv);
  const ready = !!marker && marker.hash === hash && fs.existsSync(venvPython(venv));
  const found = ready ? { python: venvPython(venv) } : findPython(options.python);
  return {
    python: found.python,
    venv,
    ready,
    requirementsHash: hash,
    device: ready ? marker!.device : null,
    problem: ready ? null : (found as { problem?: string }).problem ?? `The trainer environment is not set up: run \`toolsmith trainer setup\` (creates ${venv}).`,
  };
}

function run(command: string, args: string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    let pending = '';
    const feed = (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (pending.trim()) onLine(pending);
      resolve(code ?? 1);
    });
  });
}

/**
 * Creates (or reuses) the venv, installs the pinned requirements with progress, and checks the device.
 * Idempotent: a venv whose marker carries the current hash is reused at once.
 */
export async function setupTrainerEnv(
  options: TrainerEnvOptions & { onLog?: (line: string) => void; signal?: AbortSignal; force?: boolean } = {},
): Promise<TrainerEnvStatus> {
  const log = options.onLog ?? (() => {});
  const hash = requirementsHash();
  const venv = options.venvDir ?? defaultVenvDir(hash);
  const before = trainerEnvStatus({ ...options, venvDir: venv });
  if (before.ready && !options.force) {
    log(`trainer environment ready: ${venv} (device ${before.device})`);
    return before;
  }
  const py = findPython(options.python);
  if (!py.python) throw new Error(py.problem);
  if (!fs.existsSync(venvPython(venv))) {
    log(`creating virtual environment ${venv} with ${py.python} ${py.version}`);
    fs.mkdirSync(path.dirname(venv), { recursive: true });
    const code = await run(py.python, ['-m', 'venv', venv], log, options.signal);
    if (code !== 0) throw new Error(`${py.python} -m venv ${venv} failed (exit ${code}). On Debian/Ubuntu install python3-venv.`);
  }
  log(`installing pinned requirements (${requirementsFile()}); torch is large, this can take several minutes`);
  const code = await run(venvPython(venv), ['-m', 'pip', 'install', '--progress-bar', 'off', '-r', requirementsFile()], log, options.signal);
  if (code !== 0) throw new Error(`pip install -r ${requirementsFile()} failed (exit ${code}); see the log above.`);
  let check: Record<string, unknown> = {};
  const checkCode = await run(venvPython(venv), [trainerScript(), '--check'], (line) => {
    try {
      const ev = JSON.parse(line) as Record<string, unknown>;
      if (ev.event === 'check') check = ev;
    } catch {
      log(line);
    }
  });
  if (checkCode !== 0 || !check.device) throw new Error(`The trainer's device check failed (exit ${checkCode}).`);
  const marker: Marker = {
    hash,
    device: check.device as Marker['device'],
    versions: { python: String(check.python), torch: String(check.torch), transformers: String(check.transformers), peft: String(check.peft) },
  };
  fs.writeFileSync(path.join(venv, MARKER), JSON.stringify(marker, null, 2));
  log(`trainer environment ready: ${venv} (device ${marker.device}; torch ${marker.versions.torch})`);
  return trainerEnvStatus({ ...options, venvDir: venv });
}
