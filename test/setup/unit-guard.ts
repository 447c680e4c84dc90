/**
 * The `unit` project's promise: no model and no child process. A unit test that reaches for either fails
 * here with a message saying which project it belongs in, instead of silently making the quick suite slow.
 */
import { vi } from 'vitest';

const guard = vi.hoisted(() => {
  const refuse = (what: string): never => {
    throw new Error(
      `${what} in a unit test: this file loads a model or starts a process, so it belongs to the integration project (see vitest.config.ts).`,
    );
  };
  const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
  const childProcess = (original: Record<string, unknown>) => {
    const guarded = Object.fromEntries(names.map((name) => [name, () => refuse(`child_process.${name}()`)]));
    return { ...original, ...guarded, default: { ...(original.default as object), ...guarded } };
  };
  return { refuse, childProcess };
});

vi.mock('node-llama-cpp', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  getLlama: () => guard.refuse('getLlama()'),
}));
vi.mock('node:child_process', async (importOriginal) => guard.childProcess(await importOriginal<Record<string, unknown>>()));
vi.mock('child_process', async (importOriginal) => guard.childProcess(await importOriginal<Record<string, unknown>>()));
