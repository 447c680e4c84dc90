import { expect, noSeriousViolations, test } from './fixtures';

/**
 * A new user's first run from the app alone: an empty workspace in browser mode already holds the built-in
 * pool and the held-out sets; the Overview's guide adds the bundled starter and starts Evolve, which finishes
 * one round (budgets kept tiny for two shared cores).
 */
test('first run: the guide on an empty workspace, the bundled starter, Evolve to a finished round', async ({ page, app }) => {
  test.setTimeout(900_000); // a real round on a real model, on a busy machine
  await page.goto(app.url);
  const guide = page.getByTestId('first-run-guide');
  await expect(guide).toBeVisible();
  await expect(page.getByTestId('guide-pool')).toContainText('toolsmith-unseen');
  await expect(page.getByTestId('guide-pool')).toContainText('toolsmith-indomain');
  await expect(page.getByTestId('guide-step-model')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('guide-step-evolve')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('guide-step-trainer')).toHaveAttribute('data-state', /^(done|todo)$/);
  await expect(page.getByTestId('guide-evolve')).toBeDisabled();
  await noSeriousViolations(page, '[data-testid="first-run-guide"]');

  // The Tool pool view shows the built-in data as up to date and re-installs it without touching other pools.
  await page.getByRole('navigation', { name: 'Views' }).getByText('Tool pool', { exact: true }).click();
  await expect(page.getByTestId('builtin-state')).toHaveText('up to date');
  await page.getByTestId('builtin-install').click();
  await expect(page.getByTestId('builtin-result')).toContainText('0 added, 0 updated, 0 removed');
  await noSeriousViolations(page, '[data-testid="builtin-card"]');

  // Settings: the thread setting, saved for this workspace (the Evolve form below overrides it for one run).
  await page.getByRole('navigation', { name: 'Views' }).getByText('Settings', { exact: true }).click();
  await expect(page.getByTestId('threads-reason')).toContainText('Now: ');
  await page.getByTestId('threads-generation').fill('1');
  await page.getByTestId('threads-save').click();
  await expect(page.getByTestId('threads-reason')).toContainText('generation threads set in Settings');
  await noSeriousViolations(page, '[data-testid="threads-card"]');
  await page.getByRole('navigation', { name: 'Views' }).getByText('Overview', { exact: true }).click();

  // Step 1: the bundled starter, registered from the app.
  await page.getByTestId('guide-add-starter').click();
  await expect(page.getByTestId('guide-step-model')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('guide-step-model')).toContainText('toolsmith-starter-trained');

  // Step 3: Evolve with the first run's budgets, made smaller still for this machine.
  await page.getByTestId('guide-evolve').click();
  const dialog = page.getByRole('dialog', { name: 'Start a self-evolution run' });
  await expect(dialog.getByTestId('evolve-model')).toHaveValue(/toolsmith-starter-trained/);
  await expect(dialog.getByLabel('Rounds')).toHaveValue('1');
  await dialog.getByLabel('k samples per query').fill('2');
  await dialog.getByLabel('Labelled queries per round').fill('0');
  await dialog.getByLabel('New model-written queries per round').fill('2');
  await dialog.getByTestId('evolve-eval-limit').fill('2');
  await dialog.getByTestId('evolve-threads').fill('1');
  await dialog.getByTestId('evolve-train-threads').fill('1');
  await noSeriousViolations(page, '[role="dialog"]');
  await dialog.getByTestId('evolve-start').click();

  // The Jobs view follows the run to its end.
  await expect(page.getByRole('heading', { level: 2, name: 'Jobs' })).toBeVisible();
  const row = page.getByTestId('job-row-1');
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 840_000 });

  // The Overview now shows the round instead of the guide.
  await page.getByRole('navigation', { name: 'Views' }).getByText('Overview', { exact: true }).click();
  await expect(page.getByText(/^Round 1 · /)).toBeVisible();
  await expect(guide).toHaveCount(0);
  // Through the API: one run, its round 1 finished (accepted or rolled back, both are a finished round).
  const res = await fetch(`${app.origin}/api/evolution.rounds`, {
    method: 'POST',
    body: '{}',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
  });
  const { result } = (await res.json()) as { result: { items: { seq: number; state: string; runId: string }[] } };
  const round1 = result.items.filter((r) => r.seq === 1);
  expect(round1).toHaveLength(1);
  expect(['accepted', 'rolled_back']).toContain(round1[0]!.state);
});
