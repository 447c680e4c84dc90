import { Command, CommanderError } from 'commander';
import { ApiError } from '../shared/contract/errors';
import { appVersion, isWorkspaceError, openEngineFor } from './cli/engine-opener';
import { registerWorkspaceCommands } from './cli/workspace';
import { registerJobsCommands } from './cli/jobs';
import { registerToolsCommands } from './cli/tools';
import { registerEvalCommands } from './cli/eval';
import { registerTrainCommands } from './cli/train';
import { registerEvolutionCommands } from './cli/evolution';
import { registerFormatsCommands } from './cli/formats';
import { registerModelServingCommands } from './cli/model-serving';
import { registerModelsCommands } from './cli/models';
import { registerPlaygroundCommands } from './cli/playground';
import { ServerError } from './server';

/** The headless command line: every command goes through the same typed API as the UI. */
export function buildProgram(): Command {
  const program = new Command('toolsmith')
    .description('Toolsmith: small local language models that teach themselves to use tools')
    .version(appVersion())
    .option('-w, --workspace <dir>', 'workspace folder (default: $TOOLSMITH_WORKSPACE or ~/.toolsmith)')
    .showHelpAfterError()
    .exitOverride();
  registerWorkspaceCommands(program, openEngineFor);
  registerJobsCommands(program, openEngineFor);
  registerToolsCommands(program, openEngineFor);
  registerEvalCommands(program, openEngineFor);
  registerTrainCommands(program, openEngineFor);
  registerEvolutionCommands(program, openEngineFor);
  registerFormatsCommands(program, openEngineFor);
  registerModelServingCommands(program, openEngineFor);
  registerModelsCommands(program, openEngineFor);
  registerPlaygroundCommands(program, openEngineFor);
  return program;
}

/** Known failures print one line and exit non-zero; anything else also prints its stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isWorkspaceError(error) || error instanceof ServerError || error instanceof ApiError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.TOOLSMITH_DEBUG && error instanceof Error) console.error(error.stack);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
