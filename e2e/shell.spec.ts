import fs from 'node:fs';
import path from 'node:path';
import { artifactsDir, expect, test } from './fixtures';

const VIEWS: [string, string][] = [
  ['Overview', '/overview'],
  ['Tool pool', '/tools'],
  ['Datasets', '/datasets'],
  ['Samples', '/samples'],
  ['Rounds', '/rounds'],
  ['Evaluation', '/evaluation'],
  ['Refinement traces', '/traces'],
  ['Models', '/models'],
  ['Playground', '/playground'],
  ['Jobs', '/jobs'],
  ['Settings', '/settings'],
];

test('every view opens from the navigation and survives a reload', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page).toHaveURL(/\/overview/);
  await expect(page.getByTestId('count-samples')).toContainText('0');
  for (const [label, route] of VIEWS) {
    await page.getByRole('navigation', { name: 'Views' }).getByText(label, { exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${route}$`));
    await expect(page.getByRole('heading', { level: 2, name: label })).toBeVisible();
  }
  // A reload on a deep route keeps the view (the token now travels as a cookie).
  await page.goto(`${app.origin}/rounds`);
  await expect(page.getByRole('heading', { level: 2, name: 'Rounds' })).toBeVisible();
});

test('the theme toggles between light and dark and is remembered', async ({ page, app }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(app.url);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.getByTestId('theme-toggle').click();
  await expect(html).toHaveAttribute('data-mantine-color-scheme', 'light');
});

test('the Overview shows the workspace and a screenshot is kept', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByText(app.workspace)).toBeVisible();
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'overview.png'), fullPage: true });
});

test('a page without the session token is refused', async ({ page, app }) => {
  const response = await page.goto(`${app.origin}/overview`);
  expect(response?.status()).toBe(401);
});
