import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { runCli } from '../helpers/cli';
import { repoRoot, tempDir } from '../helpers/tmp';
import { POOL, seedPool, tinyStarter } from './fixture';

describe('toolsmith evolve and demo on the command line', () => {
  it('an evolve ended with SIGTERM cancels its job (not left running) and exits non-zero', async () => {
    const dir = tempDir();
    const engine = openEngine(dir);
    seedPool(engine.ctx.db, 8);
    const starter = await tinyStarter(engine.ctx.db, engine.ctx.workspace.modelsDir);
    await engine.close();
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'toolsmith.js'),
        '-w',
        dir,
        'evolve',
        '-m',
        String(starter),
        '--run-id',
        'term',
        '--pool',
        POOL,
        '--rounds',
        '2',
        '--imports',
        '4',
        '--generated',
        '0',
        '-k',
        '3',
        '--max-tokens',
        '40',
        '--eval-set',
        'mini-unseen',
        'mini-in-domain',
        '--eval-refinement',
        'off',
        '--threads',
        '1',
        '--backend',
        'native',
        '--max-steps',
        '3',
        '--train-threads',
        '1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Once a step reports progress ("<step> (1/…)"), the job is running in that process.
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/\(\d+\/\d+\): /.test(out)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`evolve exited with ${code} before running: ${out}`)));
    });
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, out).toBe(130);
    expect(out).toContain('Cancelling…');
    const reader = openEngine(dir);
    try {
      const [job] = (await createClient(reader).call('jobs.list', {})).items;
      expect(job).toMatchObject({ kind: 'evolution.run', state: 'cancelled' });
    } finally {
      await reader.close();
    }
  }, 300_000);

  it("`demo --help` shows the demo's own defaults, `evolve --help` evolve's", async () => {
    const demo = await runCli(['demo', '--help']);
    expect(demo.code).toBe(0);
    // One option's help, its wrapped lines joined: from the flag to the next option.
    const line = (text: string, flag: string) => {
      const flat = text.replace(/\s+/g, ' ');
      const from = flat.indexOf(` ${flag} `);
      const next = flat.indexOf(' --', from + flag.length + 2);
      return from < 0 ? '' : flat.slice(from, next < 0 ? undefined : next);
    };
    // The demo's budgets (a pretrained model; where the bundled starter's differ, both).
    expect(line(demo.stdout, '--imports')).toContain('(default 16)');
    expect(line(demo.stdout, '--generated')).toContain('(default 4)');
    expect(line(demo.stdout, '--max-tokens')).toContain('(default 96; 160 on the starter)');
    expect(line(demo.stdout, '--backend')).toContain('(default python; native on the starter)');
    expect(line(demo.stdout, '--threads')).toContain('chosen from the cores free');
    expect(demo.stdout).not.toContain('(default 48)');
    const evolve = await runCli(['evolve', '--help']);
    expect(line(evolve.stdout, '--imports')).toContain('(default 48)');
    expect(line(evolve.stdout, '--max-tokens')).toContain('(default 160)');
  });
});
