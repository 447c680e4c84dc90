import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { ToolsmithClient } from '../../shared/client';
import { DEMO_DEFAULTS, DEMO_MODEL, demoSettings, REAL_MODEL_DEMO_SETTINGS } from '../../shared/contract/demo';
import { INDOMAIN_SET, UNSEEN_SET } from '../../shared/contract/eval';
import { EvolveSettings, type EvolveSettingsInput, type RoundSummary } from '../../shared/contract/evolution';
import type { RoundComparison } from '../../shared/contract/insight';
import type { JobSummary } from '../../shared/contract/jobs';
import { formatBytes, formatP } from '../../shared/format';
import type { OpenEngine } from './engine-opener';
import { nameOrId, numberArg } from './flags';
import { pullWithProgress } from './model-serving';
import { createProgressBar, formatDuration, type ProgressBar } from './progress';
import { runJobInForeground } from './jobs';
import { formatTableWithin } from './table';
import { registerEvolveContinue } from './evolve-continue';

/**
 * `toolsmith evolve` (every setting of a self-evolution run as a flag) and `toolsmith demo` (a fresh
 * workspace, the built-in pool, the starter model taught the call format if needed, three rounds, then a
 * table per round).
 */

const num = (name: string) => numberArg(`--${name}`);
const int = (name: string) => numberArg(`--${name}`, { integer: true });

interface EvolveFlags {
  model?: string;
  runId?: string;
  pool?: string;
  rounds?: number;
  earlyStop?: boolean;
  imports?: number;
  generated?: number;
  targeted?: boolean;
  k?: number;
  temperature?: number;
  voteThreshold?: number;
  voteMode?: 'answer' | 'per-call';
  maxTokens?: number;
  constrain?: 'none' | 'calls';
  execute?: boolean;
  curation?: 'auto' | 'wait';
  selection?: 'model-aware' | 'random';
  passK?: number;
  replay?: number;
  unreachableCap?: number;
  minSelected?: number;
  mix?: string;
  refinementShare?: number;
  refineRatio?: number;
  backend?: 'native' | 'python' | 'command';
  epochs?: number;
  maxSteps?: number;
  lr?: number;
  contextLength?: number;
  trainLayers?: string;
  trainThreads?: number;
  trainCommand?: string;
  evalSet?: string[];
  mainSet?: string;
  evalLimit?: number;
  tolerance?: number;
  acceptRule?: string;
  evalRefinement?: 'adaptive' | 'fixed' | 'off';
  maxRefinements?: number;
  threads?: number;
  seed?: number;
  remote?: string;
  remoteModel?: string;
  apiKey?: string;
  concurrency?: number;
  gpu?: string;
}

/** A setting's default as help text shows it ('' when it has none worth showing). */
function showDefault(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (value !== null && typeof value === 'object') return Object.values(value).join(',');
  return String(value);
}

function settingAt(settings: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), settings);
}

/** The defaults `evolve` runs with: the contract's settings schema, completed. */
const EVOLVE_DEFAULTS = EvolveSettings.parse({ modelId: 1, runId: 'help' }) as unknown as Record<string, unknown>;

/** Help text's "(default …)" for a setting key ('train.epochs'), from the settings a command runs with. */
type DefaultOf = (key: string) => string;

const evolveDefault: DefaultOf = (key) => showDefault(settingAt(EVOLVE_DEFAULTS, key));

/**
 * The demo's defaults: its budgets for a pretrained model (the default), and where they differ, the bundled
 * starter's (the demo's fall-back); the rest are evolve's.
 */
const demoDefault: DefaultOf = (key) => {
  const over = (demo: object) => ({
    ...EVOLVE_DEFAULTS,
    ...demo,
    train: { ...(EVOLVE_DEFAULTS.train as object), ...(demo as { train?: object }).train },
  });
  const real = showDefault(settingAt(over(REAL_MODEL_DEMO_SETTINGS), key));
  const starter = showDefault(settingAt(over(demoSettings(true)), key));
  return real === starter ? real : `${real}; ${starter || 'none'} on the starter`;
};

function evolveOptions(cmd: Command, defaultOf: DefaultOf): Command {
  const d = (text: string, key: string) => {
    const shown = defaultOf(key);
    return shown ? `${text} (default ${shown})` : text;
  };
  return cmd
    .option('--run-id <name>', 'name of the run (default: generated)')
    .option('--pool <name>', d('tool pool the model writes queries for', 'pool'))
    .option('--rounds <n>', d('rounds', 'rounds'), int('rounds'))
    .option('--no-early-stop', 'run every round even when one selects nothing new or does not improve')
    .option('--imports <n>', d('labelled queries (imports, seeds) per round', 'importsPerRound'), int('imports'))
    .option('--generated <n>', d('new queries the model writes per round', 'generatedPerRound'), int('generated'))
    .option('--no-targeted', 'split the new-query budget uniformly instead of by last evaluation failures')
    .option('-k, --k <n>', d('samples per query for tool-using and voting', 'k'), int('k'))
    .option('--temperature <t>', d('sampling temperature', 'temperature'), num('temperature'))
    .option('--vote-threshold <share>', d('majority share a sample needs', 'voteThreshold'), num('vote-threshold'))
    .option('--vote-mode <mode>', d('answer (the most frequent whole answer) | per-call (every call a threshold share made)', 'voteMode'))
    .option('--max-tokens <n>', d('tokens per answer', 'maxTokens'), int('max-tokens'))
    .option('--constrain <mode>', d('none | calls (grammar-constrained answers)', 'constrain'))
    .option('--no-execute', 'skip the execution verifier')
    .option('--curation <mode>', d('auto | wait (pause each round for curation)', 'curation'))
    .option('--selection <mode>', d('model-aware | random (ablation)', 'selection'))
    .option('--pass-k <n>', d('k of pass@k for model-aware selection', 'passK'), int('pass-k'))
    .option('--replay <share>', d('share of mastered samples kept', 'replayShare'), num('replay'))
    .option('--unreachable-cap <share>', d('largest share of unreachable samples in the set', 'unreachableCap'), num('unreachable-cap'))
    .option(
      '--min-selected <n>',
      d('fewest samples a round trains on (topped up when fewer are selected)', 'minSelected'),
      int('min-selected'),
    )
    .option('--mix <i,t,d>', d('invocation,tool-generation,doc-adaption shares', 'mix'))
    .option('--refinement-share <x>', d('refinement samples per invocation example', 'refinementShare'), num('refinement-share'))
    .option('--refine-ratio <x>', d('wrong→corrected : right→unchanged', 'refineRatio'), num('refine-ratio'))
    .option('--backend <id>', d('trainer: native | python | command', 'backend'))
    .option('--epochs <n>', d('training epochs per round', 'train.epochs'), num('epochs'))
    .option('--max-steps <n>', d('optimizer steps per round (cap)', 'train.maxSteps'), int('max-steps'))
    .option('--lr <rate>', d('learning rate', 'train.learningRate'), num('lr'))
    .option('--context-length <n>', d('training window (grown to fit the longest example)', 'train.contextLength'), int('context-length'))
    .option(
      '--train-layers <which>',
      d("native: 'last' (exact gradients), 'all' (experimental) or a number of blocks", 'train.trainLayers'),
    )
    .option('--train-threads <n>', 'trainer threads (default: the Settings value, else chosen from the cores free)', int('train-threads'))
    .option('--train-command <argv>', 'command backend: the trainer command line (JSON array)')
    .option('--eval-set <name...>', d('held-out evaluation sets', 'evalSets'))
    .option('--main-set <name>', 'the set whose accuracy decides accept / roll back (default: the first)')
    .option('--eval-limit <n>', d('items per evaluation set (0 = all)', 'evalLimit'), int('eval-limit'))
    .option('--tolerance <points>', d('regression tolerance in accuracy points', 'tolerance'), num('tolerance'))
    .option(
      '--accept-rule <rule>',
      d(
        "'tolerance' (accept unless the main metric falls > tolerance) or 'significant' (accept only a gain significant at 95 % by McNemar)",
        'acceptRule',
      ),
    )
    .option('--eval-refinement <mode>', d('adaptive | fixed | off', 'evalRefinement'))
    .option('--max-refinements <n>', d('refinement cap', 'maxRefinements'), int('max-refinements'))
    .option('--threads <n>', 'generation threads (default: the Settings value, else chosen from the cores free)', int('threads'))
    .option('--gpu <mode>', 'local generation and evaluation: auto | off | cuda | vulkan | metal (default auto)')
    .option('--remote <url>', 'generate (queries, tools, k answers) on an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1')
    .option('--remote-model <name>', "the server's model name (with --remote)")
    .option('--api-key <key>', 'API key for --remote (kept out of the stored settings)')
    .option('--concurrency <n>', 'requests in flight to --remote (default 4)', int('concurrency'))
    .option('--seed <n>', d('seed of every random choice', 'seed'), int('seed'));
}

/** Flags → settings; only flags given override the job's defaults. */
export function settingsFromFlags(f: EvolveFlags, modelId: number | string): EvolveSettingsInput {
  const s: Record<string, unknown> = { modelId };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) s[key] = value;
  };
  set('runId', f.runId);
  set('pool', f.pool);
  set('rounds', f.rounds);
  if (f.earlyStop === false) s.earlyStop = false;
  set('importsPerRound', f.imports);
  set('generatedPerRound', f.generated);
  if (f.targeted === false) s.targeted = false;
  set('k', f.k);
  set('temperature', f.temperature);
  set('voteThreshold', f.voteThreshold);
  set('voteMode', f.voteMode);
  set('maxTokens', f.maxTokens);
  set('constrain', f.constrain);
  if (f.execute === false) s.execute = false;
  set('curation', f.curation);
  set('selection', f.selection);
  set('passK', f.passK);
  set('replayShare', f.replay);
  set('unreachableCap', f.unreachableCap);
  set('minSelected', f.minSelected);
  if (f.mix) {
    const parts = f.mix.split(',').map(Number);
    if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0))
      throw new Error(`--mix wants three shares like 0.6,0.2,0.2, not "${f.mix}".`);
    s.mix = { invocation: parts[0], toolGeneration: parts[1], docAdaption: parts[2] };
  }
  set('refinementShare', f.refinementShare);
  set('refineRatio', f.refineRatio);
  set('backend', f.backend);
  const train: Record<string, unknown> = {};
  if (f.epochs !== undefined) train.epochs = f.epochs;
  if (f.maxSteps !== undefined) train.maxSteps = f.maxSteps;
  if (f.lr !== undefined) train.learningRate = f.lr;
  if (f.contextLength !== undefined) train.contextLength = f.contextLength;
  if (f.trainLayers !== undefined) train.trainLayers = /^\d+$/.test(f.trainLayers) ? Number(f.trainLayers) : f.trainLayers;
  if (f.trainThreads !== undefined) train.threads = f.trainThreads;
  if (f.trainCommand !== undefined) {
    try {
      train.command = JSON.parse(f.trainCommand) as unknown;
    } catch {
      throw new Error('--train-command wants a JSON array of strings, e.g. ["python","train.py","{config}"].');
    }
  }
  if (Object.keys(train).length) s.train = train;
  set('evalSets', f.evalSet);
  set('mainSet', f.mainSet);
  set('evalLimit', f.evalLimit);
  set('tolerance', f.tolerance);
  if (f.acceptRule !== undefined && f.acceptRule !== 'tolerance' && f.acceptRule !== 'significant')
    throw new Error(`--accept-rule wants "tolerance" or "significant", not "${f.acceptRule}".`);
  set('acceptRule', f.acceptRule);
  set('evalRefinement', f.evalRefinement);
  set('maxRefinements', f.maxRefinements);
  set('threads', f.threads);
  set('seed', f.seed);
  s.generation = generationFromFlags(f);
  if (s.generation === undefined) delete s.generation;
  return s as unknown as EvolveSettingsInput;
}

/** --remote … → a remote backend; --gpu → the local one's device; neither: the default (local, GPU auto). */
function generationFromFlags(f: EvolveFlags): EvolveSettingsInput['generation'] {
  const gpus = ['auto', 'off', 'cuda', 'vulkan', 'metal'];
  if (f.gpu !== undefined && !gpus.includes(f.gpu)) throw new Error(`--gpu wants one of ${gpus.join(', ')}, not "${f.gpu}".`);
  if (f.remote) {
    if (!f.remoteModel) throw new Error('--remote needs --remote-model (the model name the server serves).');
    if (f.gpu !== undefined) throw new Error('--gpu applies to local generation; with --remote the server chooses its device.');
    return {
      kind: 'remote',
      baseUrl: f.remote,
      model: f.remoteModel,
      ...(f.apiKey ? { apiKey: f.apiKey } : {}),
      ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
    };
  }
  if (f.remoteModel || f.apiKey || f.concurrency !== undefined)
    throw new Error('--remote-model, --api-key and --concurrency need --remote.');
  if (f.gpu === undefined) return undefined;
  return { kind: 'local', gpu: f.gpu === 'off' ? false : (f.gpu as 'auto' | 'cuda' | 'vulkan' | 'metal') };
}

/** Runs an evolution job in this process with the jobs' foreground runner (progress bar; Ctrl-C or SIGTERM cancels it). */
async function runEvolution(
  client: ToolsmithClient,
  settings: EvolveSettingsInput,
  bar: ProgressBar,
): Promise<{ job: JobSummary; runId: string }> {
  let runId = '';
  const job = await runJobInForeground(
    client,
    async () => {
      const started = await client.call('evolution.start', settings);
      runId = started.runId;
      return client.call('jobs.get', { id: started.jobId });
    },
    bar,
  );
  return { job, runId };
}

function metricOf(r: RoundSummary, name: string, category = ''): number | undefined {
  return r.metrics.find((m) => m.name === name && m.category === category)?.value;
}

/** "37.5 (30/80)": accuracy points with the item counts behind them (older rounds without counts: points only). */
function accuracyCell(r: RoundSummary, category: string, unit = '', suffix = ''): string {
  const acc = metricOf(r, `accuracy${suffix}`, category);
  if (acc === undefined) return '–';
  const correct = metricOf(r, `correct${suffix}`, category);
  const items = metricOf(r, `items${suffix}`, category);
  return correct === undefined || items === undefined ? `${acc.toFixed(1)}${unit}` : `${acc.toFixed(1)}${unit} (${correct}/${items})`;
}

/** "+6.2 p=0.109 (8↑ 2↓)": a paired change on the main set, with its McNemar p-value and the flipped items. */
function changeCell(c: RoundComparison | undefined): string {
  if (!c) return '–';
  const d = 100 * c.test.difference;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)} p=${formatP(c.test.pValue)} (${c.test.fixed}↑ ${c.test.broken}↓)`;
}

/**
 * The per-round table: held-out accuracy (with its counts) by set and category, the main set's paired
 * change against round 0 and the last accepted round (McNemar p, items fixed ↑ / broken ↓), samples,
 * training loss, wall time. No line is wider than 100 columns.
 */
export function roundsTable(
  rounds: RoundSummary[],
  sets: string[],
  comparisons: ReadonlyMap<number, { comparisons: RoundComparison[] }> = new Map(),
  main = sets[0],
): string {
  const categories = ['simple', 'multiple', 'parallel', 'parallel_multiple', 'irrelevance'];
  const short: Record<string, string> = {
    simple: 'simp',
    multiple: 'mult',
    parallel: 'par',
    parallel_multiple: 'p-mult',
    irrelevance: 'irrel',
  };
  const header = ['round', 'state'];
  // "<set> %" is the round's free-text evaluation; "<set> grammar %" the same set under the call grammar.
  for (const set of sets)
    header.push(`${set.replace(/^toolsmith-/, '')} %`, ...categories.map((c) => short[c]!), `${set.replace(/^toolsmith-/, '')} grammar %`);
  header.push('Δ vs r0', 'Δ vs prev', 'generated', 'verified', 'selected', 'refused', 'loss', 'wall');
  const rows = rounds.map((r) => {
    const row: (string | number)[] = [r.seq, r.seq === 0 ? 'base' : r.state.replace('_', ' ')];
    for (const set of sets) {
      row.push(accuracyCell(r, set));
      for (const c of categories) row.push(accuracyCell(r, `${set}/${c}`));
      row.push(accuracyCell(r, set, '', '_constrained'));
    }
    const mine = comparisons.get(r.id)?.comparisons.filter((c) => c.set === main) ?? [];
    row.push(changeCell(mine.find((c) => c.against === 'round0')), changeCell(mine.find((c) => c.against === 'previous')));
    const loss = metricOf(r, 'train_loss_final');
    const first = metricOf(r, 'train_loss_first');
    row.push(
      // The round's counts come from one source (evolution/round-counts.ts), as in the app and the model card.
      r.seq === 0 ? '–' : r.counts.generated,
      r.seq === 0 ? '–' : r.counts.verified,
      r.seq === 0 ? '–' : r.counts.selected,
      metricOf(r, 'heldout_overlap_refused') ?? '–',
      loss === undefined ? '–' : `${first !== undefined ? `${first.toFixed(2)}→` : ''}${loss.toFixed(2)}`,
      formatDuration(metricOf(r, 'wall_seconds') ?? 0),
    );
    return row;
  });
  // At most 100 columns wide: the columns go into several tables, each keeping the round number.
  return formatTableWithin(header, rows, { maxWidth: 100, keep: 1 });
}

async function printRun(client: ToolsmithClient, runId: string, sets: string[], main = sets[0]!): Promise<void> {
  const { items } = await client.call('evolution.rounds', { runId });
  const compared = new Map<number, { comparisons: RoundComparison[]; verdict: { reason: string } | null }>();
  for (const r of items) if (r.seq > 0) compared.set(r.id, await client.call('insight.roundComparison', { id: r.id }));
  console.log(roundsTable(items, sets, compared, main));
  console.log(
    `\nΔ: change in points on ${main} on the same items, exact McNemar p, items fixed ↑ / broken ↓;\nrefused: training samples equal to a held-out query.`,
  );
  for (const r of items) {
    const verdict = compared.get(r.id)?.verdict;
    if (verdict) console.log(`round ${r.seq}: ${verdict.reason}`);
  }
  const first = items[0];
  const accepted = items.filter((r) => r.seq === 0 || r.state === 'accepted');
  const last = accepted[accepted.length - 1];
  if (first && last && metricOf(first, 'accuracy', main) !== undefined && metricOf(last, 'accuracy', main) !== undefined) {
    const vsBase = compared.get(last.id)?.comparisons.find((c) => c.set === main && c.against === 'round0');
    console.log(
      `\n${main}: round 0 ${accuracyCell(first, main, ' %')} → last accepted (round ${last.seq}) ${accuracyCell(last, main, ' %')}${vsBase ? `: ${changeCell(vsBase)} against round 0` : ''}`,
    );
  }
}

export function registerEvolutionCommands(program: Command, open: OpenEngine): void {
  const evolve = evolveOptions(
    program
      .command('evolve')
      .description(
        'Self-evolution: rounds of tool-making, k-sample tool-using, verification, model-aware selection, training, evaluation and accept/roll back',
      )
      // Checked in the action, not with requiredOption: commander would demand it of `evolve continue` too.
      .option('-m, --model <model>', 'the model to start from (required): a registered name or id (an adapter loads its base with it)'),
    evolveDefault,
  ).action(async (flags: EvolveFlags, command: Command) => {
    if (!flags.model) command.error("error: required option '-m, --model <model>' not specified");
    const { engine, client } = open(command);
    const bar = createProgressBar();
    const started = Date.now();
    try {
      const settings = settingsFromFlags(flags, nameOrId(flags.model!));
      const { job, runId } = await runEvolution(client, settings, bar);
      bar.finish(
        `Run ${runId}: job ${job.id} ${job.state} in ${formatDuration((Date.now() - started) / 1000)}${job.error ? `: ${job.error}` : ''}`,
      );
      await printRun(client, runId, flags.evalSet ?? [UNSEEN_SET, INDOMAIN_SET], flags.mainSet);
      if (job.state !== 'done') process.exitCode = job.state === 'cancelled' ? 130 : 1;
    } finally {
      await engine.close();
    }
  });
  registerEvolveContinue(evolve, open);

  evolveOptions(
    program
      .command('demo')
      .description(
        `The offline demo: a fresh workspace, the built-in tool pool, a model (${DEMO_MODEL}, else the bundled starter), ${DEMO_DEFAULTS.rounds} rounds, then a table per round`,
      )
      .option(
        '--starter-steps <n>',
        'with --no-bundled-starter: native pretraining steps for a fresh starter model',
        int('starter-steps'),
        DEMO_DEFAULTS.starterSteps,
      )
      .option('--no-bundled-starter', 'ignore the bundled trained starter: write a random one and teach it with the native trainer')
      .option(
        '--model <name>',
        `the model: a catalog entry (pulled once, then cached) or a GGUF file, or "starter" for the bundled starter (default ${DEMO_MODEL}; the starter where it cannot be fetched)`,
      )
      .option('--keep', 'keep the temporary workspace'),
    demoDefault,
  ).action(async (flags: EvolveFlags & { starterSteps: number; bundledStarter: boolean; keep?: boolean }, command: Command) => {
    const globals = command.optsWithGlobals() as { workspace?: string };
    const temp = !globals.workspace;
    const dir = globals.workspace ? path.resolve(globals.workspace) : fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-demo-'));
    const { engine, client } = open(command, { dir });
    const bar = createProgressBar();
    const started = Date.now();
    const offProgress = client.on('demo.progress', (p) =>
      p.done === null
        ? p.message && bar.log(p.message)
        : bar.update({ label: 'starter', done: p.done, total: p.total, message: p.message }),
    );
    try {
      console.log(`Workspace: ${dir}${temp ? ' (temporary)' : ''}`);
      // The machine's choice unless given (lib/threads.ts: 1 on ≤ 2 free cores, where a second thread only spins).
      const chosen = await client.call('workspace.threads', {});
      const threads = flags.threads ?? chosen.generation;
      if (flags.threads === undefined) bar.log(`Threads: ${chosen.reason}`);
      const real = await demoModel(client, flags.model ?? DEMO_MODEL, bar);
      const setup = await client.call('demo.setup', {
        ...(real ? { modelId: real.id } : {}),
        starterSteps: flags.starterSteps,
        bundledStarter: flags.bundledStarter,
        threads: flags.trainThreads ?? chosen.training,
      });
      console.log(
        `Built-in pool: ${setup.tools} tools; ${setup.seedsInserted} seed samples added; evaluation sets ${setup.evalSets.join(', ')}`,
      );
      if (setup.starter?.trained)
        bar.log(
          `Starter model taught the call format in ${formatDuration(setup.starter.seconds)} (final loss ${setup.starter.finalLoss?.toFixed(3) ?? '?'})`,
        );
      const demo = setup.settings as { evalSets?: string[]; train?: object };
      const given = settingsFromFlags({ ...flags, threads }, setup.modelId) as Record<string, unknown>;
      const settings = {
        ...demo,
        ...given,
        train: { ...demo.train, ...(given.train as object | undefined) },
      } as EvolveSettingsInput;
      const { job, runId } = await runEvolution(client, settings, bar);
      bar.finish(
        `Demo run ${runId}${real ? ` on ${real.name}` : ''}: job ${job.id} ${job.state} in ${formatDuration((Date.now() - started) / 1000)}${job.error ? `: ${job.error}` : ''}`,
      );
      await printRun(client, runId, settings.evalSets ?? demo.evalSets ?? [UNSEEN_SET, INDOMAIN_SET], flags.mainSet);
      if (job.state !== 'done') process.exitCode = job.state === 'cancelled' ? 130 : 1;
    } finally {
      offProgress();
      await engine.close();
      if (temp && !flags.keep) fs.rmSync(dir, { recursive: true, force: true });
      else console.log(`Workspace kept: ${dir}`);
    }
  });
}

/**
 * The demo's model: the starter (null) when asked for, else the named catalog entry or GGUF file, pulled or
 * imported with progress, and the python trainer's environment made ready (first time: a few minutes). Where
 * the model or the trainer cannot be had here, one line says why and the demo runs on the bundled starter.
 */
async function demoModel(client: ToolsmithClient, ref: string, bar: ProgressBar): Promise<{ id: number; name: string } | null> {
  if (ref === 'starter') return null;
  let model;
  try {
    model = fs.existsSync(ref)
      ? await client.call('models.import', { file: ref, copy: false })
      : (await pullWithProgress(client, bar, ref)).model;
  } catch (error) {
    bar.log(`${ref} cannot be had here (${(error as Error).message}); the demo runs on the bundled starter instead.`);
    return null;
  }
  bar.log(`Model: ${model.name} (${model.architecture ?? '?'}, ${model.quantization ?? '?'}, ${formatBytes(model.sizeBytes ?? 0)})`);
  if (!(await client.call('trainer.status', {})).ready) {
    bar.log('Setting up the python trainer that teaches it (torch, transformers, peft: about 5.6 GB, a few minutes the first time)…');
    const setup = await runJobInForeground(client, () => client.call('jobs.start', { kind: 'trainer.setup', settings: {} }), bar).catch(
      (error: Error) => ({ state: 'failed', error: error.message }) as const,
    );
    if (setup.state !== 'done') {
      bar.log(`The python trainer cannot be set up here (${setup.error ?? setup.state}); the demo runs on the bundled starter instead.`);
      return null;
    }
  }
  return { id: model.id, name: model.name };
}
