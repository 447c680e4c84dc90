import { _electron as electron } from '@playwright/test';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
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

test('the desktop app opens the Toolsmith shell over app://, hardened', async () => {
  test.skip(!binary, 'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    args: [path.join(repoRoot, 'out', 'main', 'index.js'), '--workspace', workspace, '--no-sandbox'],
    cwd: repoRoot,
    // A built (not dev) main process ignores a dev-server URL from the environment.
    env: { ...process.env, ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/' },
  });
  const page = await app.firstWindow();
  await expect(page.getByText('Toolsmith').first()).toBeVisible();
  await expect(page.getByTestId('count-samples')).toContainText('0');
  expect(page.url()).toMatch(/^app:\/\/toolsmith\/index\.html/);

  const probe = await page.evaluate(async () => {
    const outcome = async (run: () => Promise<unknown>) => {
      try {
        return `ok ${String(await run())}`;
      } catch (error) {
        return `refused ${error instanceof Error ? error.name : String(error)}`;
      }
    };
    // The renderer's globals, typed here without the DOM library.
    const g = globalThis as unknown as {
      require?: unknown;
      process?: unknown;
      toolsmith?: { call?: unknown };
      Notification: { requestPermission(): Promise<string> };
      navigator: { permissions: { query(d: { name: string }): Promise<{ state: string }> } };
      open(url: string): unknown;
    };
    return {
      node: `${typeof g.require} ${typeof g.process}`,
      bridge: typeof g.toolsmith?.call,
      // CSP connect-src 'self': another origin is blocked before any request.
      otherOrigin: await outcome(() => fetch('http://127.0.0.1:9/').then((r) => r.status)),
      // The protocol serves out/renderer only.
      traversal: await outcome(() => fetch('app://toolsmith/..%2F..%2Fpackage.json').then((r) => r.status)),
      notifications: await g.Notification.requestPermission(),
      geolocation: (await g.navigator.permissions.query({ name: 'geolocation' })).state,
      // Not an http(s) URL, so the guard denies it without handing it to the system browser.
      popup: g.open('app://toolsmith/index.html') === null,
    };
  });
  expect(probe).toEqual({
    node: 'undefined undefined',
    bridge: 'function',
    otherOrigin: expect.stringMatching(/^refused/),
    traversal: 'ok 403',
    notifications: 'denied',
    geolocation: 'denied',
    popup: true,
  });
  await app.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('the app binary started as the native trainer runs only the trainer', () => {
  test.skip(!binary, 'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  // No config file: the trainer's usage error, and no window or second app instance.
  const result = spawnSync(binary!, [path.join(repoRoot, 'out', 'main', 'index.js'), '--toolsmith-native-trainer', '--no-sandbox'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('usage: toolsmith --toolsmith-native-trainer <config.json>');
});
