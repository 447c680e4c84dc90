// @vitest-environment jsdom
/**
 * useJobProgress against a real engine: a job's progress and its ETA in words follow the engine's
 * jobs.progress events, one job's events never show as another's.
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { JobProgressEvent } from '../../src/shared/contract/jobs';
import { useClient } from '../../src/renderer/src/api/client';
import { useJobProgress } from '../../src/renderer/src/ui/useJobProgress';
import { renderWithEngine } from './render-with-engine';

function JobLine({ jobId }: { jobId: number | null }) {
  const p = useJobProgress(jobId);
  if (!p) return <p data-testid="line">no progress yet</p>;
  return (
    <p data-testid="line" data-fraction={p.fraction}>
      {`${p.step} ${p.done}/${p.total ?? '?'}${p.eta ? ` · ${p.eta}` : ''}`}
    </p>
  );
}

const event = (over: Partial<JobProgressEvent>): JobProgressEvent => ({
  jobId: 1,
  stepId: 1,
  seq: 0,
  step: 'write-1',
  stepCount: 2,
  done: 10,
  total: 100,
  rate: 1,
  etaSeconds: null,
  message: null,
  fraction: 0.05,
  ...over,
});

describe('useJobProgress', () => {
  it('follows a real job’s progress events while it runs, each count at least the one before', async () => {
    const seen: number[] = [];
    function StartAndFollow() {
      const client = useClient();
      const [jobId, setJobId] = useState<number | null>(null);
      const p = useJobProgress(jobId);
      if (p && seen.at(-1) !== p.done) seen.push(p.done);
      // Slow enough (20 batches, 100 ms each) that the throttled events show it moving.
      const start = () =>
        void client
          .call('jobs.start', { kind: 'demo', settings: { rows: 400, batch: 20, itemDelayMs: 5, steps: 1 } })
          .then((job) => setJobId(job.id));
      return (
        <>
          <button onClick={start}>Start</button>
          <JobLine jobId={jobId} />
        </>
      );
    }
    const { client } = renderWithEngine(<StartAndFollow />);
    expect(screen.getByTestId('line').textContent).toBe('no progress yet');
    fireEvent.click(screen.getByText('Start'));
    await waitFor(() => expect(screen.getByTestId('line').textContent).toMatch(/^write-1 \d+\/400/));
    const { items } = await client.call('jobs.list', {});
    await act(async () => {
      expect((await client.call('jobs.wait', { id: items[0]!.id })).state).toBe('done');
    });
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('says a 2-hour ETA in hours, and ignores another job’s events', async () => {
    const { engine } = renderWithEngine(<JobLine jobId={7} />);
    act(() => engine.ctx.events.emit('jobs.progress', event({ jobId: 7, etaSeconds: 7380.2 })));
    expect(screen.getByTestId('line').textContent).toBe('write-1 10/100 · 2 h 3 min left');
    act(() => engine.ctx.events.emit('jobs.progress', event({ jobId: 8, done: 99, etaSeconds: 5 })));
    expect(screen.getByTestId('line').textContent).toBe('write-1 10/100 · 2 h 3 min left');
    act(() => engine.ctx.events.emit('jobs.progress', event({ jobId: 7, done: 100, etaSeconds: null, fraction: 1 })));
    expect(screen.getByTestId('line').textContent).toBe('write-1 100/100');
  });
});
