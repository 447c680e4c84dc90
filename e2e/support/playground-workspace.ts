/**
 * A workspace for the playground: the built-in tool pool (some tools with sandbox implementations) and the tiny
 * real model stories260K registered in place. Usage: node --import tsx e2e/support/playground-workspace.ts DIR
 */
import path from 'node:path';
import { openEngine } from '../../src/main/engine/api';
import { installBuiltinPool } from '../../src/main/engine/pool';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: playground-workspace.ts DIR');
  process.exit(2);
}
const engine = openEngine(dir);
try {
  installBuiltinPool(engine.ctx.db);
  const file = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'stories260K.gguf');
  const outcome = await engine.call('models.import', { file, copy: false });
  if (!outcome.ok) throw new Error(outcome.error.message);
  console.log(`model ${(outcome.result as { id: number }).id}`);
} finally {
  await engine.close();
}
