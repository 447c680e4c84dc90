import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: no model, no child process, no trainer; the whole project runs in under a minute and
 * `test/setup/unit-guard.ts` makes a model load or a process start fail there. `integration`: everything that
 * loads a GGUF, starts the CLI, a server process, pip or the python trainer. A file is integration when its
 * text names one of the markers below (a model, the CLI runner, a process); a new kind of heavy helper adds
 * its marker here, and the guard tells when one is missing.
 */
const INTEGRATION_MARKERS =
  /\b(getLlama|loadModel|stories260K|createStarter|ensureStarter|makeStarter|tinyStarter|smolLM2File|SMOLLM2_|runCli|startServe|child_process|openBackend|createLocalBackend|runTraining|runNativeTrainer|trainer-venv)/;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const root = import.meta.dirname;
const all = testFiles(path.join(root, 'test')).map((file) => path.relative(root, file).split(path.sep).join('/'));
const integration = all.filter((file) => INTEGRATION_MARKERS.test(fs.readFileSync(path.join(root, file), 'utf8')));
const unit = all.filter((file) => !integration.includes(file));

export default defineConfig({
  test: {
    environment: 'node',
    // Two cores on CI: real models and child processes want room. The timeouts are hang guards, far above any
    // machine's real run time, so no test outcome depends on how fast the machine is.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: unit, setupFiles: ['test/setup/unit-guard.ts'], testTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: 'integration', include: integration, testTimeout: 300_000, hookTimeout: 300_000 },
      },
    ],
  },
});
