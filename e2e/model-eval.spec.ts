import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, noSeriousViolations, test } from './fixtures';

const shared = path.resolve(import.meta.dirname, '..', '..', 'shared');

/** Two simple_python questions and their answers, as files the CLI imports. */
function miniSet(): { questions: string; answers: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-mini-'));
  const read = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const questions = read(path.join(shared, 'bfcl', 'BFCL_v4_simple_python.json')).slice(0, 2);
  const ids = new Set(questions.map((q) => (JSON.parse(q) as { id: string }).id));
  const answers = read(path.join(shared, 'bfcl', 'possible_answer', 'BFCL_v4_simple_python.json')).filter((l) =>
    ids.has((JSON.parse(l) as { id: string }).id),
  );
  fs.writeFileSync(path.join(dir, 'mini.json'), questions.join('\n'));
  fs.writeFileSync(path.join(dir, 'mini_answers.json'), answers.join('\n'));
  return { questions: path.join(dir, 'mini.json'), answers: path.join(dir, 'mini_answers.json') };
}

test('evaluate a registered model on a set from the Evaluation view: a job with progress, then its run', async ({ page, app }) => {
  const { questions, answers } = miniSet();
  expect((await app.cli(['eval', 'import', questions, answers])).code).toBe(0);
  expect((await app.cli(['model', 'import', path.join(shared, 'models', 'stories260K.gguf'), '--name', 'stories'])).code).toBe(0);

  await page.goto(app.url);
  // Loaded with one thread (2 shared cores); the job evaluates with the loaded model.
  const loaded = await page.request.post(`${app.origin}/api/models.load`, {
    data: { model: 'stories', threads: 1, contextSize: 1024, gpu: false },
  });
  expect(loaded.ok(), await loaded.text()).toBe(true);
  await page.getByRole('navigation', { name: 'Views' }).getByText('Evaluation', { exact: true }).click();
  await expect(page.getByTestId('eval-set-mini')).toBeVisible();
  // The workspace also holds the built-in held-out sets: open this one.
  await page.getByTestId('eval-set-mini').click();
  const card = page.getByTestId('evaluate-model');
  await card.getByRole('combobox', { name: 'Model' }).click();
  await page.getByRole('option', { name: 'stories' }).click();
  await card.getByRole('textbox', { name: 'Max tokens' }).fill('32');
  await card.getByTestId('evaluate-model-start').click();

  const job = page.getByTestId('evaluate-model-job');
  await expect(job).toContainText(/Job \d+/);
  await expect(job).toContainText('done', { timeout: 30_000 });
  await expect(job).toContainText('2/2 items');
  // The finished run is selected and shown.
  await expect(page.getByTestId('run-category-simple_python')).toContainText('simple_python');
  await noSeriousViolations(page, '[data-testid="evaluate-model"]');

  const listed = await app.cli(['jobs', 'list', '--json']);
  expect(JSON.parse(listed.stdout)).toMatchObject([{ kind: 'eval.model', state: 'done', title: 'Evaluate stories on mini' }]);
});
