/**
 * `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument) one after
 * another in child processes, so that each measures its own baseline in the same process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const filters = process.argv.slice(2);
// The learning benchmark trains for many minutes: it runs on its own (`npm run bench:learning`) or when named.
const ON_ITS_OWN = new Set(['learning.bench.ts']);
const benches = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (filters.length === 0 ? !ON_ITS_OWN.has(f) : filters.some((x) => f.includes(x))))
  .sort();

if (benches.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ') || '(none found)'} in ${here}.`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, bench)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
