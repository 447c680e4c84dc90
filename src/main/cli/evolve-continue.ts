import type { Command } from 'commander';
import type { OpenEngine } from './engine-opener';

/**
 * `toolsmith evolve continue RUN`, a subcommand of `evolve`: the engine's `evolution.continue` picks the run's
 * waiting round. The job polls the round, so this works whether the run is hosted by the app or another CLI.
 */
export function registerEvolveContinue(evolve: Command, open: OpenEngine): void {
  evolve
    .command('continue')
    .description('Continue the round of a run that waits for curation (a run started with --curation wait)')
    .argument('<run>', 'the run id, as `toolsmith evolve` and the Rounds view show it')
    .action(async (run: string, _flags: unknown, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { waiting, round } = await client.call('evolution.continue', { runId: run });
        console.log(
          `Run ${round.runId}: round ${round.seq} continued (${waiting.samples} samples, ${waiting.candidates} left unreviewed); its job goes on to selection.`,
        );
      } finally {
        await engine.close();
      }
    });
}
