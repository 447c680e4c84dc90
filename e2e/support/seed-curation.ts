/**
 * A workspace ready for a curation round: the test pool with its samples and a tiny starter model, no run yet.
 * Prints the starter's model id. Usage: node --import tsx e2e/support/seed-curation.ts DIR
 */
import { openEngine } from '../../src/main/engine/api';
import { seedPool, tinyStarter } from '../../test/evolution/fixture';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: seed-curation.ts DIR');
  process.exit(2);
}
const engine = openEngine(dir);
try {
  seedPool(engine.ctx.db, 8);
  console.log(`starter ${await tinyStarter(engine.ctx.db, engine.ctx.workspace.modelsDir)}`);
} finally {
  await engine.close();
}
