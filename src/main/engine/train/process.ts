import { spawn } from 'node:child_process';
import readline from 'node:readline';
import type { TrainProgress } from '../../../shared/contract/train';
import { parseContractLine, progressFromLine, type DoneLine } from './contract';
import { foreignLineReader, type ForeignProtocol } from './command/foreign-logs';

/** Training was cancelled through its AbortSignal; nothing was registered. */
export class TrainCancelledError extends Error {
  constructor(message = 'Training was cancelled.') {
    super(message);
    this.name = 'TrainCancelledError';
  }
}

/** A trainer process failed: the message says what it reported, its exit code and the end of its log. */
export class TrainProcessError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(message);
    this.name = 'TrainProcessError';
  }
}

export interface ContractProcessOptions {
  /** Shown in errors: "native trainer", "command trainer (mlx-lm)". */
  label: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  protocol?: 'jsonl' | ForeignProtocol;
  /** For a foreign protocol: the run's step count, when the command line fixed it. */
  totalSteps?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  onSpawn?: (pid: number) => void;
  /** For trainers with their own log format (no `done` event): what a clean exit means. */
  impliedDone?: DoneLine;
  /** Milliseconds between SIGTERM and SIGKILL on cancel (default 1000). */
  killGraceMs?: number;
}

export interface ContractProcessResult {
  done: DoneLine;
  startInfo?: Record<string, unknown>;
  progress: TrainProgress[];
}

const EXIT_MEANING: Record<number, string> = {
  1: 'training failed',
  2: 'bad input (config or dataset)',
  3: 'the environment is missing something (see the message)',
};

/**
 * Runs one trainer process that speaks the contract (docs/trainer-contract.md) and resolves with its
 * `done` event. Cancelling (the signal) ends the whole process group: SIGTERM, then SIGKILL after the
 * grace period. A malformed stdout line fails the run (and ends the process): progress that cannot be
 * read is not progress that can be trusted.
 */
export function runContractProcess(options: ContractProcessOptions): Promise<ContractProcessResult> {
  const { label, signal } = options;
  const protocol = options.protocol ?? 'jsonl';
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TrainCancelledError());
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that cancelling also ends what a wrapper script started.
      detached: process.platform !== 'win32',
    });
    if (child.pid) options.onSpawn?.(child.pid);
    const stderrLines: string[] = [];
    const progress: TrainProgress[] = [];
    let done: DoneLine | undefined;
    let reported: { message: string; fix?: string } | undefined;
    let failure: Error | undefined;
    let startInfo: Record<string, unknown> | undefined;
    let lineNo = 0;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 1000);
      killTimer.unref();
    };
    const onAbort = () => {
      failure ??= new TrainCancelledError();
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const readForeign = protocol !== 'jsonl' ? foreignLineReader(protocol, { totalSteps: options.totalSteps }) : undefined;
    const out = readline.createInterface({ input: child.stdout! });
    out.on('line', (raw) => {
      lineNo++;
      if (failure) return;
      const line = raw.trim();
      if (!line) return;
      try {
        if (readForeign) {
          const p = readForeign(line);
          if (p) {
            progress.push(p);
            options.onProgress?.(p);
          } else options.onLog?.('info', line);
          return;
        }
        const event = parseContractLine(line, lineNo, `${label} stdout`);
        switch (event.event) {
          case 'start':
            startInfo = { ...(event.info ?? {}), total_steps: event.total_steps };
            break;
          case 'progress': {
            const p = progressFromLine(event);
            progress.push(p);
            options.onProgress?.(p);
            break;
          }
          case 'log':
            options.onLog?.(event.level, event.message);
            break;
          case 'error':
            reported = { message: event.message, fix: event.fix };
            break;
          case 'done':
            done = event;
            break;
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        stop();
      }
    });
    const err = readline.createInterface({ input: child.stderr! });
    err.on('line', (line) => {
      stderrLines.push(line);
      if (stderrLines.length > 40) stderrLines.shift();
    });

    const finish = (error: Error | undefined, result?: ContractProcessResult) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(result!);
    };
    child.on('error', (error) => {
      const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (is "${options.command}" installed and on PATH?)` : '';
      finish(new TrainProcessError(`${label}: could not start ${options.command}: ${error.message}${hint}`, null, ''));
    });
    child.on('close', (code, sig) => {
      const tail = stderrLines.slice(-12).join('\n');
      if (failure instanceof TrainCancelledError) return finish(failure);
      if (failure) {
        return finish(new TrainProcessError(`${label}: ${failure.message}`, code, tail));
      }
      if (code !== 0) {
        const meaning = code !== null ? EXIT_MEANING[code] : undefined;
        const what = reported
          ? reported.message + (reported.fix ? ` Fix: ${reported.fix}` : '')
          : tail
            ? `last log lines:\n${tail}`
            : 'no message';
        const how = code !== null ? `exit code ${code}${meaning ? ` (${meaning})` : ''}` : `signal ${sig}`;
        return finish(new TrainProcessError(`${label} failed with ${how}: ${what}`, code, tail));
      }
      done ??= protocol !== 'jsonl' ? options.impliedDone : undefined;
      if (!done) {
        return finish(
          new TrainProcessError(
            `${label} exited 0 without a "done" event on stdout (docs/trainer-contract.md: print {"event":"done",...} last)`,
            code,
            tail,
          ),
        );
      }
      finish(undefined, { done, startInfo, progress });
    });
  });
}
