import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import { runCli } from '../helpers/cli';
import { repoRoot, sharedDir, tempDir } from '../helpers/tmp';
import { startFileServer } from './file-server';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

describe('CLI: model pull and serve-model', () => {
  it('`model pull URL` downloads and registers a model', async () => {
    const server = await startFileServer(fs.readFileSync(STORIES));
    const ws = tempDir();
    try {
      const result = await runCli(['-w', ws, 'model', 'pull', server.url('pulled.gguf'), '--json'], { timeoutMs: 150_000 });
      expect(result.stderr).not.toMatch(/error/);
      expect(result.code).toBe(0);
      const model = JSON.parse(result.stdout) as { name: string; architecture: string; sizeBytes: number };
      expect(model).toMatchObject({ name: 'pulled', architecture: 'llama', sizeBytes: fs.statSync(STORIES).size });
    } finally {
      await server.close();
    }
  }, 200_000);

  it('`serve-model NAME --refine` serves the registered model with an API key and stops cleanly on Ctrl-C', async () => {
    const ws = tempDir();
    const engine = openEngine(ws);
    await createClient(engine).call('models.import', { file: STORIES, name: 'stories' });
    await engine.close();
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'toolsmith.js'),
        '-w',
        ws,
        'serve-model',
        'stories',
        '--port',
        '0',
        '--api-key',
        'k',
        '--threads',
        '1',
        '--context',
        '512',
        '--cpu',
        '--refine',
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve-model did not start: ${out}`)), 150_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => reject(new Error(`serve-model exited with ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/models`)).status).toBe(401);
      const models = (await (await fetch(`${url}/models`, { headers: { authorization: 'Bearer k' } })).json()) as {
        data: { id: string }[];
      };
      expect(models.data.map((m) => m.id)).toEqual(['stories']);
      // --refine: the engine's serving.start refines with ToolACE-R's adaptive refinement.
      expect(out).toMatch(/Serving stories on CPU at .*refined\)/);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 200_000);
});
