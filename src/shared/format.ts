/** Formatting shared by the engine's messages and the UI, so both say sizes the same way. */

/** `1.50 MiB`, `812 B`; '—' when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** A span in words for the UI: `45 s`, `2 min 5 s`, `2 h 3 min`; '—' when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** What is left of a job: `2 min 5 s left`; '' when unknown (nothing is shown). */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  return `${formatDuration(Math.ceil(seconds))} left`;
}

/** The terminal's compact span: `45s`, `2m05s`, `2h03m`; '?' when unknown. */
export function formatCompactDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A p-value as the reports print it: three decimals, or `1.2e-4` below 0.001. */
export function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A share as the views print it: `37.5 %`. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** `37.5 % (30/80)`: an accuracy with the counts behind it. */
export function accuracyWithCount(correct: number, total: number): string {
  return `${formatPercent(total ? correct / total : 0)} (${correct}/${total})`;
}

/** A parameter count: `1.5 B`, `135.0 M`, `260 K`; '—' when unknown. */
export function formatParams(n: number | null | undefined): string {
  if (!n) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} K`;
  return String(n);
}

/** Items per second: `12/s`, `2.5/s`; '' when unknown. */
export function formatRate(rate: number | null | undefined): string {
  if (!rate || !Number.isFinite(rate)) return '';
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
}

/** A stored UTC timestamp to the minute: `2026-12-03 16:09 UTC`. */
export function formatMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
