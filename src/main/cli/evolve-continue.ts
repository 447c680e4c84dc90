import type { Command } from 'commander';
import type { ToolsmithClient } from '../../shared/client';
import { ApiError } from '../../shared/contract/errors';
import type { RoundSummary, WaitingRound } from '../../shared/contract/evolution';
import type { OpenEngine } from './engine-opener';

/**
 * Continues the round of `runId` that waits at its curation point (a run started with "Wait for me to curate
 * each round"). The job polls the round, so this works whether the run is hosted by the app or another CLI.
 */
export async function continueWaitingRound(
  client: ToolsmithClient,
  runId: string,
): Promise<{ waiting: WaitingRound; round: RoundSummary }> {
  const { items: runs } = await client.call('evolution.runs', {});
  if (!runs.some((r) => r.runId === runId)) {
    const known = runs.map((r) => r.runId).slice(0, 10);
    throw new ApiError('not_found', `There is no evolution run "${runId}"${known.length ? ` (runs: ${known.join(', ')})` : ''}.`, {
      runId,
    });
  }
  const { items } = await client.call('evolution.waiting', { runId });
  const waiting = items[items.length - 1];
  if (!waiting) throw new ApiError('invalid_input', `No round of run "${runId}" waits for curation; nothing to continue.`, { runId });
  const round = await client.call('evolution.continue', { id: waiting.id });
  return { waiting, round };
}

/** `toolsmith evolve continue RUN`, a subcommand of `evolve`. */
export function registerEvolveContinue(evolve: Command, open: OpenEngine): void {
  evolve
    .command('continue')
    .description('Continue the round of a run that waits for curation (a run started with --curation wait)')
    .argument('<run>', 'the run id, as `toolsmith evolve` and the Rounds view show it')
    .action(async (run: string, _flags: unknown, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { waiting, round } = await continueWaitingRound(client, run);
        console.log(
          `Run ${round.runId}: round ${round.seq} continued (${waiting.samples} samples, ${waiting.candidates} left unreviewed); its job goes on to selection.`,
        );
      } finally {
        await engine.close();
      }
    });
}
