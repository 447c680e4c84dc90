/**
 * Child process for the large-import test: writes nothing itself, imports the given file through the engine
 * API (the same path as the UI and the CLI) and prints one JSON line with the result and the peak RSS.
 * argv: <workspace dir> <file> [cancelAfterRecords]
 */
import { createClient } from '../../../src/shared/client';
import { openEngine } from '../../../src/main/engine/api';

const [dir, file, cancelAfter] = process.argv.slice(2);
const engine = openEngine(dir!);
const client = createClient(engine);
let progressEvents = 0;
let cancelRequested = false;
client.on('formats.importProgress', (p) => {
  progressEvents += 1;
  if (cancelAfter && !cancelRequested && p.records >= Number(cancelAfter)) {
    cancelRequested = true;
    void client.call('formats.cancelImport', { importId: p.importId });
  }
});
const started = Date.now();
const result = await client.call('formats.import', { path: file!, format: 'xlam', mode: 'valid' });
const { problems: _problems, ...rest } = result;
console.log(
  JSON.stringify({
    ...rest,
    progressEvents,
    seconds: (Date.now() - started) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
await engine.close();
