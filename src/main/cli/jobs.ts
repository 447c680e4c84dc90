import { Command, Option } from 'commander';
import type { ToolsmithClient } from '../../shared/client';
import { JobState, type JobSummary } from '../../shared/contract/jobs';
import type { OpenEngine } from './engine-opener';
import { createProgressBar, formatDuration, type ProgressBar } from './progress';
import { formatTable } from './table';

function parseId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`A job id is a whole number above 0, not "${value}".`);
  return id;
}

/** `--set key=value` (repeatable): the value is read as JSON when it parses, else as a string. */
function collectSet(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--set wants key=value, not "${value}".`);
  const key = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [key]: parsed };
}

function settingsFrom(opts: { settings?: string; set?: Record<string, unknown>; rows?: string }): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (opts.settings) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.settings);
    } catch (error) {
      throw new Error(`--settings is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--settings must be a JSON object.');
    base = parsed as Record<string, unknown>;
  }
  const settings = { ...base, ...opts.set };
  if (opts.rows !== undefined) {
    const rows = Number(opts.rows);
    if (!Number.isInteger(rows) || rows < 0) throw new Error(`--rows must be a whole number, not "${opts.rows}".`);
    settings.rows = rows;
  }
  return settings;
}

function summaryRow(job: JobSummary): (string | number | null)[] {
  const step = job.currentStep ? `${job.currentStep.name} (${job.currentStep.seq + 1}/${job.stepCount})` : '';
  return [
    job.id,
    job.kind,
    job.state,
    `${Math.floor(job.fraction * 100)}%`,
    step,
    job.createdAt.replace('T', ' ').slice(0, 19),
    job.error ?? job.title,
  ];
}

/**
 * Runs one job in this process with a progress bar until it ends. Ctrl-C or SIGTERM cancels it cleanly (its
 * job ends cancelled, finished steps kept; a second signal leaves at once, and the job is then finished
 * cancelling the next time a runner starts). For any command that runs a job: `start` queues it (e.g.
 * `client.call('jobs.start', …)`); `jobs.wait` with `here` runs it in this process.
 */
export async function runJobInForeground(client: ToolsmithClient, start: () => Promise<JobSummary>, bar: ProgressBar): Promise<JobSummary> {
  let jobId: number | undefined;
  let steps = 0;
  const offProgress = client.on('jobs.progress', (p) => {
    if (p.jobId !== jobId) return;
    steps = p.stepCount;
    bar.update({
      label: `${p.step} (${p.seq + 1}/${p.stepCount})`,
      done: p.done,
      total: p.total,
      rate: p.rate,
      etaSeconds: p.etaSeconds,
      message: p.message,
    });
  });
  const offLog = client.on('jobs.log', (line) => {
    if (line.jobId === jobId && line.level !== 'debug') bar.log(`${line.level === 'info' ? '' : `${line.level}: `}${line.message}`);
  });
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1 || jobId === undefined) {
      bar.finish('Stopped.');
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    bar.log(`Cancelling… (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to leave now)`);
    void client.call('jobs.cancel', { id: jobId }).catch((error: unknown) => bar.log(`Could not cancel: ${(error as Error).message}`));
  };
  // A foreground job never ends its process with exit 0 unless it is done: should the wait end without an
  // answer (nothing left to keep Node running), say so and fail.
  const onBeforeExit = () => {
    process.stderr.write(`error: job ${jobId ?? '?'} ended without a stored outcome; see toolsmith jobs show ${jobId ?? '<id>'}.\n`);
    process.exitCode = 1;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('beforeExit', onBeforeExit);
  try {
    const job = await start();
    jobId = job.id;
    steps = job.stepCount;
    bar.log(`Job ${job.id}: ${job.title} (${steps} steps)`);
    // Refused with a conflict when another process runs the job.
    return await client.call('jobs.wait', { id: job.id, here: true });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('beforeExit', onBeforeExit);
    offProgress();
    offLog();
  }
}

export function reportJobEnd(job: JobSummary, bar: ProgressBar, startedAt: number): void {
  const took = formatDuration((Date.now() - startedAt) / 1000);
  if (job.state === 'done') bar.finish(`Job ${job.id} done in ${took}.`);
  else if (job.state === 'cancelled')
    bar.finish(`Job ${job.id} cancelled after ${took}; finished steps are kept (toolsmith jobs retry ${job.id} goes on).`);
  else bar.finish(`Job ${job.id} ${job.state}${job.error ? `: ${job.error}` : ''} (toolsmith jobs show ${job.id} for the stack).`);
  if (job.state !== 'done') process.exitCode = job.state === 'cancelled' ? 130 : 1;
}

export function registerJobsCommands(program: Command, open: OpenEngine): void {
  const jobs = program.command('jobs').description('Long-running jobs: list, run in the foreground, pause, resume, cancel, retry');

  jobs
    .command('list')
    .description('List jobs, newest first')
    .option('--json', 'print JSON')
    .addOption(new Option('--state <state...>', 'only jobs in these states').choices(JobState.options))
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { json?: boolean; state?: JobState[]; limit: string }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { items } = await client.call('jobs.list', { states: opts.state, limit: Number(opts.limit) });
        if (opts.json) return console.log(JSON.stringify(items, null, 2));
        if (items.length === 0) return console.log('No jobs yet. Try: toolsmith jobs run demo --rows 5000');
        console.log(formatTable(['id', 'kind', 'state', 'done', 'step', 'created', 'title / error'], items.map(summaryRow)));
      } finally {
        await engine.close();
      }
    });

  jobs
    .command('show <id>')
    .description('One job: settings, steps, result, error and stack')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        const job = await client.call('jobs.get', { id: parseId(id) });
        if (opts.json) return console.log(JSON.stringify(job, null, 2));
        console.log(`Job ${job.id}: ${job.title} [${job.kind}] ${job.state}, ${Math.floor(job.fraction * 100)}%`);
        console.log(`settings: ${JSON.stringify(job.settings)}`);
        console.log(
          formatTable(
            ['#', 'step', 'state', 'done', 'tries'],
            job.steps.map((s) => [s.seq + 1, s.name, s.state, s.total !== null ? `${s.done}/${s.total}` : s.done, s.attempts]),
          ),
        );
        if (job.result !== null) console.log(`result: ${JSON.stringify(job.result)}`);
        if (job.error) console.log(`error: ${job.error}\n${job.errorStack ?? ''}`);
      } finally {
        await engine.close();
      }
    });

  jobs
    .command('logs <id>')
    .description("Print a job's stored log")
    .addOption(new Option('--level <level>', 'lowest level shown').choices(['debug', 'info', 'warn', 'error']).default('debug'))
    .option('--json', 'print JSON lines')
    .action(async (id: string, opts: { level: 'debug' | 'info' | 'warn' | 'error'; json?: boolean }, command: Command) => {
      const { engine, client } = open(command);
      try {
        let afterId = 0;
        for (;;) {
          const page = await client.call('jobs.logs', { id: parseId(id), afterId, limit: 1000, minLevel: opts.level });
          for (const line of page.items)
            console.log(opts.json ? JSON.stringify(line) : `${line.at} ${line.level.padEnd(5)} ${line.message}`);
          if (page.nextAfterId === null) break;
          afterId = page.nextAfterId;
        }
      } finally {
        await engine.close();
      }
    });

  jobs
    .command('kinds')
    .description('The kinds of job that can be started')
    .action(async (_opts: unknown, command: Command) => {
      const { engine, client } = open(command);
      try {
        const { items } = await client.call('jobs.kinds');
        console.log(
          formatTable(
            ['kind', 'resource', 'title'],
            items.map((k) => [k.kind, k.resource, k.title]),
          ),
        );
      } finally {
        await engine.close();
      }
    });

  const withSettings = (cmd: Command) =>
    cmd
      .option('--settings <json>', 'settings as a JSON object')
      .option('--set <key=value>', 'one setting (repeatable; the value is read as JSON when it parses)', collectSet, {})
      .option('--rows <n>', 'shorthand for --set rows=N (the demo job)');

  withSettings(jobs.command('run <kind>'))
    .description('Start a job and run it here in the foreground with a progress bar (Ctrl-C cancels)')
    .action(async (kind: string, opts: { settings?: string; set?: Record<string, unknown>; rows?: string }, command: Command) => {
      const settings = settingsFrom(opts);
      const { engine, client } = open(command);
      const bar = createProgressBar();
      const startedAt = Date.now();
      try {
        const job = await runJobInForeground(client, () => client.call('jobs.start', { kind, settings }), bar);
        reportJobEnd(job, bar, startedAt);
      } finally {
        await engine.close();
      }
    });

  withSettings(jobs.command('start <kind>'))
    .description('Queue a job for the running app or server (toolsmith serve) and return')
    .option('--json', 'print JSON')
    .action(
      async (kind: string, opts: { settings?: string; set?: Record<string, unknown>; rows?: string; json?: boolean }, command: Command) => {
        const settings = settingsFrom(opts);
        const { engine, client } = open(command);
        try {
          // Store it only: no runner in this short-lived process.
          const job = await client.call('jobs.start', { kind, settings, queueOnly: true });
          if (opts.json) console.log(JSON.stringify(job, null, 2));
          else
            console.log(
              `Queued job ${job.id}: ${job.title}. It runs in the open app or server, or here with: toolsmith jobs resume ${job.id} --run`,
            );
        } finally {
          await engine.close();
        }
      },
    );

  for (const action of ['pause', 'cancel'] as const) {
    jobs
      .command(`${action} <id>`)
      .description(action === 'pause' ? 'Pause a job (its checkpoints stay)' : 'Cancel a job (finished steps and their data stay)')
      .action(async (id: string, _opts: unknown, command: Command) => {
        const { engine, client } = open(command);
        try {
          const job = await client.call(`jobs.${action}`, { id: parseId(id) });
          console.log(`Job ${job.id} is ${job.state}.`);
        } finally {
          await engine.close();
        }
      });
  }

  for (const action of ['resume', 'retry'] as const) {
    jobs
      .command(`${action} <id>`)
      .description(action === 'resume' ? 'Queue a paused job again' : 'Queue a failed or cancelled job again, from its checkpoints')
      .option('--run', 'run it here in the foreground with a progress bar')
      .action(async (id: string, opts: { run?: boolean }, command: Command) => {
        const { engine, client } = open(command);
        try {
          if (!opts.run) {
            const job = await client.call(`jobs.${action}`, { id: parseId(id) });
            console.log(`Job ${job.id} is ${job.state}. It runs in the open app or server, or here with --run.`);
            return;
          }
          const bar = createProgressBar();
          const startedAt = Date.now();
          const job = await runJobInForeground(client, () => client.call(`jobs.${action}`, { id: parseId(id) }), bar);
          reportJobEnd(job, bar, startedAt);
        } finally {
          await engine.close();
        }
      });
  }
}
