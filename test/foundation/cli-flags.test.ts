import { describe, expect, it } from 'vitest';
import { nameOrId, numberArg, numberFlag } from '../../src/main/cli/flags';

describe('CLI flag values', () => {
  it('reads numbers within the rule and names the flag and the rule otherwise', () => {
    expect(numberFlag('--lr', '3e-4', { min: 0 })).toBe(3e-4);
    expect(numberFlag('--lr', undefined)).toBeUndefined();
    expect(() => numberFlag('--refine-share', '2', { min: 0, max: 1 })).toThrow('--refine-share must be a number from 0 to 1, not "2".');
    expect(() => numberFlag('--max-tokens', '0', { integer: true, min: 1 })).toThrow('--max-tokens must be a whole number ≥ 1, not "0".');
    expect(() => numberFlag('--rounds', '2.5', { integer: true })).toThrow('--rounds must be a whole number, not "2.5".');
    // Number('') is 0 and Number('abc') NaN: neither slips through.
    expect(() => numberFlag('--seed', '', { integer: true })).toThrow('--seed must be a whole number');
    expect(() => numberArg('--epochs', { min: 0 })('abc')).toThrow('--epochs must be a number ≥ 0, not "abc".');
  });

  it('takes digits as an id and anything else as a name', () => {
    expect(nameOrId('12')).toBe(12);
    expect(nameOrId('toolsmith-indomain')).toBe('toolsmith-indomain');
    expect(nameOrId('v2')).toBe('v2');
  });
});
