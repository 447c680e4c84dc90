/**
 * Readies a workspace for a training job and nothing more: the mini tool pool with its seeds and evaluation
 * sets, and the tiny untrained starter model (written, not trained: fast). Prints `{"starter": <model id>}`.
 * Usage: node --import tsx e2e/support/prepare-training.ts DIR
 */
import { openEngine } from '../../src/main/engine/api';
import { seedPool, tinyStarter } from '../../test/evolution/fixture';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: prepare-training.ts DIR');
  process.exit(2);
}
const engine = openEngine(dir);
try {
  seedPool(engine.ctx.db);
  const starter = await tinyStarter(engine.ctx.db, engine.ctx.workspace.modelsDir);
  console.log(JSON.stringify({ starter }));
} finally {
  await engine.close();
}
