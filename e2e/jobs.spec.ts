import fs from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { artifactsDir, expect, test } from './fixtures';

async function fraction(progress: Locator): Promise<number> {
  return Number(await progress.getAttribute('data-fraction'));
}

test('a demo job in browser mode: the bar moves, pause, resume, cancel', async ({ page, app }) => {
  test.setTimeout(120_000); // starting the server takes most of it on a busy machine
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Jobs', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Jobs' })).toBeVisible();
  // The view's main action starts an evolution job: it opens the Evolve form.
  await page.getByRole('button', { name: 'New evolution job…' }).click();
  await expect(page.getByRole('dialog', { name: 'Start a self-evolution run' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run demo job' })).toHaveCount(0);
  await page.getByLabel('Test job rows per step').fill('6000');
  await page.getByTestId('start-demo').click();

  const row = page.getByTestId('job-row-1');
  const progress = page.getByTestId('job-progress-1');
  await expect(row).toHaveAttribute('data-state', 'running');
  const start = await fraction(progress);
  await expect.poll(() => fraction(progress)).toBeGreaterThan(start);

  // Pause: the state says so and the bar stops.
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  // Once the runner has logged the pause it writes nothing more: the bar shows what the job stored.
  await expect(page.getByTestId('job-log')).toContainText('Paused during step');
  const stored = (JSON.parse((await app.cli(['jobs', 'show', '1', '--json'])).stdout) as { fraction: number }).fraction;
  await expect.poll(() => fraction(progress)).toBeCloseTo(stored, 2);
  const paused = await fraction(progress);

  // Resume: it goes on from where it stopped.
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect.poll(() => fraction(progress)).toBeGreaterThan(paused);

  // Cancel: finished steps stay.
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveAttribute('data-state', 'cancelled');
  const detail = page.getByTestId('job-detail');
  await expect(detail.getByTestId('job-steps')).toContainText('write-1');
  await expect(page.getByTestId('job-log')).toContainText('Paused during step');
  await expect(page.getByTestId('job-log')).toContainText('Cancelled during step');
  await expect(row.getByRole('button', { name: 'Retry' })).toBeVisible();

  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'jobs.png'), fullPage: true });

  const shown = await app.cli(['jobs', 'show', '1', '--json']);
  expect(JSON.parse(shown.stdout)).toMatchObject({ id: 1, state: 'cancelled' });
});

test('a failing job shows its cause in the view while the next job goes on, and can be retried', async ({ page, app }) => {
  test.setTimeout(120_000);
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Jobs', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Jobs' })).toBeVisible();
  // Queue a failing job and a good one through the HTTP API (the page's session cookie authorises it).
  const start = async (settings: Record<string, unknown>) => {
    const response = await page.request.post(`${app.origin}/api/jobs.start`, { data: { kind: 'demo', settings } });
    expect(response.ok()).toBe(true);
    return ((await response.json()) as { result: { id: number } }).result.id;
  };
  const bad = await start({ rows: 200, steps: 1, failAtRow: 120 });
  const good = await start({ rows: 200, steps: 1 });
  await expect(page.getByTestId(`job-row-${bad}`)).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId(`job-row-${good}`)).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId(`job-row-${bad}`)).toContainText('Demo failure at row 120 of step 1');
  await page.getByTestId(`job-row-${bad}`).click();
  const error = page.getByTestId('job-error');
  await expect(error).toContainText('Demo failure at row 120');
  await expect(error).toContainText('demo.ts'); // the stack says where
  await expect(page.getByTestId('job-log')).toContainText('Failed in step "write-1"');
  await page.getByTestId(`job-row-${bad}`).getByRole('button', { name: 'Retry' }).click();
  // The same settings fail again at the same row: the retry went on from the checkpoint and failed there.
  await expect(page.getByTestId('job-log')).toContainText('Resumed.');
  await expect(page.getByTestId(`job-row-${bad}`)).toHaveAttribute('data-state', 'failed');
});
