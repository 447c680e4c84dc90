import { useEffect, useState } from 'react';
import type { Input } from '../../../../shared/contract';
import { FINISHED_JOB_STATES, type JobState } from '../../../../shared/contract/jobs';
import { useClient, useEvent } from '../../api/client';
import { useAction } from '../../ui/useAction';
import { useJobProgress } from '../../ui/useJobProgress';

export interface EvalJobView {
  id: number;
  state: JobState;
  done: number;
  total: number | null;
  message: string | null;
  /** What is left, in words ('' when unknown). */
  eta: string;
  error: string | null;
  running: boolean;
}

type Known = Pick<EvalJobView, 'id' | 'state' | 'done' | 'total' | 'error'>;

/**
 * The model-evaluation job of one set: `models.evaluate` queues an eval.model job, its progress comes from
 * jobs.progress, its state from jobs.changed; one still going (started earlier, from the CLI or another
 * window) is picked up when the set opens. `onRun` gets the run a finished job wrote.
 */
export function useEvalJob(setId: number, onRun: (runId: number) => void) {
  const client = useClient();
  const [known, setKnown] = useState<Known | null>(null);
  const progress = useJobProgress(known?.id);

  useEffect(() => {
    let live = true;
    setKnown(null);
    client
      .call('models.evaluationJob', { set: setId })
      .then(({ job: going }) => live && going && setKnown(going))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [client, setId]);

  useEvent('jobs.changed', ({ job: changed }) => {
    setKnown((j) => (j && j.id === changed.id ? { ...j, state: changed.state, error: changed.error } : j));
    if (changed.state === 'done' && changed.kind === 'eval.model')
      void client
        .call('models.evaluationRun', { jobId: changed.id })
        .then(({ set: evaluated, runId }) => evaluated === setId && runId !== null && onRun(runId))
        .catch(() => undefined);
  });

  const start = useAction(
    async (settings: Omit<Input<'models.evaluate'>, 'set'>) => {
      const { jobId } = await client.call('models.evaluate', { set: setId, ...settings });
      setKnown({ id: jobId, state: 'queued', done: 0, total: null, error: null });
      // Its state may have changed before the id came back: read it once (events keep it current from here).
      const now = await client.call('jobs.get', { id: jobId });
      const step = now.steps[0];
      setKnown((j) =>
        j && j.id === jobId && j.state === 'queued'
          ? { ...j, state: now.state, error: now.error, done: step?.done ?? j.done, total: step?.total ?? j.total }
          : j,
      );
    },
    { inline: true },
  );
  const cancel = useAction((id: number) => client.call('jobs.cancel', { id }), { errorTitle: 'Could not cancel the evaluation' });

  let job: EvalJobView | null = null;
  if (known) {
    // Progress means it runs (its 'running' change may have come before the job id did).
    const state = known.state === 'queued' && progress ? 'running' : known.state;
    const running = !FINISHED_JOB_STATES.includes(state);
    job = {
      ...known,
      state,
      running,
      done: progress?.done ?? known.done,
      total: progress ? progress.total : known.total,
      message: progress?.message ?? null,
      eta: running ? (progress?.eta ?? '') : '',
    };
  }
  return { job, start, cancel };
}
