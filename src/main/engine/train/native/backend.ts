import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TrainSpec } from '../../../../shared/contract/train';
import { runContractBackend, type BackendOutcome, type RunHooks } from '../backend';
import { desktopTrainerEntry } from './desktop-entry';

/**
 * How to start a Node process running one of our TypeScript entry files: the built `.js` beside it when
 * there is one, else the `.ts` through tsx (the CLI and tests run from source). Works under Electron too
 * (ELECTRON_RUN_AS_NODE makes its binary a plain Node).
 */
export function nodeEntry(fileUrl: string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const ts = fileURLToPath(fileUrl);
  const js = ts.replace(/\.ts$/, '.js');
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  if (js !== ts && fs.existsSync(js)) return { command: process.execPath, args: [js], env };
  const require = createRequire(import.meta.url);
  const loader = pathToFileURL(require.resolve('tsx')).href;
  return { command: process.execPath, args: ['--import', loader, ts], env };
}

export function nativeChildEntry() {
  // In the desktop app's main process: the app binary itself, started as the trainer (see desktop-entry.ts).
  if ((process as { type?: string }).type === 'browser') {
    return desktopTrainerEntry({
      execPath: process.execPath,
      defaultApp: Boolean((process as { defaultApp?: boolean }).defaultApp),
      appPath: process.argv[1],
      env: process.env,
    });
  }
  // In the Electron bundle the child is its own entry (out/main/native-trainer-child.js) beside this code.
  const bundled = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native-trainer-child.js');
  if (fs.existsSync(bundled)) return { command: process.execPath, args: [bundled], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } };
  return nodeEntry(new URL('./child.ts', import.meta.url).href);
}

/** The native backend: the llama.cpp trainer in a child process speaking the trainer contract. */
export function runNativeBackend(spec: TrainSpec, hooks: RunHooks): Promise<BackendOutcome> {
  return runContractBackend(spec, hooks, 'model', (configFile) => {
    const entry = nativeChildEntry();
    return {
      label: 'native trainer',
      command: entry.command,
      args: [...entry.args, configFile],
      env: entry.env,
      cwd: path.dirname(configFile),
    };
  });
}
