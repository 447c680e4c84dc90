import type { TrainProgress, TrainProgressEvent } from '../../../shared/contract/train';

export interface TrainProgressEmitter {
  /** Takes one progress point; sends it now or with the next event (at most one event per interval). */
  report(progress: TrainProgress): void;
  /** Sends what is still held back at once (call when the run ends, however it ends). */
  flush(): void;
}

/**
 * Turns a training run's progress callbacks into `train.progress` events, at most one per `intervalMs`
 * (default 100 ms: ≤ 10/s, so a fast trainer cannot flood the WebSocket). Nothing is dropped: points held
 * back ride along in the next event's `earlier`, a timer sends the last one when the trainer goes quiet, and
 * `flush` sends the rest when the run ends.
 */
export function trainProgressEmitter(
  send: (event: TrainProgressEvent) => void,
  run: { runId: string; jobId?: number; roundId?: number },
  intervalMs = 100,
): TrainProgressEmitter {
  let pending: TrainProgress[] = [];
  let lastSent = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sendPending = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    const points = pending;
    pending = [];
    lastSent = Date.now();
    const progress = points[points.length - 1]!;
    const earlier = points.slice(0, -1);
    try {
      send({ ...run, progress, ...(earlier.length ? { earlier } : {}) });
    } catch {
      // A listener's failure must not stop the training run.
    }
  };

  return {
    report(progress) {
      pending.push(progress);
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0) sendPending();
      else if (!timer) {
        timer = setTimeout(sendPending, wait);
        timer.unref?.();
      }
    },
    flush: sendPending,
  };
}
