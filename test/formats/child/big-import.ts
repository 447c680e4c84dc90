/**
 * Child process for the large-import test: writes nothing itself, imports the given file through the engine
 * API (the same path as the UI and the CLI) and prints one JSON line with the result, the peak RSS and the
 * peak anonymous RSS (sampled at every progress event, one per batch read or stored).
 * argv: <workspace dir> <file> [cancelAfterRecords]
 */
import fs from 'node:fs';
import { createClient } from '../../../src/shared/client';
import { openEngine } from '../../../src/main/engine/api';

const [dir, file, cancelAfter] = process.argv.slice(2);
const engine = openEngine(dir!);
const client = createClient(engine);
let progressEvents = 0;
let cancelRequested = false;
let maxAnonMiB = 0;
/**
 * Heap and native allocations, without file-backed pages: the database is memory-mapped (open.ts, up to
 * 256 MB), and the pages of it an import reads are the kernel's page cache, not memory the import holds.
 */
const sampleAnon = () => {
  const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '';
  const kib = /^RssAnon:\s+(\d+)/m.exec(status)?.[1];
  maxAnonMiB = Math.max(maxAnonMiB, kib ? Number(kib) / 1024 : process.memoryUsage().rss / 2 ** 20);
};
client.on('formats.importProgress', (p) => {
  progressEvents += 1;
  sampleAnon();
  if (cancelAfter && !cancelRequested && p.records >= Number(cancelAfter)) {
    cancelRequested = true;
    void client.call('formats.cancelImport', { importId: p.importId });
  }
});
const started = Date.now();
const result = await client.call('formats.import', { path: file!, format: 'xlam', mode: 'valid' });
sampleAnon();
const { problems: _problems, ...rest } = result;
console.log(
  JSON.stringify({
    ...rest,
    progressEvents,
    seconds: (Date.now() - started) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    maxAnonMiB,
  }),
);
await engine.close();
