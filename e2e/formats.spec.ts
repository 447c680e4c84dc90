import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { artifactsDir, expect, noSeriousViolations, test, type ServedApp } from './fixtures';

/**
 * Import and export through the dialogs of the browser mode: a file with a defect is detected, previewed,
 * its error named by file:line, the valid records imported; an export writes files that import again.
 */

const weather = {
  name: 'get_weather',
  description: 'Weather of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CITIES = ['Paris', 'Rome', 'Oslo', 'Lima', 'Kyoto'];

/** OpenAI chat JSONL: five good records and, on line 3, a call whose arguments are cut off. */
function writeOpenAiWithDefect(file: string): void {
  const record = (city: string, args: string) => ({
    messages: [
      { role: 'user', content: `What is the weather in ${city}?` },
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
    ],
    tools: [{ type: 'function', function: weather }],
  });
  const lines = CITIES.map((city) => JSON.stringify(record(city, JSON.stringify({ city }))));
  lines.splice(2, 0, JSON.stringify(record('Bern', '{"city": "Be')));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

async function api<T>(app: ServedApp, method: string, params: unknown = {}): Promise<T> {
  const res = await fetch(`${app.origin}/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(params),
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.result as T;
}

async function open(page: Page, app: ServedApp, label: string) {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Views' }).getByText(label, { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: label })).toBeVisible();
}

let dir: string;
test.beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-formats-'));
});
test.afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('import a file with a defect, keep the valid records, export them and import the export again', async ({ page, app }) => {
  const file = path.join(dir, 'weather.jsonl');
  writeOpenAiWithDefect(file);

  await open(page, app, 'Samples');
  await page.getByTestId('open-import').click();
  const dialog = page.getByRole('dialog', { name: 'Import samples' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('import-path-note')).toContainText('machine running Toolsmith');
  await dialog.getByTestId('import-path').fill(file);
  await dialog.getByTestId('import-detect').click();

  await expect(dialog.getByTestId('import-detected-format')).toHaveText('openai');
  const preview = dialog.getByTestId('import-preview');
  await expect(preview).toContainText('What is the weather in Paris?');
  await expect(preview).toContainText('get_weather(city="Paris")');
  await expect(dialog.getByTestId('import-problems')).toContainText('weather.jsonl:3:');
  await expect(dialog.getByTestId('import-problems')).toContainText('messages[1].tool_calls[0].function.arguments');
  await noSeriousViolations(page);
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'import-dialog.png'), fullPage: true });

  // "import none" stores nothing and says why.
  await dialog.getByTestId('import-run').click();
  await expect(dialog.getByTestId('import-result')).toContainText('Import rejected');
  expect((await api<{ total: number }>(app, 'samples.count', { filter: {} })).total).toBe(0);

  await dialog.getByTestId('import-mode').getByText('import only the valid ones').click();
  await dialog.getByTestId('import-run').click();
  await expect(dialog.getByTestId('import-result')).toContainText('Import done');
  await expect(dialog.getByTestId('import-result')).toContainText(`${CITIES.length} stored`);
  await expect(dialog.getByTestId('import-result')).toContainText('weather.jsonl:3:');
  await noSeriousViolations(page);
  const count = await api<{ total: number; byStatus: Record<string, number> }>(app, 'samples.count', { filter: {} });
  expect(count.total).toBe(CITIES.length);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The Samples view lists them.
  await expect(page.getByText('What is the weather in Kyoto?').first()).toBeVisible();

  // Export the candidates as ShareGPT from the Datasets view.
  const out = path.join(dir, 'export');
  await open(page, app, 'Datasets');
  await page.getByTestId('open-export').click();
  const exportDialog = page.getByRole('dialog', { name: 'Export samples' });
  await expect(exportDialog).toBeVisible();
  await expect(exportDialog.getByTestId('path-note')).toContainText('machine running Toolsmith');
  await exportDialog.getByTestId('export-format').click();
  await page.getByRole('option', { name: /ShareGPT/ }).click();
  // Status: only candidates (the dialog starts with accepted + edited).
  const status = exportDialog.getByTestId('export-status');
  await status.click();
  for (const s of ['accepted', 'edited', 'candidate']) await page.getByRole('option', { name: s, exact: true }).click();
  await page.keyboard.press('Escape');
  await exportDialog.getByTestId('export-out').fill(out);
  await noSeriousViolations(page);
  await exportDialog.getByTestId('export-run').click();
  await expect(exportDialog.getByTestId('export-result')).toContainText(`${CITIES.length} samples exported`);

  const written = fs.readdirSync(out).filter((f) => f.endsWith('.jsonl'));
  expect(written.length).toBeGreaterThan(0);
  const lines = written.reduce((n, f) => n + fs.readFileSync(path.join(out, f), 'utf8').split('\n').filter(Boolean).length, 0);
  expect(lines).toBe(CITIES.length);

  // Re-import through the API into the same workspace: the same samples, all recognised as already there.
  const again = await api<{ format: string; samples: number; stored: number; duplicates: number; problemCount: number }>(
    app,
    'formats.import',
    {
      path: path.join(out, written[0]!),
    },
  );
  expect(again).toMatchObject({ format: 'sharegpt', samples: CITIES.length, stored: 0, duplicates: CITIES.length, problemCount: 0 });
});

test('a model exports from the Models view with its Ollama Modelfile and card', async ({ page, app }) => {
  const created = await app.cli(['model', 'create-starter']);
  expect(created.code, created.stderr).toBe(0);
  const models = await api<{ items: { name: string }[] }>(app, 'models.list', {});
  const name = models.items[0]!.name;

  await open(page, app, 'Models');
  await expect(page.getByTestId('open-model-export')).toBeDisabled();
  await page.getByTestId(`model-row-${name}`).click();
  await page.getByTestId('open-model-export').click();
  const dialog = page.getByRole('dialog', { name: `Export model ${name}` });
  await expect(dialog).toBeVisible();
  const out = path.join(dir, 'model');
  await dialog.getByTestId('model-export-out').fill(out);
  await noSeriousViolations(page, '[role="dialog"]');
  await dialog.getByTestId('model-export-run').click();
  await expect(dialog.getByTestId('model-export-result')).toBeVisible();
  const files = fs.readdirSync(out);
  expect(files.some((f) => f.endsWith('.gguf'))).toBe(true);
  expect(files).toContain('Modelfile');
  expect(fs.readFileSync(path.join(out, 'Modelfile'), 'utf8')).toMatch(/^FROM /m);
});
