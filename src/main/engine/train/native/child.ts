import fs from 'node:fs';
import { ContractError, EXIT, readContractConfig, type ContractLine } from '../contract';
import { runNativeTrainer, TrainerError } from './trainer';

/**
 * Runs the native trainer under the trainer contract: `child.ts <config.json>`. Events go to stdout as
 * JSON lines (written synchronously: the event loop is blocked inside llama_opt_epoch); llama.cpp's own
 * log goes to stderr. Also what `toolsmith train --contract` runs.
 */
export async function runNativeContractProcess(configFile: string): Promise<number> {
  const emit = (line: ContractLine) => fs.writeSync(1, JSON.stringify(line) + '\n');
  try {
    const config = await readContractConfig(configFile);
    await runNativeTrainer(config, emit);
    return EXIT.ok;
  } catch (error) {
    const code = error instanceof TrainerError ? error.exitCode : error instanceof ContractError ? EXIT.badInput : EXIT.failed;
    emit({ event: 'error', message: error instanceof Error ? error.message : String(error) });
    if (!(error instanceof TrainerError) && error instanceof Error && error.stack) fs.writeSync(2, error.stack + '\n');
    return code;
  }
}

const invokedDirectly = process.argv[1] && /(native[\\/]child|native-trainer-child)\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  const file = process.argv[2];
  if (!file) {
    fs.writeSync(2, 'usage: child <config.json>\n');
    process.exit(EXIT.badInput);
  }
  void runNativeContractProcess(file).then((code) => process.exit(code));
}
