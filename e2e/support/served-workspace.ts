import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { repoRoot, serve } from '../fixtures';

/**
 * A workspace filled by one of the `e2e/support` scripts (the engine itself, in a child process), served in
 * browser mode for a serial spec: its URL, an authorised API caller, and a way to open a view.
 */
export interface ServedWorkspace {
  dir: string;
  url: string;
  /** What the fill script printed (ids it made). */
  stdout: string;
  api<T>(method: string, params?: unknown): Promise<T>;
  open(page: Page, label: string): Promise<void>;
  stop(): Promise<void>;
}

export async function serveFilledWorkspace(script: string, prefix: string): Promise<ServedWorkspace> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const fill = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'e2e', 'support', script), dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (fill.status !== 0) throw new Error(`${script} failed:\n${fill.stdout}\n${fill.stderr}`);
  const { child, url } = await serve(dir);
  const { origin, searchParams } = new URL(url);
  const token = searchParams.get('token')!;
  return {
    dir,
    url,
    stdout: fill.stdout,
    async api<T>(method: string, params: unknown = {}): Promise<T> {
      const res = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        body: JSON.stringify(params),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      const body = (await res.json()) as { result?: T; error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      return body.result as T;
    },
    async open(page: Page, label: string) {
      await page.goto(url);
      await page.getByRole('navigation', { name: 'Views' }).getByText(label, { exact: true }).click();
      await expect(page.getByRole('heading', { level: 2, name: label })).toBeVisible();
    },
    async stop() {
      await stopServer(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
