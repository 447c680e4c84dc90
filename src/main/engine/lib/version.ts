/** The app's version, as package.json says. */
import fs from 'node:fs';

let cached: string | undefined;
export function appVersion(): string {
  if (cached) return cached;
  // From the source tree (src/main/engine) or from the bundle (out/main).
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'toolsmith' && pkg.version) return (cached = pkg.version);
    } catch {
      /* try the next place */
    }
  }
  return (cached = process.env.npm_package_version ?? '0.0.0');
}
