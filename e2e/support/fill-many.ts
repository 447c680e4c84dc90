/**
 * Fills a workspace with N samples through the engine's own composer and insert path (what an import or a
 * long evolution leaves behind), every third one accepted. Usage: node --import tsx e2e/support/fill-many.ts DIR N
 */
import { openEngine } from '../../src/main/engine/api';
import { loadBuiltinPool } from '../../src/main/engine/pool/builtin-pool';
import { composeSamples } from '../../src/main/engine/pool/compose';
import { POOL_DOMAIN_GROUPS, SEED_COUNTS } from '../../src/main/engine/pool/seed';
import { insertSample } from '../../src/main/engine/samples/samples-repo';
import { OUT_OF_SCOPE, POOL_INTENTS } from '../../resources/seed/intents';

const [dir, count] = process.argv.slice(2);
if (!dir || !count) {
  console.error('usage: fill-many.ts DIR N');
  process.exit(2);
}
const total = Number(count);
const engine = openEngine(dir);
const db = engine.ctx.db;
const pool = loadBuiltinPool();
const tools = pool.map((t) => ({ name: t.name, domain: t.domain, def: t.def }));
const byName = new Map(pool.map((t) => [t.name, t.def]));
let inserted = 0;
for (let seed = 1; inserted < total; seed++) {
  const batch = composeSamples({
    seed,
    counts: SEED_COUNTS,
    tools,
    intents: POOL_INTENTS,
    domainGroups: POOL_DOMAIN_GROUPS,
    outOfScope: OUT_OF_SCOPE,
  });
  db.transaction(() => {
    for (const s of batch) {
      if (inserted >= total) return;
      insertSample(db, {
        subtask: 'invocation',
        category: s.category,
        status: inserted % 3 === 0 ? 'accepted' : 'candidate',
        queryText: s.query,
        input: { query: s.query, tools: s.tools.map((n) => byName.get(n)!) },
        outputText: s.target,
      });
      inserted++;
    }
  })();
}
await engine.close();
console.log(`filled ${inserted} samples`);
