import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answersFile, groundTruthCalls, loadItems, printCallsText, questionsFile } from '../test/eval/bfcl-fixtures';
import { artifactsDir, expect, test } from './fixtures';

test('import a BFCL set through the UI, see its category counts, check outputs and open a failing item', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Evaluation', { exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Evaluation' })).toBeVisible();

  await page.getByTestId('eval-questions').setInputFiles(questionsFile('simple_python'));
  await page.getByTestId('eval-answers').setInputFiles(answersFile('simple_python'));
  await page.getByTestId('eval-import').click();
  await expect(page.getByTestId('eval-import-message')).toContainText('Imported "BFCL_v4_simple_python": 400 item(s).');
  await expect(page.getByTestId('eval-set-BFCL_v4_simple_python')).toContainText('simple_python 400');
  // The workspace also holds the built-in held-out sets: open the imported one.
  await page.getByTestId('eval-set-BFCL_v4_simple_python').click();

  // A result file: the ground truth for three items in four, words for the rest.
  const items = loadItems('simple_python');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-out-')), 'outputs.jsonl');
  fs.writeFileSync(
    file,
    items
      .map((item, i) =>
        JSON.stringify({
          id: item.id,
          result: i % 4 === 1 ? 'I would need more details.' : printCallsText(groundTruthCalls(item, 'python')),
        }),
      )
      .join('\n'),
  );
  await page.getByTestId('eval-outputs').setInputFiles(file);

  const row = page.getByTestId('run-category-simple_python');
  await expect(row).toContainText('75.0 % (300/400)');
  await expect(row).toContainText('ast_decoder:decoder_failed ×100');
  await row.click();
  const failing = page.getByTestId('failing-simple_python_1');
  await expect(failing).toBeVisible();
  await failing.getByRole('button').first().click();
  await expect(failing.getByTestId('failing-error')).toContainText('Invalid syntax. Failed to decode AST.');
  await expect(failing).toContainText('I would need more details.');

  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, 'evaluation.png'), fullPage: true });

  const listed = await app.cli(['eval', 'list', '--json']);
  const sets = JSON.parse(listed.stdout) as { name: string; itemCount: number }[];
  expect(sets.filter((s) => !s.name.startsWith('toolsmith-'))).toMatchObject([{ name: 'BFCL_v4_simple_python', itemCount: 400 }]);
  expect(sets.map((s) => s.name)).toEqual(expect.arrayContaining(['toolsmith-indomain', 'toolsmith-unseen']));
});

test('tool pool: a bad file shows its errors inline, a good one is listed and opens readably', async ({ page, app }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-tools-'));
  const bad = path.join(dir, 'bad.json');
  const good = path.join(dir, 'good.json');
  fs.writeFileSync(
    bad,
    JSON.stringify([{ name: 'ok' }, { name: 'broken', parameters: { type: 'object', properties: { city: { type: 'place' } } } }]),
  );
  fs.writeFileSync(
    good,
    JSON.stringify([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      {
        name: 'Stock Price',
        description: 'ToolACE style',
        parameters: { type: 'dict', properties: { symbol: { type: 'string', default: 'AAPL' } }, required: null },
      },
    ]),
  );
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Tool pool', { exact: true }).click();
  await page.getByTestId('tools-file').setInputFiles(bad);
  await expect(page.getByTestId('tool-problems')).toContainText('tools[1].parameters.properties.city.type');
  await page.getByTestId('tools-file').setInputFiles(good);
  await expect(page.getByTestId('tools-message')).toContainText('Imported 2 tool(s)');
  await page.getByTestId('tools-table').getByText('Stock Price', { exact: true }).click();
  await page.getByTestId('tool-detail').getByRole('tab', { name: 'Original JSON' }).click();
  await expect(page.getByTestId('tool-original')).toContainText('"required": null');
  await page.getByLabel('Search tools').fill('weather');
  await expect(page.getByTestId('tools-table')).not.toContainText('Stock Price');
  await expect(page.getByTestId('tools-table')).toContainText('get_weather');
  // Rows open their detail from the keyboard too: Tab to the row, Enter.
  // (The built-in pool's get_weather_forecast matches the search too: pick the imported tool's row.)
  const row = page
    .getByTestId('tools-table')
    .getByRole('row')
    .filter({ has: page.getByText('get_weather', { exact: true }) });
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tool-detail')).toContainText('get_weather');
});
