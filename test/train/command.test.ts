import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { runTraining } from '../../src/main/engine/train/run';
import type { TrainProgress } from '../../src/shared/contract/train';
import { repoRoot, tempDir } from '../helpers/tmp';
import { makeStarter, seedExamples } from './helpers';

const toolsmith = [process.execPath, path.join(repoRoot, 'bin', 'toolsmith.js')];

/** A fake trainer: a node one-liner printing the given stdout lines, then exiting with `code`. */
function fakeTrainer(lines: string[], code: number, holdMs = 0): string[] {
  const script = `for (const l of ${JSON.stringify(lines)}) console.log(l); setTimeout(() => process.exit(${code}), ${holdMs});`;
  return [process.execPath, '-e', script];
}

describe('command backend (the trainer contract)', () => {
  it('runs the native trainer through the contract (`toolsmith train --contract`) and registers its GGUF', async () => {
    const dir = tempDir();
    const { file: base, template } = await makeStarter(dir);
    const { examples } = seedExamples(template, 8);
    const output = path.join(dir, 'models', 'via-contract.gguf');
    const progress: TrainProgress[] = [];
    let registered = 0;
    const result = await runTraining(
      {
        backend: 'command',
        baseModel: base,
        examples,
        output,
        hyper: { maxSteps: 12, epochs: 10, contextLength: 256, learningRate: 5e-4 },
        native: { threads: 1 },
        command: { command: [...toolsmith, 'train', '--contract', '--config', '{config}'], protocol: 'jsonl', outputKind: 'model' },
      },
      { onProgress: (p) => progress.push(p), register: () => ++registered },
    );
    expect(result.kind).toBe('model');
    expect(result.metrics.steps).toBe(12);
    expect(registered).toBe(1);
    expect(progress.filter((p) => p.loss !== undefined).length).toBeGreaterThanOrEqual(12);
    expect((await readGguf(output)).metadata['tokenizer.chat_template']).toBe((await readGguf(base)).metadata['tokenizer.chat_template']);
    expect(fs.readdirSync(path.dirname(output))).toEqual(['via-contract.gguf']);
  }, 120_000);

  it('a malformed progress line fails the run with the line number, ends the process, registers nothing', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    let registered = 0;
    const started = Date.now();
    const err = await runTraining(
      {
        backend: 'command',
        baseModel: base,
        examples: [{ text: 'hello', spans: [] }],
        output: path.join(dir, 'models', 'bad.gguf'),
        command: { command: fakeTrainer(['{"event":"progress","step":1,"epoch":0,"loss":2.5}', 'loss=2.1 (step 2)'], 0, 20_000) },
      },
      { register: () => ++registered },
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/stdout:2: not a JSON object: "loss=2\.1 \(step 2\)".*print logs to stderr/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(registered).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'models'))).toEqual([]);
  });

  it('an invalid event names the field', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    const err = await runTraining({
      backend: 'command',
      baseModel: base,
      examples: [{ text: 'hello', spans: [] }],
      output: path.join(dir, 'models', 'bad.gguf'),
      command: { command: fakeTrainer(['{"event":"progress","step":-1,"epoch":0}'], 0) },
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/stdout:1: invalid event: step/);
  });

  it("a non-zero exit fails the run with the trainer's message, its fix and the exit code; nothing registered", async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    let registered = 0;
    const err = await runTraining(
      {
        backend: 'command',
        baseModel: base,
        examples: [{ text: 'hello', spans: [] }],
        output: path.join(dir, 'models', 'oom.gguf'),
        command: { command: fakeTrainer([JSON.stringify({ event: 'error', message: 'CUDA out of memory', fix: 'lower batch_size' })], 1) },
      },
      { register: () => ++registered },
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/failed with exit code 1 \(training failed\): CUDA out of memory Fix: lower batch_size/);
    expect(registered).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'models'))).toEqual([]);
  });

  it('exit 0 without a done event, or a done event without its file, is a failure', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    const spec = { backend: 'command' as const, baseModel: base, examples: [{ text: 'hello', spans: [] }] };
    const noDone = await runTraining({ ...spec, output: path.join(dir, 'm', 'a.gguf'), command: { command: fakeTrainer([], 0) } }).catch(
      (e: Error) => e,
    );
    expect((noDone as Error).message).toMatch(/exited 0 without a "done" event/);
    const missing = await runTraining({
      ...spec,
      output: path.join(dir, 'm', 'b.gguf'),
      command: { command: fakeTrainer([JSON.stringify({ event: 'done', output: path.join(dir, 'm', 'b.gguf'), kind: 'model' })], 0) },
    }).catch((e: Error) => e);
    expect((missing as Error).message).toMatch(/reported .*b\.gguf as its output, but there is no such file/);
  });

  it('the llama-factory preset without an HF model folder says so before anything starts', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    const err = await runTraining({
      backend: 'command',
      baseModel: base,
      examples: [{ text: 'hello', spans: [{ start: 0, end: 5 }] }],
      output: path.join(dir, 'm', 'lf.gguf'),
      command: { preset: 'llama-factory' },
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/spec\.python\.hfModel: the llama-factory preset needs an HF model folder.*gguf_to_hf\.py/);
    expect(fs.readdirSync(path.join(dir, 'm'))).toEqual([]);
  });

  it('a command that does not exist says so', async () => {
    const dir = tempDir();
    const { file: base } = await makeStarter(dir);
    const err = await runTraining({
      backend: 'command',
      baseModel: base,
      examples: [{ text: 'hello', spans: [] }],
      output: path.join(dir, 'm', 'x.gguf'),
      command: { command: ['definitely-not-a-trainer-xyz', '{config}'] },
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/could not start definitely-not-a-trainer-xyz.*installed and on PATH/);
  });
});
