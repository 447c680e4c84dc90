/**
 * Fills a workspace the way a person's would be filled: the built-in pool and seed samples, and a real
 * two-round self-evolution run (generation, verification, voting, selection, native training, evaluation
 * with adaptive refinement) on a tiny starter model. Usage: node --import tsx e2e/support/fill-workspace.ts DIR
 */
import { openEngine } from '../../src/main/engine/api';
import { jobRunner } from '../../src/main/engine/jobs/runner';
import { installSeedSamples } from '../../src/main/engine/pool';
import { closeSharedSandbox } from '../../src/main/engine/lib/sandbox';
import { miniRunSettings, seedPool, tinyStarter } from '../../test/evolution/fixture';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: fill-workspace.ts DIR');
  process.exit(2);
}
const engine = openEngine(dir);
const runner = jobRunner(engine.ctx);
try {
  const db = engine.ctx.db;
  installSeedSamples(db);
  seedPool(db);
  const starter = await tinyStarter(db, engine.ctx.workspace.modelsDir);
  const job = runner.start(
    'evolution.run',
    miniRunSettings(starter, { runId: 'e2e', rounds: 2, earlyStop: false, evalRefinement: 'adaptive', maxRefinements: 2 }),
  );
  const done = await runner.waitFor(job.id);
  if (done.state !== 'done') throw new Error(`the evolution job ended ${done.state}: ${done.error ?? ''}`);
  console.log(`filled ${dir}`);
} finally {
  await runner.dispose();
  await closeSharedSandbox();
  await engine.close();
}
