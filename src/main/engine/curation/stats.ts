import type { DatasetStats } from '../../../shared/contract/curation';
import { Subtask } from '../../../shared/contract/samples';
import type { Db } from '../db/open';
import { mixByRound } from '../evolution/rounds-repo';
import { datasetCounts } from '../samples/samples-repo';

/** Sub-tasks whose examples are built from the selected samples when a round trains, never stored as samples. */
const BUILT_AT_TRAINING = new Set(['doc_adaption', 'refinement']);

/**
 * Per sub-task dataset counts: by status, by category and by round (with the running total). All three come
 * from `sample_counts` (migration 0007), which triggers keep in step with `samples` (`datasetCounts`).
 */
export function datasetStats(db: Db): DatasetStats {
  const { byStatus, byCategory, byRound } = datasetCounts(db);
  // Doc adaption and refinement examples exist only in the rounds' training mixes: counting stored samples gave 0.
  const mix = mixByRound(db);
  return {
    subtasks: Subtask.options.map((subtask) => {
      const statuses = byStatus.filter((r) => r.subtask === subtask);
      let cumulative = 0;
      let trainedSoFar = 0;
      const trainedByRound = mix
        .filter((m) => m.subtask === subtask && m.count > 0)
        .map((m) => ({ roundId: m.roundId, runId: m.runId, seq: m.seq, count: m.count, cumulative: (trainedSoFar += m.count) }));
      return {
        subtask,
        total: statuses.reduce((sum, r) => sum + r.n, 0),
        byStatus: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
        byCategory: Object.fromEntries(byCategory.filter((r) => r.subtask === subtask).map((r) => [r.category, r.n])),
        trained: trainedSoFar,
        source: BUILT_AT_TRAINING.has(subtask) ? ('training' as const) : ('samples' as const),
        trainedByRound,
        byRound: byRound
          .filter((r) => r.subtask === subtask)
          .map((r) => ({ roundId: r.roundId, seq: r.seq, count: r.n, cumulative: (cumulative += r.n) })),
      };
    }),
  };
}
