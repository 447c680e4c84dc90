/**
 * A one-line progress bar for CLI commands that run jobs. On a terminal the line redraws in place; when
 * the output is a pipe or a file, it prints plain lines instead: one per label (a job's step) and tenth of
 * it reached, never again for a tenth already printed, so a log holds at most 11 lines per step.
 */
export interface ProgressState {
  /** What is being done ("write-2 (2/3)"). */
  label: string;
  done: number;
  total: number | null;
  /** Items per second. */
  rate?: number | null;
  etaSeconds?: number | null;
  message?: string | null;
}

export interface ProgressBar {
  update(state: ProgressState): void;
  /** Prints a line above the bar (the bar is redrawn below it). */
  log(line: string): void;
  /** Removes the bar; prints `line` when given. */
  finish(line?: string): void;
}

export interface ProgressBarOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force terminal (true) or plain-line (false) mode; default: the stream's isTTY. */
  tty?: boolean;
}

/** The CLI prints spans compactly (`2m05s`); shared so every command says them alike. */
import { formatCompactDuration as formatDuration } from '../../shared/format';

export { formatDuration };

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function formatRate(rate: number): string {
  return rate >= 100 ? `${Math.round(rate)}/s` : rate >= 10 ? `${rate.toFixed(1)}/s` : `${rate.toFixed(2)}/s`;
}

/** The numbers after the bar: "45% 450/1000 12.3/s eta 40s". */
export function formatStats(state: ProgressState): string {
  const parts: string[] = [];
  if (state.total !== null && state.total > 0) {
    parts.push(`${Math.floor(Math.min(1, state.done / state.total) * 100)}%`, `${formatCount(state.done)}/${formatCount(state.total)}`);
  } else {
    parts.push(formatCount(state.done));
  }
  if (state.rate !== null && state.rate !== undefined && state.rate > 0) parts.push(formatRate(state.rate));
  if (state.etaSeconds !== null && state.etaSeconds !== undefined) parts.push(`eta ${formatDuration(state.etaSeconds)}`);
  return parts.join(' ');
}

/** One terminal line of at most `width` characters: label, bar, numbers, message. */
export function formatBarLine(state: ProgressState, width: number): string {
  const stats = formatStats(state);
  const fraction = state.total && state.total > 0 ? Math.min(1, Math.max(0, state.done / state.total)) : null;
  const barWidth = Math.max(10, Math.min(30, width - state.label.length - stats.length - 6));
  const filled = fraction === null ? 0 : Math.round(fraction * barWidth);
  const bar = fraction === null ? '·'.repeat(barWidth) : '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  let line = `${state.label} ${bar} ${stats}`;
  if (state.message) line += `  ${state.message}`;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** The plain (non-terminal) line: no bar characters, nothing redrawn. */
export function formatPlainLine(state: ProgressState): string {
  return `${state.label}: ${formatStats(state)}${state.message ? `  ${state.message}` : ''}`;
}

export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  let drawn = false;
  let last: ProgressState | undefined;
  /** Plain mode: the highest tenth printed per label (-1: printed without a total). */
  const printed = new Map<string, number>();

  const clear = () => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!tty || !last) return;
    const width = Math.max(40, (stream.columns ?? 80) - 1);
    stream.write(`\r\x1b[2K${formatBarLine(last, width)}`);
    drawn = true;
  };

  return {
    update(state) {
      last = state;
      if (tty) return draw();
      // Plain mode: a line when a label first reaches a tenth (bounded however long or jittery the step).
      const tenth = state.total && state.total > 0 ? Math.min(10, Math.floor((state.done / state.total) * 10)) : -1;
      const before = printed.get(state.label);
      if (before === undefined || tenth > before) {
        printed.set(state.label, tenth);
        stream.write(`${formatPlainLine(state)}\n`);
      }
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
      draw();
    },
    finish(line) {
      clear();
      if (line !== undefined) stream.write(`${line}\n`);
      last = undefined;
    },
  };
}
