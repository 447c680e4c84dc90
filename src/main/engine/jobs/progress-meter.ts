/**
 * Turns a step's many `progress(done, total)` calls into at most one report per `intervalMs`, with a
 * rate (items/s, smoothed) and an ETA. The last value always gets out (trailing report).
 */
export interface ProgressReport {
  done: number;
  total: number | null;
  rate: number | null;
  etaSeconds: number | null;
  message: string | null;
}

export class ProgressMeter {
  private done = 0;
  private total: number | null = null;
  private message: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private sample: { at: number; done: number } | undefined;
  private rate: number | null = null;
  private dirty = false;

  constructor(
    private readonly report: (progress: ProgressReport) => void,
    /** Shared by every step of one job, so that the limit holds per job, across step boundaries. */
    private readonly clock: { lastReportAt: number } = { lastReportAt: -Infinity },
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get current(): { done: number; total: number | null } {
    return { done: this.done, total: this.total };
  }

  /** Starting point (a resumed step starts from its stored progress; the rate counts only new work). */
  seed(done: number, total: number | null): void {
    this.done = done;
    this.total = total;
    this.sample = { at: this.now(), done };
  }

  update(done: number, total?: number | null, message?: string): void {
    this.done = done;
    if (total !== undefined) this.total = total;
    if (message !== undefined) this.message = message;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    const wait = this.clock.lastReportAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) {
      // Timers can fire early by the time the event loop was blocked when they were set: check again.
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.ceil(wait));
      this.timer.unref?.();
    }
  }

  /** Reports now if anything changed since the last report (callers keep to the interval). */
  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const at = this.now();
    this.clock.lastReportAt = at;
    this.measure(at);
    const remaining = this.total !== null ? Math.max(0, this.total - this.done) : null;
    const etaSeconds = remaining !== null && this.rate !== null && this.rate > 0 ? remaining / this.rate : remaining === 0 ? 0 : null;
    this.report({ done: this.done, total: this.total, rate: this.rate, etaSeconds, message: this.message });
  }

  /** Drops a pending report: the step is over, and `jobs.changed` tells the rest. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private measure(at: number): void {
    if (!this.sample) {
      this.sample = { at, done: this.done };
      return;
    }
    const seconds = (at - this.sample.at) / 1000;
    if (seconds < 0.05) return; // too short to say anything
    const instant = Math.max(0, (this.done - this.sample.done) / seconds);
    // Exponential smoothing: steady rates stay steady, changes show within a second or two.
    this.rate = this.rate === null ? instant : 0.7 * this.rate + 0.3 * instant;
    this.sample = { at, done: this.done };
  }
}
