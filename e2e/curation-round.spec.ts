import { test as base, expect, type Page } from '@playwright/test';
import { serveFilledWorkspace, type ServedWorkspace } from './support/served-workspace';

/** A run started with "Wait for me to curate each round", finished from the app; and edits that cannot destroy. */
let served: ServedWorkspace;
let starter: number;

const test = base.extend({});
test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  served = await serveFilledWorkspace('seed-curation.ts', 'toolsmith-e2e-curate-');
  starter = Number(/starter (\d+)/.exec(served.stdout)![1]);
});

test.afterAll(async () => {
  await served?.stop();
});

const api = <T>(method: string, params?: unknown) => served.api<T>(method, params);
const open = (page: Page, label: string) => served.open(page, label);

test('a curation round waits with a banner in Jobs, Rounds and Samples and is continued from it', async ({ page }) => {
  const { jobId } = await api<{ jobId: number }>('evolution.start', {
    runId: 'curate',
    modelId: starter,
    pool: 'mini',
    rounds: 1,
    importsPerRound: 4,
    generatedPerRound: 0,
    k: 3,
    passK: 3,
    maxTokens: 40,
    evalSets: ['mini-unseen', 'mini-in-domain'],
    evalRefinement: 'off',
    curation: 'wait',
    threads: 1,
    backend: 'native',
    train: { epochs: 1, maxSteps: 3, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
  });
  await open(page, 'Jobs');
  const banner = page.getByTestId('curation-waiting');
  await expect(banner).toContainText('Run curate, round 1 waits for your curation', { timeout: 150_000 });
  const [waiting] = (await api<{ items: { id: number; samples: number; candidates: number }[] }>('evolution.waiting')).items;
  await expect(banner).toContainText(`${waiting!.candidates} of ${waiting!.samples} sample`);
  await expect(banner.getByTestId('curation-review-link')).toHaveAttribute('href', new RegExp(`round=${waiting!.id}`));
  for (const view of ['Rounds', 'Samples']) {
    await page.getByRole('navigation', { name: 'Views' }).getByText(view, { exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: view })).toBeVisible();
    await expect(page.getByTestId('curation-waiting')).toContainText('round 1 waits');
  }
  await page.getByTestId('curation-continue').click();
  await expect(page.getByTestId('curation-waiting')).toHaveCount(0);
  await expect.poll(async () => (await api<{ state: string }>('jobs.get', { id: jobId })).state, { timeout: 150_000 }).toBe('done');
});

test('an edit in free text is refused with the reason; a valid call is stored as version 2 with new verdicts', async ({ page }) => {
  type Row = { id: number; status: string; output: string; category: string | null };
  const { rows } = await api<{ rows: Row[] }>('samples.page', {
    filter: { category: ['simple'] },
    sort: { key: 'id', dir: 'asc' },
    limit: 1,
  });
  const sample = rows[0]!;
  await open(page, 'Samples');
  await page.getByTestId(`sample-row-${sample.id}`).click();
  await expect(page.getByTestId('sample-detail')).toContainText(`Sample ${sample.id}`);
  await page.keyboard.press('e');
  const editor = page.getByTestId('edit-output');
  await editor.fill('The answer is that it will be sunny.');
  await expect(page.getByTestId('edit-reading')).toHaveAttribute('data-kind', 'words');
  await expect(page.getByTestId('edit-reading-reason')).toContainText('not a call list');
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId('edit-error')).toContainText('needs at least one call');
  expect((await api<{ versions: unknown[] }>('samples.detail', { id: sample.id })).versions).toHaveLength(1);

  await editor.fill(sample.output);
  await expect(page.getByTestId('edit-reading')).toHaveAttribute('data-kind', 'calls');
  await expect(page.getByTestId('edit-reading')).toHaveAttribute('data-ok', 'true');
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId(`sample-row-${sample.id}`).getByTestId('status-badge')).toHaveText('edited');
  const verdicts = page.getByTestId('verdicts');
  await expect(verdicts.getByRole('row').filter({ hasText: 'v2' }).filter({ hasText: 'format' })).toContainText('pass');
  const after = await api<{ versions: { version: number }[]; verdicts: { version: number; verifier: string }[] }>('samples.detail', {
    id: sample.id,
  });
  expect(after.versions.map((v) => v.version)).toEqual([1, 2]);
  expect(after.verdicts.filter((v) => v.version === 2).map((v) => v.verifier)).toContain('format');
});
