import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tmp';

/**
 * The CLI reaches the engine only through the contract: its modules call the typed client, never engine
 * modules. Two files may import the engine: the composition root that opens it (`cli/engine-opener.ts`) and
 * the trainer's own processes (`cli/trainer-process.ts`: `train --contract`, `trainer build-starter`).
 */
const ALLOWED = new Set(['src/main/cli/engine-opener.ts', 'src/main/cli/trainer-process.ts']);

/** Module specifiers a file imports (static, `export … from`, dynamic `import()`), and `.ctx` reaches into the engine. */
export function engineReachesOf(file: string, text: string): string[] {
  const found: string[] = [];
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) continue;
    const target = path
      .relative(repoRoot, path.resolve(path.dirname(path.join(repoRoot, file)), spec))
      .split(path.sep)
      .join('/');
    if (target === 'src/main/engine' || target.startsWith('src/main/engine/')) found.push(spec);
  }
  for (const m of text.matchAll(/\.\s*ctx\b/g)) found.push(`.ctx at offset ${m.index}`);
  return found;
}

function cliFiles(): string[] {
  const dir = path.join(repoRoot, 'src/main/cli');
  return [
    'src/main/cli.ts',
    ...fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/main/cli/${f}`),
  ];
}

describe('the CLI goes through the contract', () => {
  it('no CLI module but the composition root imports engine modules or reaches into the engine context', () => {
    const offenders = cliFiles()
      .filter((file) => !ALLOWED.has(file))
      .map((file) => ({ file, reaches: engineReachesOf(file, fs.readFileSync(path.join(repoRoot, file), 'utf8')) }))
      .filter((o) => o.reaches.length > 0);
    expect(offenders).toEqual([]);
  });

  it('finds each kind of reach', () => {
    const file = 'src/main/cli/example.ts';
    expect(engineReachesOf(file, "import { jobRunner } from '../engine/jobs/runner';")).toEqual(['../engine/jobs/runner']);
    expect(engineReachesOf(file, "import type { Db } from '../engine/db/open';")).toEqual(['../engine/db/open']);
    expect(engineReachesOf(file, "const m = await import('../engine/train/run');")).toEqual(['../engine/train/run']);
    expect(engineReachesOf(file, "export { x } from '../engine/pool';")).toEqual(['../engine/pool']);
    expect(engineReachesOf(file, 'const db = engine.ctx.db;')).toHaveLength(1);
    expect(engineReachesOf('src/main/cli.ts', "import { WorkspaceError } from './engine/db/errors';")).toEqual(['./engine/db/errors']);
    // The contract, shared helpers and other CLI modules are fine.
    expect(engineReachesOf(file, "import { createClient } from '../../shared/client';\nimport { formatTable } from './table';")).toEqual(
      [],
    );
  });
});
