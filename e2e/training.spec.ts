import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { artifactsDir, noSeriousViolations, repoRoot, serve } from './fixtures';

/**
 * The live training view in the Jobs view, against a real evolution job on the tiny starter model: its
 * native training is long enough (thousands of steps) that the test watches the curve grow, reloads the
 * page mid-run, and ends it with the training panel's Cancel.
 */
let workspace: string;
let server: ChildProcess | undefined;

test.afterEach(async () => {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server!.once('exit', r));
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

async function openJob(page: Page, url: string, id: number): Promise<Locator> {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Jobs', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Jobs' })).toBeVisible();
  await page.getByTestId(`job-row-${id}`).click();
  return page.getByTestId('job-training');
}

const points = async (training: Locator) => Number(await training.getAttribute('data-points'));

test('a training job shows its loss curve live, again after a reload, and stops with Cancel', async ({ page }) => {
  test.setTimeout(180_000);
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-train-'));
  const prepared = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'e2e', 'support', 'prepare-training.ts'), workspace],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (prepared.status !== 0) throw new Error(`preparing the workspace failed:\n${prepared.stdout}\n${prepared.stderr}`);
  const { starter } = JSON.parse(prepared.stdout.trim().split('\n').pop()!) as { starter: number };
  let url: string;
  ({ child: server, url } = await serve(workspace));
  const origin = new URL(url).origin;

  await page.goto(url);
  const response = await page.request.post(`${origin}/api/jobs.start`, {
    data: {
      kind: 'evolution.run',
      settings: {
        runId: 'live',
        modelId: starter,
        pool: 'mini',
        rounds: 1,
        importsPerRound: 12,
        generatedPerRound: 2,
        k: 2,
        passK: 2,
        maxTokens: 40,
        evalSets: ['mini-unseen'],
        evalLimit: 2,
        evalRefinement: 'off',
        threads: 1,
        backend: 'native',
        train: { epochs: 1000, maxSteps: 20000, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
      },
    },
  });
  expect(response.ok(), await response.text()).toBe(true);
  const id = ((await response.json()) as { result: { id: number } }).result.id;

  let training = await openJob(page, url, id);
  // The panel appears once the round reaches training; its points grow while the job's state stays
  // 'running' (the stored curve is loaded once per state), so the growth is the live events'.
  await expect(training).toBeVisible({ timeout: 120_000 });
  await expect.poll(() => points(training), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  const seen = await points(training);
  await expect.poll(() => points(training), { timeout: 30_000 }).toBeGreaterThan(seen);
  await expect(page.getByTestId(`job-row-${id}`)).toHaveAttribute('data-state', 'running');
  await expect(training.locator('.recharts-line-curve').first()).toBeVisible();
  await expect(training).toContainText(/\d+ tok\/s/);
  await expect(training).toContainText(/[\d.]+ steps\/s/);
  await expect(training).toContainText(/ETA \d+/);
  await expect(training).toContainText(/memory [\d.]+ (KiB|MiB|GiB)/);
  await noSeriousViolations(page, '[data-testid="job-training"]');

  // Opened mid-run, the view starts from the stored curve.
  const beforeReload = await points(training);
  training = await openJob(page, url, id);
  await expect.poll(() => points(training)).toBeGreaterThanOrEqual(beforeReload);

  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'job-training.png'), fullPage: true });

  // The training panel's Cancel ends the job; the curve stays.
  await training.getByRole('button', { name: 'Cancel training' }).click();
  await expect(page.getByTestId(`job-row-${id}`)).toHaveAttribute('data-state', 'cancelled', { timeout: 15_000 });
  await expect(training.getByRole('button', { name: 'Cancel training' })).toHaveCount(0);
  expect(await points(training)).toBeGreaterThanOrEqual(beforeReload);
  await expect(training.locator('.recharts-line-curve').first()).toBeVisible();
});
