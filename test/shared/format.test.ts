import { describe, expect, it } from 'vitest';
import {
  accuracyWithCount,
  formatCompactDuration,
  formatDuration,
  formatEta,
  formatMinute,
  formatParams,
  formatPercent,
  formatRate,
} from '../../src/shared/format';
import { isRecord, parseJsonOrLines } from '../../src/shared/json';

describe('shared formatting', () => {
  it('says spans in words with an hours branch (a 2-hour ETA is not "120 min")', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(7200)).toBe('2 h 0 min');
    expect(formatEta(7380.2)).toBe('2 h 3 min left');
    expect(formatEta(null)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('says spans compactly for the terminal', () => {
    expect(formatCompactDuration(5)).toBe('5s');
    expect(formatCompactDuration(65)).toBe('1m05s');
    expect(formatCompactDuration(3725)).toBe('1h02m');
    expect(formatCompactDuration(-1)).toBe('?');
  });
});

describe('the views’ numbers', () => {
  it('says accuracy with the counts behind it, and no division by zero', () => {
    expect(formatPercent(0.375)).toBe('37.5 %');
    expect(accuracyWithCount(300, 400)).toBe('75.0 % (300/400)');
    expect(accuracyWithCount(0, 0)).toBe('0.0 % (0/0)');
  });

  it('says parameter counts, rates and timestamps the same way in every view', () => {
    expect(formatParams(134_515_008)).toBe('134.5 M');
    expect(formatParams(1_500_000_000)).toBe('1.5 B');
    expect(formatParams(260_000)).toBe('260 K');
    expect(formatParams(null)).toBe('—');
    expect(formatRate(12.4)).toBe('12/s');
    expect(formatRate(2.54)).toBe('2.5/s');
    expect(formatRate(null)).toBe('');
    expect(formatMinute('2026-12-03T16:09:56.123Z')).toBe('2026-12-03 16:09 UTC');
  });
});

describe('shared JSON reading', () => {
  it('reads JSON, or JSON Lines, and names the line of a bad one counting blank lines', () => {
    expect(parseJsonOrLines('\uFEFF{"a":1}', 'x.json')).toEqual({ a: 1 });
    expect(parseJsonOrLines('{"a":1}\n\n{"b":2}\n', 'x.jsonl')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => parseJsonOrLines('{"a":1}\n\n{"b":\n', 'tools.jsonl')).toThrow(/^tools\.jsonl:3: not valid JSON/);
    expect(() => parseJsonOrLines('{"a":', 'one.json')).toThrow(/^one\.json: not valid JSON/);
  });

  it('tells records from arrays and null', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
  });
});
