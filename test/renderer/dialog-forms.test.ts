/**
 * What the export and Evolve dialogs send: the pure helpers that turn their fields into the API's request,
 * checked against the contract's own schemas (what the engine would accept).
 */
import { describe, expect, it } from 'vitest';
import { contract } from '../../src/shared/contract';
import type { Output } from '../../src/shared/contract';
import { formFromPreset, startInputOf } from '../../src/renderer/src/components/evolve/evolve-form';
import { DEFAULT_EXPORT_CHOICE, exportFilterOf, NO_ROUND, roundOptionsOf } from '../../src/renderer/src/components/transfer/export-filter';

describe('the export dialog’s filter', () => {
  it('asks for accepted and edited invocation samples by default, and only for what was chosen', () => {
    expect(exportFilterOf(DEFAULT_EXPORT_CHOICE)).toEqual({ subtask: 'invocation', status: ['accepted', 'edited'] });
    const chosen = { status: [], subtask: null, rounds: ['4', NO_ROUND], category: ['parallel'], tag: ' gold ' };
    expect(exportFilterOf(chosen)).toEqual({ round: [4, null], category: ['parallel'], tag: 'gold' });
  });

  it('offers each round once across sub-tasks, and "no round" for imports and seeds', () => {
    const stats = {
      subtasks: [
        {
          byRound: [
            { roundId: 4, seq: 1 },
            { roundId: null, seq: null },
          ],
        },
        { byRound: [{ roundId: 4, seq: 1 }] },
      ],
    } as unknown as Output<'datasets.stats'>;
    expect(roundOptionsOf(stats)).toEqual([
      { value: '4', label: 'round 1' },
      { value: NO_ROUND, label: 'no round (imports, seeds)' },
    ]);
    expect(roundOptionsOf(undefined)).toEqual([]);
  });
});

describe('the Evolve form', () => {
  it('starts from method.md’s defaults and sends a request the contract accepts', () => {
    const form = { ...formFromPreset({}), modelId: '3' };
    const input = startInputOf(form, {});
    expect(input).toMatchObject({ modelId: 3, pool: 'builtin', backend: 'native', rounds: 3, k: 8, curation: 'auto', evalLimit: 0 });
    expect(input).not.toHaveProperty('threads');
    expect(input).not.toHaveProperty('train');
    expect(contract['evolution.start'].input.safeParse(input).success).toBe(true);
  });

  it('takes a preset’s budgets and merges training threads into its extra train settings', () => {
    const preset = { modelId: 9, rounds: 1, k: 2, extra: { train: { epochs: 1 } } } as Parameters<typeof startInputOf>[1];
    const form = { ...formFromPreset(preset), trainThreads: 2 as const, threads: 1 as const, waitForCuration: true };
    expect(form.modelId).toBe('9');
    expect(startInputOf(form, preset)).toMatchObject({
      modelId: 9,
      rounds: 1,
      k: 2,
      threads: 1,
      curation: 'wait',
      train: { epochs: 1, threads: 2 },
    });
  });
});
