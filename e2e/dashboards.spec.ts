import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { artifactsDir, noSeriousViolations } from './fixtures';
import { serveFilledWorkspace, type ServedWorkspace } from './support/served-workspace';

/**
 * The dashboards against a workspace filled by the engine itself: seed samples plus a real two-round
 * evolution run on a tiny starter model (see support/fill-workspace.ts).
 */
let served: ServedWorkspace;

const test = base.extend({});
test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  served = await serveFilledWorkspace('fill-workspace.ts', 'toolsmith-e2e-dash-');
});

test.afterAll(async () => {
  await served?.stop();
});

const api = <T>(method: string, params?: unknown) => served.api<T>(method, params);
const open = (page: Page, label: string) => served.open(page, label);

async function shot(page: Page, name: string) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

type Row = { id: number; query: string; status: string; output: string };

test('search finds a sample by a word in its query', async ({ page }) => {
  const { rows } = await api<{ rows: Row[] }>('samples.page', { filter: { category: ['parallel'] }, limit: 1 });
  const word = rows[0]!.query
    .split(/\W+/)
    .filter((w) => w.length >= 5)
    .sort((a, b) => b.length - a.length)[0]!;
  await open(page, 'Samples');
  await page.getByTestId('sample-search').fill(word);
  await expect(page.getByTestId(`sample-row-${rows[0]!.id}`)).toBeVisible();
  await expect(page.getByTestId(`sample-row-${rows[0]!.id}`).locator('mark').first()).toHaveText(new RegExp(word, 'i'));
  await shot(page, 'samples-search');
});

test('keyboard accept, reject, edit and undo persist', async ({ page }) => {
  const { rows } = await api<{ rows: Row[] }>('samples.page', {
    filter: { status: ['accepted'], category: ['simple'] },
    sort: { key: 'id', dir: 'asc' },
    limit: 3,
  });
  const [first, second] = rows as [Row, Row];
  await open(page, 'Samples');
  await page.getByRole('combobox', { name: 'Sort' }).click();
  await page.getByRole('option', { name: 'Oldest first' }).click();
  await page.getByTestId(`sample-row-${first.id}`).click();
  await expect(page.getByTestId('sample-detail')).toContainText(`Sample ${first.id}`);
  await page.keyboard.press('r');
  await expect(page.getByTestId(`sample-row-${first.id}`).getByTestId('status-badge')).toHaveText('rejected');
  // Auto-advance (on by default): the reject moved on to the next sample.
  await expect(page.getByTestId('sample-detail')).toContainText(`Sample ${second.id}`);
  await page.keyboard.press('e');
  const editor = page.getByTestId('edit-output');
  await editor.fill('[not_a_tool(x=1)]');
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId('edit-error')).toContainText('do not fit');
  await editor.fill(second.output);
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId(`sample-row-${second.id}`).getByTestId('status-badge')).toHaveText('edited');
  await expect(page.getByTestId('versions')).toBeVisible();
  await page.keyboard.press('a');
  await expect(page.getByTestId(`sample-row-${second.id}`).getByTestId('status-badge')).toHaveText('accepted');
  await page.keyboard.press('u');
  await expect(page.getByTestId(`sample-row-${second.id}`).getByTestId('status-badge')).toHaveText('edited');
  await shot(page, 'samples-curation');
  await page.reload();
  const after = await api<{ row: Row; versions: unknown[] }>('samples.detail', { id: second.id });
  expect(after.row.status).toBe('edited');
  expect(after.versions).toHaveLength(2);
  expect((await api<{ row: Row }>('samples.detail', { id: first.id })).row.status).toBe('rejected');
});

test('a bulk reject over a filter updates the counts', async ({ page }) => {
  const before = await api<{ total: number; byStatus: Record<string, number> }>('samples.count', { filter: { category: ['irrelevance'] } });
  expect(before.total).toBeGreaterThan(0);
  await open(page, 'Samples');
  await page.getByTestId('filter-category').click();
  await page.getByRole('option', { name: 'irrelevance', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sample-counts')).toContainText(`${before.total} samples`);
  await page.getByTestId('bulk-reject').click();
  await page.getByTestId('confirm-bulk').click();
  await expect(page.getByTestId('status-count-rejected')).toHaveText(`rejected ${before.total}`);
  const after = await api<{ total: number; byStatus: Record<string, number> }>('samples.count', { filter: { category: ['irrelevance'] } });
  expect(after.byStatus).toEqual({ rejected: before.total });
  await open(page, 'Datasets');
  await expect(page.getByTestId('dataset-invocation-rejected')).not.toHaveText('0');
  await shot(page, 'datasets');
});

test('a round opens with its pass@k histogram', async ({ page }) => {
  await open(page, 'Rounds');
  await page.getByTestId('round-1').click();
  await expect(page.getByTestId('round-detail')).toContainText('Round 1');
  await expect(page.getByTestId('bucket-histogram')).toBeVisible();
  await expect(page.getByTestId('round-detail')).toContainText('Selected');
  await expect(page.getByTestId('training-curve')).toBeVisible();
  await shot(page, 'rounds');
});

test('the Evolve form starts an evolution job', async ({ page }) => {
  await open(page, 'Rounds');
  await page.getByTestId('evolve-open').click();
  await page.getByTestId('evolve-model').click();
  await page.getByRole('option', { name: /^starter/ }).click();
  await page.getByLabel('Tool pool').fill('mini');
  await page.getByLabel('Rounds', { exact: true }).fill('1');
  await shot(page, 'evolve-form');
  await page.getByTestId('evolve-start').click();
  await expect(page).toHaveURL(/\/jobs$/);
  const { items } = await api<{ items: { id: number; kind: string; state: string }[] }>('jobs.list', {});
  const job = items.find((j) => j.kind === 'evolution.run' && !['done', 'cancelled', 'failed'].includes(j.state));
  expect(job).toBeDefined();
  await api('jobs.cancel', { id: job!.id });
  await expect
    .poll(async () => (await api<{ state: string }>('jobs.get', { id: job!.id })).state, { timeout: 30_000 })
    .toMatch(/cancelled|failed|done/);
  // A round cut short by the cancel is not shown as still running.
  const { rounds } = await api<{ rounds: { runId: string; state: string }[] }>('insight.rounds', {});
  expect(rounds.filter((r) => r.runId !== 'e2e').map((r) => r.state)).not.toContain('running');
});

test('a refinement trace opens with its steps', async ({ page }) => {
  await open(page, 'Refinement traces');
  const firstRow = page.locator('[data-testid^="trace-row-"]').first();
  await firstRow.click();
  await expect(page.getByTestId('trace-detail')).toBeVisible();
  await expect(page.getByTestId('trace-step-0')).toContainText('First answer');
  await expect(page.getByTestId('iterations-histogram')).toBeVisible();
  await shot(page, 'traces');
});

test('the Overview and Evaluation show the run, and every view passes an accessibility check', async ({ page }) => {
  await open(page, 'Overview');
  await expect(page.getByTestId('current-model')).not.toHaveText('none yet');
  await expect(page.getByTestId('accuracy-trend')).toBeVisible();
  await shot(page, 'overview-filled');
  for (const label of [
    'Overview',
    'Tool pool',
    'Datasets',
    'Samples',
    'Rounds',
    'Evaluation',
    'Refinement traces',
    'Models',
    'Playground',
    'Jobs',
    'Settings',
  ]) {
    await open(page, label);
    await page.waitForTimeout(300);
    if (label === 'Evaluation') {
      // Compare the base model's and round 1's runs of the unseen set.
      const { runs } = await api<{ runs: { id: number; set: string; roundSeq: number | null }[] }>('insight.evalRuns');
      const unseen = runs.filter((r) => r.set === 'mini-unseen').sort((x, y) => x.id - y.id);
      await page.getByTestId('compare-a').click();
      await page.getByRole('option', { name: new RegExp(`^#${unseen[0]!.id} `) }).click();
      await page.getByTestId('compare-b').click();
      await page.getByRole('option', { name: new RegExp(`^#${unseen[1]!.id} `) }).click();
      await expect(page.getByTestId('compare-table')).toContainText('simple');
      await shot(page, 'evaluation');
    }
    await noSeriousViolations(page);
  }
});
