/**
 * Many samples through the engine's own composer and insert path (what an import or a long evolution leaves
 * behind), for the paging e2e and the dashboards bench.
 */
import type { Db } from '../../src/main/engine/db/open';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { composeSamples } from '../../src/main/engine/pool/compose';
import { POOL_DOMAIN_GROUPS, SEED_COUNTS } from '../../src/main/engine/pool/seed';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import type { SampleStatus } from '../../src/shared/contract/samples';
import { OUT_OF_SCOPE, POOL_INTENTS } from '../../resources/seed/intents';

/** Inserts `total` invocation samples (the i-th with status `statusOf(i)`), one transaction per composed batch. */
export function fillSamples(db: Db, total: number, statusOf: (i: number) => SampleStatus, onBatch?: (inserted: number) => void): void {
  const pool = loadBuiltinPool();
  const tools = pool.map((t) => ({ name: t.name, domain: t.domain, def: t.def }));
  const byName = new Map(pool.map((t) => [t.name, t.def]));
  let inserted = 0;
  const insertBatch = db.transaction((batch: ReturnType<typeof composeSamples>) => {
    for (const s of batch) {
      if (inserted >= total) return;
      insertSample(db, {
        subtask: 'invocation',
        category: s.category,
        status: statusOf(inserted),
        queryText: s.query,
        input: { query: s.query, tools: s.tools.map((n) => byName.get(n)!) },
        outputText: s.target,
      });
      inserted++;
    }
  });
  for (let seed = 1; inserted < total; seed++) {
    insertBatch(
      composeSamples({
        seed,
        counts: SEED_COUNTS,
        tools,
        intents: POOL_INTENTS,
        domainGroups: POOL_DOMAIN_GROUPS,
        outOfScope: OUT_OF_SCOPE,
      }),
    );
    onBatch?.(inserted);
  }
}
