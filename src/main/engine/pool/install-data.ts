/**
 * Puts the seed samples and the built-in evaluation sets into a workspace, idempotently:
 * - seed samples become accepted invocation samples outside any round (author `import`, source format
 *   `seed`), deduplicated by the samples repository's invocation key, so a second install adds nothing;
 * - each built-in evaluation set is imported through the BFCL importer unless a set of that name exists.
 */
import type { Db } from '../db/open';
import { importBfclSet } from '../eval/bfcl-import';
import { setNamesByAge } from '../eval/sets-repo';
import { invocationDedupeKey, sampleWriter, type InvocationInput } from '../samples/samples-repo';
import { canonicalKey } from '../tools/canonical';
import { loadBuiltinPool, type BuiltinTool } from './builtin-pool';
import { builtinEvalSetFiles } from './eval-sets';
import { loadSeedSamples, seedSampleTools, type SeedSample } from './seed';

export interface SeedInstallResult {
  added: number;
  skipped: number;
}

export function installSeedSamples(
  db: Db,
  samples: SeedSample[] = loadSeedSamples(),
  pool: BuiltinTool[] = loadBuiltinPool(),
): SeedInstallResult {
  const write = sampleWriter(db);
  return db.transaction((): SeedInstallResult => {
    const result = { added: 0, skipped: 0 };
    samples.forEach((s, i) => {
      const input: InvocationInput = { query: s.query, tools: seedSampleTools(s, pool) };
      const id = write({
        subtask: 'invocation',
        status: 'accepted',
        category: s.category,
        queryText: s.query,
        input,
        outputText: s.target,
        author: 'import',
        note: s.id,
        dedupeKey: invocationDedupeKey(input, s.calls.length ? canonicalKey(s.calls) : s.target),
        source: { file: 'resources/seed/intents.ts', line: i + 1, format: 'seed' },
      });
      if (id === null) result.skipped++;
      else result.added++;
    });
    return result;
  })();
}

/** Imports the built-in evaluation sets that the workspace does not have yet; returns the names imported. */
export async function installBuiltinEvalSets(db: Db): Promise<string[]> {
  const imported: string[] = [];
  const installed = new Set(setNamesByAge(db));
  for (const set of builtinEvalSetFiles()) {
    if (installed.has(set.name)) continue;
    await importBfclSet(db, { questions: { path: set.questionsFile }, answers: { path: set.answersFile }, name: set.name });
    imported.push(set.name);
  }
  return imported;
}
