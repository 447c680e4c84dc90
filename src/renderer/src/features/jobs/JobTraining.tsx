import { Alert, Box, SegmentedControl, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { JobDetail } from '../../../../shared/contract/jobs';
import type { TrainProgress } from '../../../../shared/contract/train';
import { useApi, useEvent } from '../../api/client';
import { TrainingCurve } from '../../components/TrainingCurve';

/** Most points handed to the chart; longer curves are thinned (validation points and the last are kept). */
const MAX_CHART_POINTS = 1500;

/** A step's training point and its validation point are different points; a repeat of either replaces it. */
const keyOf = (p: TrainProgress) => `${p.step}:${p.valLoss === undefined ? 't' : 'v'}`;

function merge(a: readonly TrainProgress[], b: readonly TrainProgress[]): TrainProgress[] {
  const byKey = new Map<string, TrainProgress>();
  for (const p of a) byKey.set(keyOf(p), p);
  for (const p of b) byKey.set(keyOf(p), p);
  return [...byKey.values()].sort((x, y) => x.step - y.step || Number(x.valLoss !== undefined) - Number(y.valLoss !== undefined));
}

function thin(points: TrainProgress[]): TrainProgress[] {
  if (points.length <= MAX_CHART_POINTS) return points;
  const stride = Math.ceil(points.length / MAX_CHART_POINTS);
  return points.filter((p, i) => i % stride === 0 || p.valLoss !== undefined || i === points.length - 1);
}

const isTrainStep = (name: string) => /(^|\/)train$/.test(name);

/**
 * A job's training runs, live: the stored curve when the view opens, then every `train.progress` point
 * as it comes, with throughput, ETA, memory and Cancel (`onCancel`: the job's own). Renders nothing for a
 * job that has not trained.
 */
export function JobTraining({ job, onCancel }: { job: JobDetail; onCancel?: () => void }) {
  // Reloaded when the job's state changes, so a finished job shows exactly what was stored.
  const stored = useApi('train.curves', { jobId: job.id }, { deps: [job.state] });
  const [live, setLive] = useState<Record<string, { roundId: number | null; points: TrainProgress[] }>>({});
  const [picked, setPicked] = useState<string | null>(null);

  useEvent('train.progress', (e) => {
    if (e.jobId !== job.id) return;
    setLive((all) => ({
      ...all,
      [e.runId]: { roundId: e.roundId ?? null, points: merge(all[e.runId]?.points ?? [], [...(e.earlier ?? []), e.progress]) },
    }));
  });

  const runs = useMemo(() => {
    const byRun = new Map<string, TrainProgress[]>();
    for (const r of stored.data?.runs ?? []) byRun.set(r.runId, r.points);
    for (const [runId, r] of Object.entries(live)) byRun.set(runId, merge(byRun.get(runId) ?? [], r.points));
    return [...byRun.entries()].map(([runId, points]) => ({ runId, points }));
  }, [stored.data, live]);

  if (stored.error) {
    return (
      <Alert color="red" title="Cannot load the training curve" mb="sm">
        {stored.error.message}
      </Alert>
    );
  }
  if (runs.length === 0) return null;
  // Follow the newest run unless the person picked one.
  const shown = runs.find((r) => r.runId === picked) ?? runs[runs.length - 1]!;
  const newest = shown === runs[runs.length - 1];
  const training = job.steps.some((s) => s.state === 'running' && isTrainStep(s.name));
  const running = newest && training && (job.state === 'running' || job.state === 'cancelling');

  return (
    <Box component="section" aria-label="Training" data-testid="job-training" data-points={shown.points.length} mb="sm">
      <Stack gap="xs">
        {runs.length > 1 && (
          <SegmentedControl
            size="xs"
            aria-label="Training run"
            value={shown.runId}
            onChange={setPicked}
            data={runs.map((r) => ({ value: r.runId, label: r.runId }))}
          />
        )}
        <TrainingCurve progress={thin(shown.points)} running={running} label={shown.runId} onCancel={onCancel} />
      </Stack>
    </Box>
  );
}
