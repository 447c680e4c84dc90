/**
 * Fills a workspace with N samples through the engine's own composer and insert path, every third one
 * accepted. Usage: node --import tsx e2e/support/fill-many.ts DIR N
 */
import { openEngine } from '../../src/main/engine/api';
import { fillSamples } from './fill-samples';

const [dir, count] = process.argv.slice(2);
if (!dir || !count) {
  console.error('usage: fill-many.ts DIR N');
  process.exit(2);
}
const engine = openEngine(dir);
fillSamples(engine.ctx.db, Number(count), (i) => (i % 3 === 0 ? 'accepted' : 'candidate'));
await engine.close();
console.log(`filled ${count} samples`);
