// Builds better-sqlite3 for Electron's ABI into .cache/electron-native/, leaving node_modules' build
// (Node's ABI, used by the CLI and the tests) alone, so `npm start` and `npm test` both work on one checkout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const electronVersion = require('electron/package.json').version;
const outDir = path.join(root, '.cache', 'electron-native');
const target = path.join(outDir, 'better_sqlite3.node');
const stamp = path.join(outDir, 'electron-version.txt');

if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.cache', 'electron-native', 'build-better-sqlite3');
fs.rmSync(work, { recursive: true, force: true });
fs.cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
execFileSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
  {
    cwd: work,
    stdio: 'inherit',
  },
);
fs.mkdirSync(outDir, { recursive: true });
fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
fs.writeFileSync(stamp, electronVersion);
fs.rmSync(work, { recursive: true, force: true });
