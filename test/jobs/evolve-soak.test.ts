/**
 * Soak: the real CLI's `evolve` (one small round on a tiny starter) SIGKILLed at seeded points, each time
 * picked up with `toolsmith jobs resume ID --run`, in several runs. Every run must end with the job done and
 * the same samples and evaluation runs as one uninterrupted run with the same seeds, no orphan or unfinished
 * `eval_runs` row, no leftover `.train-*` / `.tmp` file, and an intact database.
 *
 * A kill point is the n-th progress line the process prints (n seeded), so the kills fall in every step of a
 * round: evaluation, tool-making, tool-using, training, the commits between. Replay a failing run with
 * TOOLSMITH_SOAK_SEED.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/main/engine/lib/random';
import { openWorkspace } from '../../src/main/engine/workspace/workspace';
import { seedPool, tinyStarter } from '../evolution/fixture';
import { repoRoot, tempDir } from '../helpers/tmp';

const SEED = Number(process.env.TOOLSMITH_SOAK_SEED ?? 20261203);
const RUNS = 3;
const KILLS_PER_RUN = 3;
/**
 * A fresh run prints 17 progress lines or more (one per evaluation set and per tenth of a step): the first kill,
 * at one of the first 8, always lands mid-job. A resumed process prints fewer; its kill may come too late, and
 * the job then simply finishes.
 */
const FIRST_KILL_WITHIN = 8;
const LATER_KILL_WITHIN = 14;

const EVOLVE = [
  'evolve',
  ...['-m', 'starter', '--pool', 'mini', '--run-id', 'soak', '--rounds', '1', '--imports', '4', '--generated', '2'],
  ...['-k', '3', '--pass-k', '3', '--max-tokens', '40', '--eval-set', 'mini-unseen', 'mini-in-domain', '--eval-refinement', 'off'],
  ...['--threads', '1', '--gpu', 'off', '--backend', 'native', '--epochs', '1', '--max-steps', '3', '--lr', '1e-4'],
  ...['--context-length', '256', '--train-layers', 'last', '--train-threads', '1'],
];

async function prepare(dir: string): Promise<void> {
  const ws = openWorkspace(dir, { onSweep: () => undefined });
  try {
    seedPool(ws.db, 8);
    await tinyStarter(ws.db, ws.modelsDir);
  } finally {
    ws.close();
  }
}

interface Attempt {
  code: number | null;
  killed: boolean;
  /** The step the kill fell in (its last progress line's label). */
  killedIn: string | null;
  jobId: number | null;
  stderr: string;
}

const PROGRESS_LINE = /^\S+ \(\d+\/\d+\): /;

/** Runs the real CLI; SIGKILLs it right after its `killAt`-th progress line for the job (never when null). */
function runToolsmith(dir: string, args: string[], killAt: number | null): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'toolsmith.js'), '--workspace', dir, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let jobId: number | null = null;
    let progress = 0;
    let killed = false;
    let killedIn: string | null = null;
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += `${line}\n`;
      const job = /^Job (\d+): /.exec(line);
      if (job) jobId = Number(job[1]);
      if (jobId !== null && PROGRESS_LINE.test(line) && ++progress === killAt) {
        killed = child.kill('SIGKILL');
        killedIn = line.slice(0, line.indexOf(' ('));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, killed: killed && signal === 'SIGKILL', killedIn, jobId, stderr }));
  });
}

/** What a run leaves that must not depend on kills: samples, evaluation runs, rounds, the job. */
function digest(dir: string) {
  const db = new Database(path.join(dir, 'toolsmith.sqlite'), { readonly: true });
  try {
    return {
      samples: db
        .prepare(
          `SELECT s.subtask, s.status, s.category, r.seq AS round, s.vote_share, s.pass_at_k, s.bucket, s.current_version,
                  s.dedupe_key, v.query_text, v.input_json, v.output_text
           FROM samples s JOIN sample_versions v ON v.sample_id = s.id AND v.version = s.current_version
           LEFT JOIN rounds r ON r.id = s.round_id ORDER BY s.id`,
        )
        .all(),
      evalRuns: db
        .prepare(
          `SELECT e.name AS setName, r.seq AS round, x.label, x.summary_json, x.finished_at IS NOT NULL AS finished,
                  (SELECT COUNT(*) FROM eval_results res WHERE res.run_id = x.id) AS results
           FROM eval_runs x JOIN eval_sets e ON e.id = x.set_id LEFT JOIN rounds r ON r.id = x.round_id ORDER BY x.id`,
        )
        .all() as {
        setName: string;
        round: number | null;
        label: string;
        summary_json: string | null;
        finished: number;
        results: number;
      }[],
      rounds: db.prepare('SELECT run_id, seq, state, stage FROM rounds ORDER BY id').all(),
      job: db.prepare('SELECT id, state, result_json FROM jobs').all() as { id: number; state: string; result_json: string | null }[],
    };
  } finally {
    db.close();
  }
}

function jobState(dir: string, id: number): string | undefined {
  const db = new Database(path.join(dir, 'toolsmith.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get(id) as string | undefined;
  } finally {
    db.close();
  }
}

/** Names under `dir` that a crash leaves: train work folders and temp files. */
function leftovers(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => /^\.train-/.test(path.basename(rel)) || /\.tmp$/.test(rel) || /\.staging\.jsonl$/.test(rel));
}

describe('evolve under SIGKILL', () => {
  it(
    `${RUNS} runs, up to ${KILLS_PER_RUN} seeded kills each, resumed: the same result as an uninterrupted run`,
    { timeout: 600_000 },
    async () => {
      const root = tempDir('toolsmith-soak-');
      const reference = path.join(root, 'reference');
      await prepare(reference);
      const clean = await runToolsmith(reference, EVOLVE, null);
      expect(clean.code, clean.stderr).toBe(0);
      const expected = digest(reference);
      expect(expected.job).toEqual([expect.objectContaining({ state: 'done' })]);
      expect(expected.samples.length).toBeGreaterThan(0);
      expect(expected.evalRuns.length).toBeGreaterThan(0);

      const rand = seededRandom(SEED);
      for (let run = 0; run < RUNS; run++) {
        const dir = path.join(root, `soak-${run}`);
        await prepare(dir);
        const killPoints = Array.from(
          { length: KILLS_PER_RUN },
          (_, i) => 1 + Math.floor(rand() * (i === 0 ? FIRST_KILL_WITHIN : LATER_KILL_WITHIN)),
        );
        const what = `run ${run} (kills after progress lines ${killPoints.join(', ')}, seed ${SEED})`;
        const first = await runToolsmith(dir, EVOLVE, killPoints[0]!);
        expect(first.killed, `${what}: the first kill did not land\n${first.stderr}`).toBe(true);
        const jobId = first.jobId!;
        const landed = [first.killedIn];
        // A kill that lands after the job is done (while the table prints) leaves nothing to resume.
        for (let i = 1; jobState(dir, jobId) !== 'done'; i++) {
          expect(i, `${what}: still not done after ${i} resumes`).toBeLessThanOrEqual(KILLS_PER_RUN);
          const attempt = await runToolsmith(dir, ['jobs', 'resume', String(jobId), '--run'], killPoints[i] ?? null);
          if (attempt.killed) landed.push(attempt.killedIn);
          else expect(attempt.code, `${what}: resume ${i}\n${attempt.stderr}`).toBe(0);
        }
        console.log(`${what}: ${landed.length} kills landed, in ${landed.join(', ')}`);

        const got = digest(dir);
        expect(got.samples, what).toEqual(expected.samples);
        expect(got.evalRuns, what).toEqual(expected.evalRuns);
        expect(got.evalRuns.every((r) => r.finished === 1)).toBe(true);
        expect(got.rounds, what).toEqual(expected.rounds);
        expect(got.job.map((j) => [j.state, j.result_json])).toEqual(expected.job.map((j) => [j.state, j.result_json]));
        // Each resume's start swept what the kill before it left.
        expect(leftovers(dir), what).toEqual([]);
        const db = new Database(path.join(dir, 'toolsmith.sqlite'), { readonly: true });
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(db.pragma('foreign_key_check')).toEqual([]);
        } finally {
          db.close();
        }
      }
    },
  );
});
