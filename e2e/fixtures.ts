import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const artifactsDir = path.join(repoRoot, 'test-results', 'artifacts');

export interface ServedApp {
  /** The URL with the session token, as `toolsmith serve` printed it. */
  url: string;
  origin: string;
  token: string;
  workspace: string;
  /** Runs a CLI command against the same workspace (e.g. to fill it through the engine). */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'toolsmith.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts `toolsmith serve` on a fresh workspace and a free port; stops it after the test. */
export async function serve(workspace: string, extraArgs: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin', 'toolsmith.js'), '--workspace', workspace, 'serve', '--port', '0', ...extraArgs],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /Open (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { child, url };
}

export const test = base.extend<{ app: ServedApp }>({
  app: async ({}, use) => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-'));
    const { child, url } = await serve(workspace);
    const parsed = new URL(url);
    await use({
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token')!,
      workspace,
      cli: (args) => runCli(['--workspace', workspace, ...args]),
    });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(workspace, { recursive: true, force: true });
  },
});

export { expect };

/** Axe on the page, or only inside `within`: no serious or critical violation, listed with where they are. */
export async function noSeriousViolations(page: Page, within?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  const results = await (within ? builder.include(within) : builder).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${v.id}: ${v.help}: ${v.nodes
          .slice(0, 6)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`)
          .join(' | ')}`,
    ),
  ).toEqual([]);
}
