import path from 'node:path';

/**
 * How the desktop app runs the native trainer child. The packaged app's Electron binary has the RunAsNode
 * fuse off, so `ELECTRON_RUN_AS_NODE=1 <binary> child.js` would start a second copy of the app instead of
 * Node. The child is the app binary started with this flag: the shell sees it before anything else and runs
 * only the bundled trainer (runNativeContractProcess) on the config file — no window, no other code.
 */
export const NATIVE_TRAINER_FLAG = '--toolsmith-native-trainer';

export interface DesktopRuntime {
  /** process.execPath: the app's binary. */
  execPath: string;
  /** process.defaultApp: true when started as `electron <app>` (development), so the app path goes first. */
  defaultApp: boolean;
  /** process.argv[1] in that case: the app folder or main script. */
  appPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** Command and arguments (the config file is appended by the caller) for the trainer child of the desktop app. */
export function desktopTrainerEntry(runtime: DesktopRuntime): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...runtime.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // Absolute: the child runs in the config file's folder.
  const app = runtime.defaultApp && runtime.appPath ? [path.resolve(runtime.appPath)] : [];
  return { command: runtime.execPath, args: [...app, NATIVE_TRAINER_FLAG], env };
}

/**
 * The config file when this process was started as the trainer child, null when the flag is there without
 * one, undefined when it is not the trainer child at all.
 */
export function trainerChildConfig(argv: readonly string[]): string | null | undefined {
  const index = argv.indexOf(NATIVE_TRAINER_FLAG);
  if (index < 0) return undefined;
  const file = argv[index + 1];
  return file && !file.startsWith('--') ? file : null;
}
