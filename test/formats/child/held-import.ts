/**
 * Child process for the batched-import test: imports an xLAM file through `importData` with small store
 * batches and, once `holdAt` samples are stored (pending, not yet published), prints `held <importId> <stored>`
 * and waits for a line on stdin before it goes on. The parent reads the workspace meanwhile, or SIGKILLs it.
 * argv: <workspace dir> <file> <storeBatchSize> <holdAt>
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { importData } from '../../../src/main/engine/formats/import';
import { openWorkspace } from '../../../src/main/engine/workspace/workspace';

const [dir, file, batch, holdAt] = process.argv.slice(2);
const ws = openWorkspace(dir!, { onSweep: () => undefined });
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let importId = 0;
let held = false;
const result = await importData(ws.db, {
  path: file!,
  format: 'xlam',
  mode: 'valid',
  status: 'candidate',
  maxProblems: 10,
  storeBatchSize: Number(batch),
  onStart: (id) => (importId = id),
  onStoredBatch: async (stored) => {
    if (held || stored < Number(holdAt)) return;
    held = true;
    // Written synchronously so the parent sees it before this process waits.
    fs.writeSync(1, `held ${importId} ${stored}\n`);
    await lines.next();
  },
});
fs.writeSync(1, `${JSON.stringify({ state: result.state, stored: result.stored, duplicates: result.duplicates })}\n`);
ws.close();
process.exit(0);
