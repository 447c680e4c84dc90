import { _electron as electron } from '@playwright/test';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { expect, repoRoot, test } from './fixtures';

/** The Electron binary's path, or undefined where it was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | undefined {
  try {
    const require = createRequire(path.join(repoRoot, 'package.json'));
    const file = require('electron') as unknown as string;
    return typeof file === 'string' && fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'SKIP electron launch: no Electron binary installed here (ELECTRON_SKIP_BINARY_DOWNLOAD=1); the browser-mode flows cover the UI.',
  );
}

test('the desktop app opens the Toolsmith shell', async () => {
  test.skip(!binary, 'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    args: [path.join(repoRoot, 'out', 'main', 'index.js'), '--workspace', workspace, '--no-sandbox'],
    cwd: repoRoot,
  });
  const window = await app.firstWindow();
  await expect(window.getByText('Toolsmith').first()).toBeVisible();
  await expect(window.getByTestId('count-samples')).toContainText('0');
  await app.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});
