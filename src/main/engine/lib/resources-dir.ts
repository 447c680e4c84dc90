import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the bundled `resources/` folder is: `TOOLSMITH_RESOURCES_DIR` if set, else the first `resources/`
 * holding `tools/` found walking up from this module (source tree, electron-vite's `out/`), from the working
 * directory, or in a packaged app's unpacked resources.
 */
export function resourcesDir(): string {
  const override = process.env.TOOLSMITH_RESOURCES_DIR;
  if (override) return path.resolve(override);
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  const candidates: string[] = [];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, 'resources'));
      if (path.dirname(dir) === dir) break;
    }
  }
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(path.join(packaged, 'app.asar.unpacked', 'resources'), path.join(packaged, 'resources'));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'tools')));
  if (!found)
    throw new Error(
      `The built-in resources folder was not found (looked for resources/tools above ${starts.join(' and ')}); set TOOLSMITH_RESOURCES_DIR`,
    );
  return found;
}
