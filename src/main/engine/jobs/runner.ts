import crypto from 'node:crypto';
import { ApiError, describeZodError } from '../../../shared/contract/errors';
import {
  FINISHED_JOB_STATES,
  type JobLog,
  type JobResource,
  type JobState,
  type JobSummary,
  type LogLevel,
} from '../../../shared/contract/jobs';
import type { Disposable, EngineContext } from '../core/context';
import type { Transaction } from 'better-sqlite3';
import { controlJob, liveTokens, localRunners, ownerAlive, type JobAction } from './control';
import {
  activeJobRows,
  claimJob,
  finishStep,
  renewLease,
  runningModelJob,
  getJobRow,
  getJobSummary,
  getStepRows,
  insertJob,
  insertLog,
  jobFraction,
  ownsJob,
  queuedJobs,
  readCheckpoint,
  resetUnfinishedSteps,
  saveCheckpoint,
  setJobState,
  setStepState,
  startStep,
  toSummary,
  type JobRow,
  type StepRow,
  type StepStats,
} from './jobs-repo';
import { ProgressMeter } from './progress-meter';
import { findJobKind, jobKindNames } from './registry';
import { abortError, isAbortError, isRetryable, type JobKindDef, type RetryPolicy, type StepContext, type StepDef } from './types';
import { parseJsonColumn } from '../lib/json-column';

export interface JobRunnerOptions {
  /** Resume jobs left `running` by a process that died (default true). */
  recover?: boolean;
  /** 'all' (a host: app, server): runs every queued job. 'own' (a foreground CLI command): only jobs started through this runner. */
  scope?: 'all' | 'own';
  /** Light jobs that may run at once beside the one model job (default 2). */
  lightSlots?: number;
  /** How often to look for changes made by other processes, in ms (default 500; 0: never). */
  watchMs?: number;
  /** How long a runner's lease on a job lasts without a heartbeat, in ms (default 30 s; renewed every third of it). */
  leaseMs?: number;
}

interface Execution {
  readonly jobId: number;
  readonly token: string;
  readonly resource: JobResource;
  readonly controller: AbortController;
  /** Progress reports of all this job's steps share one limit (≤ 10/s). */
  readonly progressClock: { lastReportAt: number };
  shutdown: boolean;
  /** Set once any step reports a finished item (or finishes): the slow-start line is no longer due. */
  itemSeen?: boolean;
  done?: Promise<void>;
}

const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };
const DEFAULT_LEASE_MS = 30_000;
/** A job with no item done after this long writes why (its kind's `slowStartHint`) to its log. */
export const SLOW_START_MS = 60_000;
/** Tries to store a job's outcome while another writer holds the database (each after busy_timeout). */
const STORE_TRIES = 5;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Thrown by `waitFor` when a job's execution ended but its outcome could not be stored. */
export class OutcomeNotStoredError extends Error {
  constructor(
    readonly jobId: number,
    cause: unknown,
  ) {
    super(
      `Job ${jobId} stopped, but its outcome could not be stored (${describeError(cause).message}); it stays "running" until its lease runs out, then the next runner resumes it from its checkpoints.`,
      { cause },
    );
    this.name = 'OutcomeNotStoredError';
  }
}

function describeError(error: unknown): { message: string; stack: string | null } {
  if (!(error instanceof Error)) return { message: String(error), stack: null };
  let stack = error.stack ?? `${error.name}: ${error.message}`;
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    stack += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return { message: error.message || error.name, stack };
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Stores a job (queued) without starting a runner in this process: the open app or server runs it (or a
 * later `jobs.wait` with `here`).
 */
export function queueJob(ctx: EngineContext, kind: string, settings: unknown): JobSummary {
  const id = createJob(ctx, kind, settings);
  insertLog(ctx.db, id, null, 'info', 'Queued.');
  const job = getJobSummary(ctx.db, id)!;
  ctx.events.emit('jobs.changed', { job });
  for (const runner of localRunners) runner.notify(id);
  return job;
}

/** Checks the settings against the kind and stores the job with its steps (queued). */
export function createJob(ctx: EngineContext, kind: string, settings: unknown): number {
  const def = findJobKind(kind);
  if (!def) throw new ApiError('not_found', `Unknown job kind "${kind}". Known kinds: ${jobKindNames().join(', ') || 'none'}.`, { kind });
  const parsed = def.settings.safeParse(settings ?? {});
  if (!parsed.success) {
    throw new ApiError(
      'invalid_input',
      `Invalid settings for a "${kind}" job: ${describeZodError(parsed.error, 'settings')}`,
      parsed.error.issues,
    );
  }
  const steps = def.steps(parsed.data);
  const names = new Set<string>();
  for (const step of steps) {
    if (!step.name || names.has(step.name))
      throw new Error(`Job kind "${kind}" defines two steps named "${step.name}" (step names must be unique and non-empty).`);
    names.add(step.name);
  }
  const title = typeof def.title === 'function' ? def.title(parsed.data) : def.title;
  return insertJob(ctx.db, {
    kind,
    title,
    resource: def.resource,
    settings: parsed.data,
    steps: steps.map((s) => ({ name: s.name, input: s.input })),
  });
}

/**
 * The scheduler: one loop that sleeps until something changes (a job queued, resumed or finished; a
 * change by another process, seen through SQLite's data_version), then starts what may run: at most one
 * `model` job, and up to `lightSlots` light jobs beside it. Each job runs its pending steps in order.
 */
export class JobRunner implements Disposable {
  private readonly executions = new Map<number, Execution>();
  private readonly own = new Set<number>();
  private readonly scope: 'all' | 'own';
  private readonly lightSlots: number;
  private disposed = false;
  private wakeRequested = false;
  private wakeResolve: (() => void) | undefined;
  private readonly loopDone: Promise<void>;
  private readonly watchTimer: NodeJS.Timeout | undefined;
  private dataVersion = 0;
  private readonly leaseMs: number;
  private readonly heartbeatTimer: NodeJS.Timeout;
  /** Jobs whose execution here ended without its outcome stored (told to `waitFor`). */
  private readonly unsettled = new Map<number, OutcomeNotStoredError>();
  /** Queued model jobs already told that they wait for a model job of another process. */
  private readonly waitingLogged = new Set<number>();
  /** Runs a function in a transaction (made once: better-sqlite3's wrappers are costly to create). */
  private readonly tx: Transaction<(fn: () => void) => void>;

  constructor(
    private readonly ctx: EngineContext,
    options: JobRunnerOptions = {},
  ) {
    this.tx = ctx.db.transaction((fn: () => void) => fn());
    this.scope = options.scope ?? 'all';
    this.lightSlots = Math.max(1, options.lightSlots ?? 2);
    this.leaseMs = Math.max(100, options.leaseMs ?? DEFAULT_LEASE_MS);
    // The heartbeat renews the leases of running jobs and looks again at jobs that wait on another
    // process's model job (whose lease may have run out without any write to wake us).
    this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeatTimer.unref();
    if ((options.recover ?? true) && this.scope === 'all') this.recover();
    localRunners.add(this);
    const watchMs = options.watchMs ?? 500;
    if (watchMs > 0) {
      this.dataVersion = this.readDataVersion();
      this.watchTimer = setInterval(() => this.watch(), watchMs);
      this.watchTimer.unref();
    }
    this.loopDone = this.loop();
  }

  /** Queues a job (settings checked against the kind) and wakes the loop. */
  start(kind: string, settings: unknown): JobSummary {
    if (this.disposed) throw new ApiError('unavailable', 'The job runner is closed.');
    const id = createJob(this.ctx, kind, settings);
    this.own.add(id);
    this.log(id, null, 'info', 'Queued.');
    this.emitChanged(id);
    this.wake();
    return getJobSummary(this.ctx.db, id)!;
  }

  pause(id: number): JobSummary {
    return controlJob(this.ctx, id, 'pause');
  }
  resume(id: number): JobSummary {
    return this.control(id, 'resume');
  }
  cancel(id: number): JobSummary {
    return controlJob(this.ctx, id, 'cancel');
  }
  retry(id: number): JobSummary {
    return this.control(id, 'retry');
  }

  private control(id: number, action: JobAction): JobSummary {
    if (this.scope === 'own') this.own.add(id);
    return controlJob(this.ctx, id, action);
  }

  /**
   * Makes a job this runner's to run (a foreground CLI command), and wakes the loop. Refused with `conflict`
   * when another process is running it.
   */
  adopt(id: number): void {
    const row = getJobRow(this.ctx.db, id);
    if (!row) throw new ApiError('not_found', `Job ${id} was not found.`, { id });
    if ((row.state === 'running' || row.state === 'cancelling') && !this.executions.has(id)) {
      const until = row.lease_expires_at ? new Date(row.lease_expires_at).toISOString() : 'unknown';
      throw new ApiError(
        'conflict',
        `Job ${id} is ${row.state} in another process (pid ${row.runner_pid}, lease until ${until}); it is not run here. Pause or cancel it (toolsmith jobs pause ${id}), or wait for it to end.`,
        { id },
      );
    }
    this.own.add(id);
    this.wake();
  }

  /** Resolves once the job is in one of `states` and no longer executing in this runner. */
  waitFor(id: number, states: readonly JobState[] = FINISHED_JOB_STATES): Promise<JobSummary> {
    return new Promise((resolve, reject) => {
      // Holds the process open while it waits (the runner's own timers do not): a job queued behind another
      // process's model job must not end a CLI process as if there were nothing left to do.
      const keepAlive = setInterval(() => check(), 500);
      const settle = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      const check = (): boolean => {
        const unsettled = this.unsettled.get(id);
        if (unsettled && !this.executions.has(id)) {
          settle();
          reject(unsettled);
          return true;
        }
        let job: JobSummary | undefined;
        try {
          job = getJobSummary(this.ctx.db, id);
        } catch (error) {
          if (isBusy(error)) return false; // another writer holds the database: look again on the next tick
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
          return true;
        }
        if (!job) {
          settle();
          reject(new ApiError('not_found', `Job ${id} was not found.`));
          return true;
        }
        if (states.includes(job.state) && !this.executions.has(id)) {
          settle();
          resolve(job);
          return true;
        }
        return false;
      };
      const unsubscribe = this.ctx.events.subscribe((event, payload) => {
        if (event !== 'jobs.changed') return;
        const job = (payload as { job: JobSummary }).job;
        if (job.id === id && (this.unsettled.has(id) || (states.includes(job.state) && !this.executions.has(id)))) check();
      });
      check();
    });
  }

  /** Is this job executing in this runner now? */
  isExecuting(id: number): boolean {
    return this.executions.has(id);
  }

  /** Called for every action taken in this process: stop an execution that lost its job, start what may run. */
  notify(jobId: number): void {
    const execution = this.executions.get(jobId);
    if (execution && !ownsJob(this.ctx.db, jobId, execution.token))
      execution.controller.abort(abortError('The job was paused or cancelled.'));
    this.wake();
  }

  /** Stops the loop; running jobs are interrupted and queued again, to go on from their checkpoints next time. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    localRunners.delete(this);
    if (this.watchTimer) clearInterval(this.watchTimer);
    clearInterval(this.heartbeatTimer);
    for (const execution of this.executions.values()) {
      execution.shutdown = true;
      execution.controller.abort(abortError('Toolsmith is closing; the job will go on next time.'));
    }
    const running = [...this.executions.values()].map((e) => e.done);
    let timer: NodeJS.Timeout | undefined;
    // A step that ignores its signal must not keep the app from closing: its writes fail once the
    // job is no longer its own, and recovery picks the job up next time.
    await Promise.race([Promise.allSettled(running), new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    this.wake();
    await this.loopDone;
  }

  // ---- the loop ----

  private wake(): void {
    this.wakeRequested = true;
    const resolve = this.wakeResolve;
    this.wakeResolve = undefined;
    resolve?.();
  }

  private async loop(): Promise<void> {
    while (!this.disposed) {
      this.wakeRequested = false;
      try {
        this.fill();
      } catch (error) {
        console.error('Job runner: could not start queued jobs:', error);
      }
      if (this.wakeRequested || this.disposed) continue;
      await new Promise<void>((resolve) => (this.wakeResolve = resolve));
    }
  }

  private fill(): void {
    const active = [...this.executions.values()];
    let modelBusy = active.some((e) => e.resource === 'model');
    let light = active.filter((e) => e.resource === 'light').length;
    for (const job of queuedJobs(this.ctx.db)) {
      if (this.executions.has(job.id)) continue; // its previous execution is still unwinding
      if (this.scope === 'own' && !this.own.has(job.id)) continue;
      if (job.resource === 'model' ? modelBusy : light >= this.lightSlots) continue;
      const token = crypto.randomUUID();
      if (!this.claim(job.id, job.resource, token)) {
        if (job.resource === 'model') modelBusy = true; // another process runs one
        continue;
      }
      this.waitingLogged.delete(job.id);
      liveTokens.add(token);
      const execution: Execution = {
        jobId: job.id,
        token,
        resource: job.resource,
        controller: new AbortController(),
        progressClock: { lastReportAt: -Infinity },
        shutdown: false,
      };
      this.executions.set(job.id, execution);
      if (job.resource === 'model') modelBusy = true;
      else light++;
      execution.done = this.execute(execution)
        // Only when even recording the outcome failed (another writer held the database through every try,
        // or it closed under a step that ignored its signal): say so, and make `waitFor` fail with it.
        .catch((error: unknown) => {
          const failure = new OutcomeNotStoredError(job.id, error);
          this.unsettled.set(job.id, failure);
          process.stderr.write(`Toolsmith job runner: ${failure.message}\n`);
        })
        .finally(() => {
          this.executions.delete(job.id);
          liveTokens.delete(token);
          this.emitChanged(job.id);
          this.wake();
        });
    }
  }

  /** Jobs left running (or cancelling) by a process that is gone: queue them again (or finish the cancel). */
  private recover(): void {
    const db = this.ctx.db;
    const rows = activeJobRows(db);
    for (const row of rows) this.recoverIfOwnerless(row);
  }

  /** A job whose runner is gone (lease run out, or its process ended): queue it again, or finish its cancel. */
  private recoverIfOwnerless(row: JobRow): boolean {
    if (ownerAlive(row)) return false;
    const db = this.ctx.db;
    const recovered = db
      .transaction(() => {
        // Compare with the token read: a runner that claimed the job since then keeps it.
        const now = getJobRow(db, row.id);
        if (!now || now.run_token !== row.run_token || now.state !== row.state) return false;
        if (row.state === 'cancelling') return setJobState(db, row.id, 'cancelled', { fromStates: ['cancelling'], finished: true });
        if (!setJobState(db, row.id, 'queued', { fromStates: ['running'] })) return false;
        resetUnfinishedSteps(db, row.id);
        insertLog(db, row.id, null, 'warn', 'Interrupted (the process running it stopped); resuming from the last checkpoints.');
        return true;
      })
      .immediate();
    if (recovered) this.emitChanged(row.id);
    return recovered;
  }

  /**
   * Claims a queued job. A model job that finds another model job running (the database allows one) takes
   * over only when that one's runner is gone; while it lives, the job waits, and its log says for what.
   */
  private claim(jobId: number, resource: JobResource, token: string): boolean {
    const db = this.ctx.db;
    if (claimJob(db, jobId, token, Date.now() + this.leaseMs)) return true;
    if (resource !== 'model') return false;
    const holder = runningModelJob(db);
    if (!holder || holder.id === jobId) return false;
    if (this.recoverIfOwnerless(holder)) return claimJob(db, jobId, token, Date.now() + this.leaseMs);
    if (!this.waitingLogged.has(jobId) && !this.executions.has(holder.id)) {
      this.waitingLogged.add(jobId);
      this.log(
        jobId,
        null,
        'info',
        `Waiting: model job ${holder.id} (${holder.kind}) runs in another process (pid ${holder.runner_pid}); one model job runs at a time.`,
      );
    }
    return false;
  }

  /** Renews this runner's leases and looks again at what waits. */
  private heartbeat(): void {
    if (this.disposed) return;
    const until = Date.now() + this.leaseMs;
    for (const execution of this.executions.values()) {
      try {
        if (!renewLease(this.ctx.db, execution.jobId, execution.token, until))
          execution.controller.abort(abortError('The job was taken over by another runner after its lease ran out.'));
      } catch {
        // Busy (another writer) or closing: the lease outlasts a few missed beats.
      }
    }
    this.wake();
  }

  private readDataVersion(): number {
    return this.ctx.db.pragma('data_version', { simple: true }) as number;
  }

  /** Another process committed something: maybe a pause/cancel of a job we run, or a new queued job. */
  private watch(): void {
    if (this.disposed) return;
    try {
      const version = this.readDataVersion();
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      for (const execution of this.executions.values()) {
        if (!ownsJob(this.ctx.db, execution.jobId, execution.token))
          execution.controller.abort(abortError('The job was paused or cancelled.'));
      }
      this.wake();
    } catch {
      // The database is closing.
    }
  }

  // ---- one job ----

  private async execute(execution: Execution): Promise<void> {
    const { jobId, token } = execution;
    const db = this.ctx.db;
    this.emitChanged(jobId);
    let current: StepRow | undefined;
    let slowTimer: NodeJS.Timeout | undefined;
    try {
      const row = getJobRow(db, jobId)!;
      const kind = findJobKind(row.kind);
      if (!kind)
        throw new Error(
          `Unknown job kind "${row.kind}" (known: ${jobKindNames().join(', ') || 'none'}); was it removed from this version of Toolsmith?`,
        );
      const parsed = kind.settings.safeParse(JSON.parse(row.settings_json));
      if (!parsed.success)
        throw new Error(
          `The stored settings of job ${jobId} no longer fit job kind "${row.kind}": ${describeZodError(parsed.error, 'settings')}`,
        );
      const defs = kind.steps(parsed.data);
      const rows = getStepRows(db, jobId);
      if (defs.length !== rows.length || rows.some((r, i) => defs[i]!.name !== r.name)) {
        throw new Error(
          `The steps of job kind "${row.kind}" changed since job ${jobId} was created (stored: ${rows.map((r) => r.name).join(', ')}; now: ${defs.map((d) => d.name).join(', ')}).`,
        );
      }
      this.log(jobId, null, 'info', row.started_at && rows.some((r) => r.state === 'done' || r.checkpoint_json) ? 'Resumed.' : 'Started.');
      slowTimer = this.watchSlowStart(execution, kind, parsed.data);
      const outputs: Record<string, unknown> = {};
      let result: unknown = null;
      for (const [i, stepRow] of rows.entries()) {
        if (stepRow.state === 'done' || stepRow.state === 'skipped') {
          outputs[stepRow.name] = result = parseJsonColumn<unknown>(stepRow.output_json, { nullAs: undefined }) ?? null;
          continue;
        }
        if (execution.controller.signal.aborted) throw abortError();
        current = stepRow;
        result = await this.runStep(execution, kind, defs[i]!, stepRow, parsed.data, rows.length, outputs);
        outputs[stepRow.name] = result;
        current = undefined;
      }
      // Every step is done: the job is done, even if a pause or cancel arrived just now.
      let finished = false;
      await this.store(() => {
        finished = setJobState(db, jobId, 'done', { token, fromStates: ['running', 'cancelling', 'paused'], finished: true, result });
      });
      if (finished) this.log(jobId, null, 'info', 'Done.');
    } catch (error) {
      await this.store(() => {
        if (execution.controller.signal.aborted || !ownsJob(db, jobId, token)) this.settleStop(execution, current);
        else this.settleFailure(execution, current, error);
      });
    } finally {
      clearTimeout(slowTimer);
    }
  }

  /** Arms the slow-start line: after SLOW_START_MS with no item done, the kind's hint goes to the log. */
  private watchSlowStart(execution: Execution, kind: JobKindDef, settings: unknown): NodeJS.Timeout | undefined {
    if (!kind.slowStartHint) return undefined;
    const hint = kind.slowStartHint.bind(kind);
    const timer = setTimeout(() => {
      if (execution.itemSeen || execution.controller.signal.aborted || !this.ctx.db.open) return;
      let why: string;
      try {
        why = hint(settings as never, this.ctx);
      } catch (error) {
        why = `(the reason could not be worked out: ${describeError(error).message})`;
      }
      this.log(execution.jobId, null, 'warn', `No item has finished ${SLOW_START_MS / 1000} s after the start: ${why}`);
    }, SLOW_START_MS);
    timer.unref?.();
    return timer;
  }

  /**
   * Stores an outcome; while another process holds the write lock (each try already waited busy_timeout),
   * tries again with backoff, then gives up with the last error (the caller says so).
   */
  private async store(write: () => void): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return write();
      } catch (error) {
        if (!isBusy(error) || tries >= STORE_TRIES || !this.ctx.db.open) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** tries)));
      }
    }
  }

  private settleStop(execution: Execution, step: StepRow | undefined): void {
    const { jobId, token } = execution;
    const db = this.ctx.db;
    const lines: JobLog[] = [];
    db.transaction(() => {
      const row = getJobRow(db, jobId);
      if (!row || row.run_token !== token) return; // another execution owns it now
      if (step) setStepState(db, step.id, 'pending');
      if (row.state === 'cancelling') {
        setJobState(db, jobId, 'cancelled', { token, fromStates: ['cancelling'], finished: true });
        lines.push(
          insertLog(
            db,
            jobId,
            step?.id ?? null,
            'warn',
            `Cancelled${step ? ` during step "${step.name}"` : ''}; finished steps and their data are kept.`,
          ),
        );
      } else if (row.state === 'paused') {
        lines.push(
          insertLog(
            db,
            jobId,
            step?.id ?? null,
            'info',
            `Paused${step ? ` during step "${step.name}"` : ''}; it will go on from the last checkpoint.`,
          ),
        );
      } else if (row.state === 'running') {
        // Interrupted by shutdown: queue it again so the next start goes on with it.
        setJobState(db, jobId, 'queued', { token, fromStates: ['running'] });
        lines.push(
          insertLog(
            db,
            jobId,
            step?.id ?? null,
            'info',
            execution.shutdown ? 'Interrupted by shutdown; it will go on next time.' : 'Interrupted; queued again.',
          ),
        );
      }
    })();
    for (const line of lines) this.ctx.events.emit('jobs.log', line);
  }

  private settleFailure(execution: Execution, step: StepRow | undefined, error: unknown): void {
    const { jobId, token } = execution;
    const db = this.ctx.db;
    const described = describeError(error);
    const line = db.transaction(() => {
      if (step) setStepState(db, step.id, 'failed');
      setJobState(db, jobId, 'failed', { token, fromStates: ['running', 'cancelling', 'paused'], finished: true, error: described });
      return insertLog(db, jobId, step?.id ?? null, 'error', `Failed${step ? ` in step "${step.name}"` : ''}: ${described.message}`);
    })();
    this.ctx.events.emit('jobs.log', line);
  }

  private async runStep(
    execution: Execution,
    kind: JobKindDef,
    def: StepDef,
    row: StepRow,
    settings: unknown,
    stepCount: number,
    outputs: Record<string, unknown>,
  ): Promise<unknown> {
    const { jobId, token } = execution;
    const db = this.ctx.db;
    const signal = execution.controller.signal;
    const policy = { ...DEFAULT_RETRY, ...kind.retry, ...def.retry };
    let attempts = row.attempts;
    const meter = new ProgressMeter((p) => {
      this.ctx.events.emit('jobs.progress', {
        jobId,
        stepId: row.id,
        seq: row.seq,
        step: row.name,
        stepCount,
        ...p,
        fraction: jobFraction(stepCount, row.seq, p),
      });
    }, execution.progressClock);
    meter.seed(row.done, row.total);
    try {
      for (let tries = 1; ; tries++) {
        startStep(db, row.id);
        attempts++;
        if (tries === 1) {
          this.emitChanged(jobId, { stepCount, stepsDone: row.seq, current: { ...row, state: 'running' } });
        }
        let checkpoint = parseJsonColumn<unknown>(readCheckpoint(db, row.id), { nullAs: undefined });
        const step: StepContext = {
          db,
          engine: this.ctx,
          jobId,
          stepId: row.id,
          seq: row.seq,
          name: row.name,
          settings,
          input: def.input ?? null,
          get checkpoint() {
            return checkpoint;
          },
          attempt: attempts,
          signal,
          outputs,
          commit: (write, next) => {
            // One transaction: the step's rows, its checkpoint and its progress, or none of them.
            this.tx.immediate(() => {
              if (!ownsJob(db, jobId, token)) throw abortError('The job was paused or cancelled; this write was not stored.');
              write(db);
              const { done, total } = meter.current;
              saveCheckpoint(db, row.id, next, done, total);
            });
            checkpoint = next;
            if (signal.aborted) throw abortError();
          },
          progress: (done, total, message) => {
            if (done > 0) execution.itemSeen = true;
            meter.update(done, total, message);
          },
          log: (level, message) => this.log(jobId, row.id, level, message),
          emit: (event, payload) => this.ctx.events.emit(event, payload),
          throwIfAborted: () => {
            if (signal.aborted) throw abortError();
          },
          sleep: (ms) => abortableSleep(ms, signal),
        };
        try {
          const output = (await def.run(step)) ?? null;
          JSON.stringify(output); // fail here, with the step named, if the output cannot be stored
          const { done, total } = meter.current;
          this.tx(() => {
            if (!ownsJob(db, jobId, token)) throw abortError('The job was paused or cancelled before this step could be marked done.');
            finishStep(db, row.id, output, total ?? done, total);
          });
          return output;
        } catch (error) {
          // Busy: another process held the write lock past busy_timeout; the step goes on from its checkpoint.
          if (signal.aborted || isAbortError(error) || !(isRetryable(error) || isBusy(error)) || tries >= policy.attempts) throw error;
          const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tries - 1));
          this.log(
            jobId,
            row.id,
            'warn',
            `Try ${tries} of ${policy.attempts} failed: ${describeError(error).message}; trying again in ${delay} ms.`,
          );
          await abortableSleep(delay, signal);
        }
      }
    } finally {
      meter.stop();
    }
  }

  // ---- events and logs ----

  private emitChanged(jobId: number, stats?: StepStats): void {
    try {
      const row = getJobRow(this.ctx.db, jobId);
      const job = row && toSummary(this.ctx.db, row, stats);
      if (job) this.ctx.events.emit('jobs.changed', { job });
    } catch {
      // The database closed under us (shutdown): nothing to tell.
    }
  }

  private log(jobId: number, stepId: number | null, level: LogLevel, message: string): void {
    const line = insertLog(this.ctx.db, jobId, stepId, level, message);
    this.ctx.events.emit('jobs.log', line);
  }
}

/** The workspace's job runner (created on first use; hosts call this at start-up to resume interrupted jobs). */
export function jobRunner(ctx: EngineContext, options?: JobRunnerOptions): JobRunner {
  return ctx.service('jobs', (c) => new JobRunner(c, options ?? (c.jobScope === 'own' ? { scope: 'own', recover: false } : {})));
}
