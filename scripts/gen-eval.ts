// Regenerates the built-in evaluation sets under resources/eval/ from their templates.
import { writeBuiltinEvalFiles } from '../src/main/engine/pool/eval-sets';

for (const file of writeBuiltinEvalFiles()) console.log(`wrote ${file}`);
