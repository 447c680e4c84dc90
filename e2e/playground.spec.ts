import fs from 'node:fs';
import path from 'node:path';
import { artifactsDir, expect, noSeriousViolations, test } from './fixtures';
import { serveFilledWorkspace, type ServedWorkspace } from './support/served-workspace';

let ws: ServedWorkspace;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  ws = await serveFilledWorkspace('playground-workspace.ts', 'toolsmith-e2e-playground-');
});
test.afterAll(async () => {
  await ws?.stop();
});

test('playground: pick a model and a tool, send, see the prompt, the answer and its calls, save it as a sample', async ({ page }) => {
  test.setTimeout(120_000);
  await ws.open(page, 'Playground');
  await expect(page.getByTestId('pg-model')).toHaveValue('stories260K');

  // One tool of the built-in pool that has a sandbox implementation.
  await page.getByTestId('pg-tools').click();
  await page.getByTestId('pg-tools').fill('is_prime');
  await page.getByRole('option', { name: /^is_prime/ }).click();
  await page.keyboard.press('Escape');
  await page.getByLabel('Constrain to call grammar').check();
  await page.getByLabel('Max tokens').fill('400');
  await page.getByTestId('pg-message').fill('Is 7 prime?');
  await page.getByTestId('pg-send').click();

  // The exact prompt (the tool written into it), the raw answer, the parsed calls and what the sandbox returned.
  await expect(page.getByTestId('pg-prompt')).toContainText('is_prime', { timeout: 60_000 });
  await expect(page.getByTestId('pg-prompt')).toContainText('Is 7 prime?');
  await expect(page.getByTestId('pg-prompt-facts')).toContainText('stories260K');
  await expect(page.getByTestId('pg-raw')).toContainText('is_prime(');
  await expect(page.getByTestId('pg-call').first()).toContainText('is_prime');
  await expect(page.getByTestId('pg-tool-result').first()).not.toHaveText('no implementation');
  await expect(page.getByTestId('pg-verdicts')).toContainText('format: pass');
  await expect(page.getByTestId('pg-refine-summary')).toContainText('stopped');
  await expect(page.getByTestId('pg-turn-assistant')).toContainText('is_prime(');
  await noSeriousViolations(page);
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'playground.png'), fullPage: true });

  // Corrected and saved: a sample with the playground as its provenance, verified like an edit.
  await page.getByTestId('pg-save-output').fill('[is_prime(number=7)]');
  await page.getByTestId('pg-save').click();
  await expect(page.getByTestId('pg-saved')).toContainText('Saved as sample #');
  await expect(page.getByTestId('pg-saved-verdicts')).toContainText('execution: pass');
  const saved = await ws.api<{ rows: { id: number; output: string }[] }>('samples.page', { filter: { tag: 'playground' } });
  expect(saved.rows.map((r) => r.output)).toEqual(['[is_prime(number=7)]']);
  const detail = await ws.api<{ provenance: { source: { format: string } | null; model: string | null } }>('samples.detail', {
    id: saved.rows[0]!.id,
  });
  expect(detail.provenance).toMatchObject({ source: { format: 'playground' }, model: 'stories260K' });
  await noSeriousViolations(page);
  // And in the dark theme.
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await noSeriousViolations(page);
});
