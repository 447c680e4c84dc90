import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBarLine, formatDuration, formatPlainLine } from '../../src/main/cli/progress';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 60, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('CLI progress bar', () => {
  it('formats durations, bars and plain lines', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
    expect(formatDuration(Number.NaN)).toBe('?');
    const state = { label: 'write-1 (1/3)', done: 450, total: 1000, rate: 12.34, etaSeconds: 44.6, message: 'batch 9' };
    const line = formatBarLine(state, 120);
    expect(line).toMatch(/^write-1 \(1\/3\) █+░+ 45% 450\/1000 12\.3\/s eta 45s {2}batch 9$/);
    expect(formatBarLine(state, 80).length).toBeLessThanOrEqual(80);
    expect(formatBarLine(state, 40).length).toBeLessThanOrEqual(40);
    expect(formatPlainLine({ label: 'import', done: 7, total: null })).toBe('import: 7');
  });

  it('redraws one line on a terminal and keeps log lines above it', () => {
    const { chunks, stream } = sink(true);
    const bar = createProgressBar({ stream });
    bar.update({ label: 'a', done: 1, total: 4 });
    bar.update({ label: 'a', done: 2, total: 4 });
    bar.log('hello');
    bar.finish('bye');
    const out = chunks.join('');
    expect(out.split('\n')).toEqual([expect.stringContaining('hello'), expect.stringContaining('bye'), '']);
    expect(out).toContain('\r\x1b[2K');
    expect(out).toContain('50%');
  });

  it('prints a bounded number of plain lines when not a terminal: one per step and tenth reached', () => {
    const { chunks, stream } = sink(false);
    const bar = createProgressBar({ stream });
    for (let done = 0; done <= 100; done++) bar.update({ label: 'rows', done, total: 100 });
    expect(chunks).toHaveLength(11); // 0 %, 10 %, …, 100 %
    expect(chunks.every((c) => !c.includes('\r') && c.endsWith('\n'))).toBe(true);
    // A long step that reports often, with a total that moves back and forth, still prints each tenth once.
    const long = sink(false);
    const bar2 = createProgressBar({ stream: long.stream });
    for (let i = 0; i < 10_000; i++) bar2.update({ label: 'tool-using (3/9)', done: i % 500, total: 1000, message: `item ${i}` });
    expect(long.chunks).toHaveLength(5); // 0–40 %
    // A step without a total: one line; every step gets its own lines.
    for (let i = 0; i < 100; i++) bar2.update({ label: 'install (1/1)', done: i, total: null });
    bar2.update({ label: 'evaluate (4/9)', done: 1, total: 2 });
    expect(long.chunks).toHaveLength(7);
  });
});
