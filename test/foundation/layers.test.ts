import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tmp';

const engine = path.join(repoRoot, 'src', 'main', 'engine');
const eslint = new ESLint({ cwd: repoRoot });

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(engine, file) });
  return result!.messages.filter((m) => m.ruleId === 'toolsmith/engine-layers').map((m) => m.message);
}

describe('engine layering (toolsmith/engine-layers, run by npm run lint)', () => {
  it('keeps low tiers low: lib imports no domain, db no workspace', async () => {
    expect(
      await layerProblems('lib/new-helper.ts', "import { listTools } from '../tools/tools-repo';\nexport const x = listTools;\n"),
    ).toEqual(['engine/lib/ is a low tier: it may import only nothing else in the engine, not tools/.']);
    expect(
      await layerProblems('db/new.ts', "import { openWorkspace } from '../workspace/workspace';\nexport const x = openWorkspace;\n"),
    ).toEqual(['engine/db/ is a low tier: it may import only lib/, not workspace/.']);
    expect(await layerProblems('core/new.ts', "import { seededShuffle } from '../lib/random';\nexport const x = seededShuffle;\n")).toEqual(
      [],
    );
  });

  it('refuses an import that closes a cycle between folders, naming the cycle', async () => {
    const problems = await layerProblems(
      'tools/new.ts',
      "import { selectSamples } from '../evolution/select';\nexport const x = selectSamples;\n",
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^This import closes a cycle between engine folders: tools → evolution → (.* → )?tools\.$/);
  });

  it('lets nothing in the engine import the composition root', async () => {
    expect(await layerProblems('eval/new.ts', "import { openEngine } from '../api';\nexport const x = openEngine;\n")).toEqual([
      'Nothing in the engine imports the composition root api.ts (from eval/).',
    ]);
  });

  it('keeps SQL in the repository modules: prepare() outside a *-repo.ts is refused', async () => {
    const code =
      "import type { Db } from '../db/open';\nexport const count = (db: Db) => db.prepare('SELECT COUNT(*) FROM tools').get();\n";
    const sqlProblems = async (file: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(engine, file) });
      return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
    };
    expect(await sqlProblems('tools/count.ts')).toEqual([
      'SQL belongs in the repository module of its table (a *-repo.ts); call a function of that module here.',
    ]);
    expect(await sqlProblems('tools/count-repo.ts')).toEqual([]);
  });

  it('finds no problem in the engine as it is', async () => {
    const results = await eslint.lintFiles([path.join(engine, '**/*.ts')]);
    const problems = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'toolsmith/engine-layers').map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 120_000);
});
