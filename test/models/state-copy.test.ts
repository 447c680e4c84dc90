import { describe, expect, it } from 'vitest';
import { LlamaContextSequence } from 'node-llama-cpp';
import { stateCopyOf } from '../../src/main/engine/inference/local-backend';

// k samples share one evaluated prompt through node-llama-cpp's internal state copy between sequences.
// This fails when an upgrade drops it, before generation quietly evaluates the prompt k times.
describe('the prompt shared between samples', () => {
  it('finds the state copy on the installed node-llama-cpp sequences', () => {
    const seq = Object.create(LlamaContextSequence.prototype) as LlamaContextSequence;
    expect(typeof stateCopyOf(seq)).toBe('function');
  });

  it('says what is missing on a node-llama-cpp without it', () => {
    const seq = {} as LlamaContextSequence;
    expect(() => stateCopyOf(seq)).toThrow(/no _copyStateFromOtherSequence/);
  });
});
