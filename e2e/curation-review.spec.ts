import { test as base, expect, type Page } from '@playwright/test';
import { noSeriousViolations } from './fixtures';
import { serveFilledWorkspace, type ServedWorkspace } from './support/served-workspace';

/**
 * Reviewing samples as a person does, against a workspace filled by a real two-round run (support/fill-workspace.ts):
 * filters kept in the URL, a round's selection as a list, the curation banner's link, keys after a filter,
 * auto-advance, the readable detail pane, and the Evaluation leaderboard listing the rounds' own runs.
 */
let served: ServedWorkspace;

const test = base.extend({});
test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  served = await serveFilledWorkspace('fill-workspace.ts', 'toolsmith-e2e-review-');
});

test.afterAll(async () => {
  await served?.stop();
});

const api = <T>(method: string, params?: unknown) => served.api<T>(method, params);

type Row = { id: number; status: string };
type Round = { id: number; runId: string; seq: number; counts: { selected: number; candidates: number } };

/** Opens a path of the app directly (after the first visit set the session cookie). */
async function goto(page: Page, path: string) {
  await page.goto(served.url);
  await page.goto(new URL(path, served.url).href);
}

const detail = (page: Page) => page.getByTestId('sample-detail');

test("a round's training set is a list whose filters survive a reload", async ({ page }) => {
  const { items } = await api<{ items: Round[] }>('evolution.rounds', { runId: 'e2e' });
  const round = items.find((r) => r.seq === 1)!;
  const count = await api<{ total: number }>('samples.count', { filter: { roundSet: { round: round.id, only: 'selected' } } });
  expect(count.total).toBe(round.counts.selected);
  await served.open(page, 'Samples');
  await page.getByTestId('filter-run').click();
  await page.getByRole('option', { name: 'e2e', exact: true }).click();
  await page.getByTestId('filter-round').click();
  await page.getByRole('option', { name: 'e2e · round 1', exact: true }).click();
  await page.getByTestId('filter-round-list').click();
  await page.getByRole('option', { name: 'Selected to train on' }).click();
  await expect(page).toHaveURL(new RegExp(`round=${round.id}`));
  await expect(page).toHaveURL(/list=selected/);
  await expect(page.getByTestId('sample-counts')).toContainText(`${count.total} sample${count.total === 1 ? '' : 's'}`);
  await page.getByTestId('sample-search').fill('zzzz-no-such-word');
  await expect(page).toHaveURL(/q=zzzz-no-such-word/);
  await expect(page.getByTestId('sample-counts')).toContainText('0 samples');
  await page.getByTestId('sample-search').fill('');
  await expect(page).not.toHaveURL(/q=/);

  await page.reload();
  await expect(page.getByTestId('filter-run')).toHaveValue('e2e');
  await expect(page.getByTestId('filter-round')).toHaveValue('e2e · round 1');
  await expect(page.getByTestId('filter-round-list')).toHaveValue('Selected to train on');
  await expect(page.getByTestId('sample-counts')).toContainText(`${count.total} sample${count.total === 1 ? '' : 's'}`);
  await noSeriousViolations(page);
});

test('keys work after a filter and a search, without clicking the list', async ({ page }) => {
  const { rows } = await api<{ rows: Row[] }>('samples.page', {
    filter: { status: ['accepted'], category: ['multiple'] },
    sort: { key: 'id', dir: 'desc' },
    limit: 2,
  });
  const [first, second] = rows as [Row, Row];
  await served.open(page, 'Samples');
  // A filter chosen from its list, closed with Escape.
  await page.getByTestId('filter-category').click();
  await page.getByRole('option', { name: 'multiple', exact: true }).click();
  await page.keyboard.press('Escape');
  await page.getByTestId('filter-status').click();
  await page.getByRole('option', { name: 'accepted', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(detail(page)).toContainText(`Sample ${first.id}`);
  await page.keyboard.press('j');
  await expect(detail(page)).toContainText(`Sample ${second.id}`);
  await page.keyboard.press('k');
  await expect(detail(page)).toContainText(`Sample ${first.id}`);

  // A search left with Enter: the next keys are commands again.
  await page.getByTestId('sample-search').fill(`${first.id}`);
  await page.getByTestId('sample-search').fill('');
  await page.getByTestId('sample-search').press('Enter');
  await page.keyboard.press('t');
  await expect(page.getByTestId('tag-input')).toBeVisible();
  await page.getByTestId('tag-input').fill('reviewed');
  await page.getByTestId('tag-input').press('Enter');
  await expect(page.getByTestId('tag-input')).toHaveCount(0);
  const tagged = await api<{ row: { tags: string[] } }>('samples.detail', { id: first.id });
  expect(tagged.row.tags).toContain('reviewed');
});

test('accept and reject move on to the next sample, unless turned off in Settings', async ({ page }) => {
  const { rows } = await api<{ rows: Row[] }>('samples.page', {
    filter: { category: ['simple'] },
    sort: { key: 'id', dir: 'asc' },
    limit: 3,
  });
  const [a, b, c] = rows as [Row, Row, Row];
  await goto(page, '/samples?category=simple&sort=id:asc');
  await expect(detail(page)).toContainText(`Sample ${a.id}`);
  await page.keyboard.press('r');
  await expect(detail(page)).toContainText(`Sample ${b.id}`);
  expect((await api<{ row: Row }>('samples.detail', { id: a.id })).row.status).toBe('rejected');
  await page.keyboard.press('a');
  await expect(detail(page)).toContainText(`Sample ${c.id}`);
  expect((await api<{ row: Row }>('samples.detail', { id: b.id })).row.status).toBe('accepted');

  await served.open(page, 'Settings');
  const toggle = page.getByTestId('setting-auto-advance');
  await expect(toggle).toBeChecked();
  await toggle.click({ force: true });
  await expect(toggle).not.toBeChecked();
  await noSeriousViolations(page);
  await goto(page, '/samples?category=simple&sort=id:asc');
  await page.getByTestId(`sample-row-${c.id}`).click();
  await expect(detail(page)).toContainText(`Sample ${c.id}`);
  await page.keyboard.press('r');
  await expect(page.getByTestId(`sample-row-${c.id}`).getByTestId('status-badge')).toHaveText('rejected');
  await expect(detail(page)).toContainText(`Sample ${c.id}`);
  await api('settings.set', { key: 'curation.autoAdvance', value: true });
});

test('the detail pane reads without a sideways scrollbar: whole verdict badges, labelled provenance', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const { rows } = await api<{ rows: (Row & { roundId: number | null })[] }>('samples.page', {
    filter: { subtask: 'invocation', round: [2] },
    limit: 1,
  });
  const sample = rows[0]!;
  await goto(page, `/samples?round=2`);
  await page.getByTestId(`sample-row-${sample.id}`).click();
  await expect(detail(page)).toContainText(`Sample ${sample.id}`);
  const badges = page.getByTestId('verdicts').getByTestId('verdict-badge');
  expect(await badges.count()).toBeGreaterThan(0);
  for (const badge of await badges.all()) {
    await expect(badge).toHaveText(/^(pass|fail)$/);
    // Not cut short: the label fits its badge.
    const cut = await badge.evaluate((el) => [...el.querySelectorAll('*'), el].some((e) => e.scrollWidth > e.clientWidth + 1));
    expect(cut).toBe(false);
  }
  const viewport = detail(page).locator('.mantine-ScrollArea-viewport');
  expect(await viewport.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await expect(page.getByTestId('provenance')).toContainText('Round');
  await expect(page.getByTestId('provenance-sampling')).toContainText('Temperature');
  await expect(detail(page)).not.toContainText('{"temperature"');
  await noSeriousViolations(page);
});

test('the leaderboard lists the rounds’ own evaluation runs, sortable', async ({ page }) => {
  const { entries } = await api<{
    entries: { runId: number; set: string; correct: number; total: number; mode: string; round: { run: string; seq: number } | null }[];
  }>('eval.leaderboard');
  const r1 = entries.find((e) => e.round?.seq === 1 && e.set === 'mini-unseen' && e.mode === 'free')!;
  expect(r1).toBeDefined();
  await served.open(page, 'Evaluation');
  const row = page.getByTestId(`leaderboard-run-${r1.runId}`);
  await expect(row).toContainText('run e2e, round 1');
  await expect(row).toContainText('mini-unseen');
  await expect(row).toContainText(`(${r1.correct}/${r1.total})`);
  // Every free run is listed; the grammar runs join when asked for.
  const free = entries.filter((e) => e.mode === 'free').length;
  await expect(page.getByTestId('leaderboard-table').locator('tbody tr')).toHaveCount(free);
  await page.getByTestId('leaderboard-constrained').click({ force: true });
  await expect(page.getByTestId('leaderboard-table').locator('tbody tr')).toHaveCount(entries.length);
  await page.getByTestId('leaderboard-sort-set').click();
  await expect(page.getByTestId('leaderboard-table').locator('th[aria-sort="ascending"]')).toContainText('Set');
  const sets = await page.getByTestId('leaderboard-table').locator('tbody tr td:nth-child(2)').allTextContents();
  expect(sets).toEqual([...sets].sort());
  // A set of the rounds is not "No runs yet".
  await page.getByTestId('eval-set-mini-unseen').click();
  await expect(page.getByText('No runs yet')).toHaveCount(0);
  await noSeriousViolations(page);
});

test('the curation banner’s link lands on the round’s unreviewed samples, ready for the keyboard', async ({ page }) => {
  const { items: models } = await api<{ items: { id: number; name: string }[] }>('models.list');
  const starter = models.find((m) => m.name.startsWith('starter'))!;
  const { jobId } = await api<{ jobId: number }>('evolution.start', {
    runId: 'review',
    modelId: starter.id,
    pool: 'mini',
    rounds: 1,
    importsPerRound: 4,
    // Generated samples wait as candidates: what the banner asks to review.
    generatedPerRound: 3,
    k: 3,
    passK: 3,
    maxTokens: 40,
    evalSets: ['mini-unseen'],
    evalRefinement: 'off',
    curation: 'wait',
    threads: 1,
    backend: 'native',
    train: { epochs: 1, maxSteps: 3, learningRate: 1e-4, contextLength: 256, trainLayers: 'last', threads: 1 },
  });
  await served.open(page, 'Jobs');
  const banner = page.getByTestId('curation-waiting');
  await expect(banner).toContainText('Run review, round 1 waits for your curation', { timeout: 150_000 });
  const [waiting] = (await api<{ items: { id: number; candidates: number }[] }>('evolution.waiting')).items;
  await banner.getByTestId('curation-review-link').click();
  await expect(page).toHaveURL(new RegExp(`/samples\\?round=${waiting!.id}&status=candidate`));
  // The list is the round's unreviewed samples, as many as the banner says (verification may have judged them all).
  const n = waiting!.candidates;
  const count = await api<{ total: number }>('samples.count', { filter: { round: [waiting!.id], status: ['candidate'] } });
  expect(count.total).toBe(n);
  await expect(page.getByTestId('sample-counts')).toContainText(`${n} sample${n === 1 ? '' : 's'}`);
  await expect(page.getByTestId('filter-round')).toHaveValue('review · round 1');
  await expect(page.getByTestId('filter-status').locator('..')).toContainText('candidate');
  if (n > 0) {
    const { rows } = await api<{ rows: Row[] }>('samples.page', { filter: { round: [waiting!.id], status: ['candidate'] }, limit: 2 });
    await expect(detail(page)).toContainText(`Sample ${rows[0]!.id}`);
    // Accepted, it leaves the list of unreviewed samples and the next one is shown.
    await page.keyboard.press('a');
    await expect(page.getByTestId('sample-counts')).toContainText(`${n - 1} sample${n - 1 === 1 ? '' : 's'}`);
    if (rows[1]) await expect(detail(page)).toContainText(`Sample ${rows[1].id}`);
    expect((await api<{ row: Row }>('samples.detail', { id: rows[0]!.id })).row.status).toBe('accepted');
  } else {
    // All judged: the list says so, and the round's samples are one filter away.
    await expect(page.getByText('No sample matches these filters.')).toBeVisible();
  }
  await noSeriousViolations(page);
  await page.getByTestId('curation-continue').click();
  await expect(page.getByTestId('curation-waiting')).toHaveCount(0);
  await expect.poll(async () => (await api<{ state: string }>('jobs.get', { id: jobId })).state, { timeout: 150_000 }).toBe('done');
});
