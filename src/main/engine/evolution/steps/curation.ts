import { formatDuration } from '../../../../shared/format';
import { getRound, setStage } from '../rounds-repo';
import { roundOf, stoppedBefore, type Ctx } from './shared';

/** Step 5, the curation point: with `curation: 'wait'` the round waits until the person marks it curated. */
export async function curationStep(ctx: Ctx, seq: number) {
  const stop = stoppedBefore(ctx);
  if (stop) return { skipped: stop };
  const s = ctx.settings;
  const round = roundOf(ctx, seq);
  if (s.curation === 'auto') return { waited: false };
  ctx.log(
    'info',
    `Round ${seq} waits for curation: accept, reject or edit its samples, then press Continue on the banner in Rounds, Samples or Jobs, or run \`toolsmith evolve continue ${s.runId}\`.`,
  );
  const since = Date.now();
  for (;;) {
    const row = getRound(ctx.db, s.runId, seq)!;
    if (row.curated_at) break;
    // The elapsed time makes each check a visible progress report (and lets a watcher see the wait go on).
    ctx.progress(0, 1, `waiting for curation (${formatDuration((Date.now() - since) / 1000)})`);
    await ctx.sleep(1000);
  }
  ctx.commit((db) => setStage(db, round.id, 'select'), {});
  return { waited: true };
}
