import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, expect, test } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { multiTurnRecord, writeJsonl } from './helpers';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function engine() {
  const e = openEngine(tempDir());
  engines.push(e);
  return { engine: e, client: createClient(e) };
}

const tool = {
  type: 'function',
  function: {
    name: 'add',
    description: 'Add two numbers.',
    parameters: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] },
  },
};
const addRecord = (a: number, b: number) => ({
  messages: [
    { role: 'user', content: `What is ${a} plus ${b}?` },
    { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'add', arguments: JSON.stringify({ a, b }) } }] },
  ],
  tools: [tool],
});

/** A Hugging Face dataset folder whose card maps globbed files to splits. */
function hfFolder(): string {
  const dir = tempDir();
  writeJsonl(path.join(dir, 'data', 'train-00000-of-00002.jsonl'), [addRecord(1, 2), addRecord(3, 4)]);
  writeJsonl(path.join(dir, 'data', 'train-00001-of-00002.jsonl'), [addRecord(5, 6), multiTurnRecord]);
  writeJsonl(path.join(dir, 'data', 'test-00000-of-00001.jsonl'), [addRecord(7, 8)]);
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    '---\nlicense: mit\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/train-*\n  - split: test\n    path: data/test-*\n---\n# A dataset\n',
  );
  return dir;
}

test('formats.detect shows the detected format, the files with their splits and a preview', async () => {
  const { client } = engine();
  const detected = await client.call('formats.detect', { path: hfFolder(), previewCount: 3 });
  expect(detected.format).toBe('hf');
  expect(detected.innerFormat).toBe('openai');
  expect(detected.files.map((f) => [path.basename(f.file), f.split])).toEqual([
    ['train-00000-of-00002.jsonl', 'train'],
    ['train-00001-of-00002.jsonl', 'train'],
    ['test-00000-of-00001.jsonl', 'test'],
  ]);
  expect(detected.preview.map((p) => [p.line, p.category, p.query, p.output])).toEqual([
    [1, 'simple', 'What is 1 plus 2?', '[add(a=1, b=2)]'],
    [2, 'simple', 'What is 3 plus 4?', '[add(a=3, b=4)]'],
  ]);
  expect(detected.problems).toEqual([]);
  const { items } = await client.call('formats.list');
  expect(items.map((f) => f.id).sort()).toEqual(['bfcl', 'hermes', 'hf', 'llamafactory', 'mlx', 'openai', 'sharegpt', 'xlam']);
});

test('a Hugging Face folder imports with its splits, and the hf export keeps them, with a card that counts them', async () => {
  const { client } = engine();
  const progress: number[] = [];
  client.on('formats.importProgress', (p) => progress.push(p.records));
  const imported = await client.call('formats.import', { path: hfFolder(), status: 'accepted' });
  expect(imported).toMatchObject({ format: 'hf', innerFormat: 'openai', state: 'done', records: 5, samples: 6, stored: 6 });
  expect(progress.at(-1)).toBe(5);

  const out = tempDir();
  const exported = await client.call('formats.export', { format: 'hf', out, license: 'cc-by-4.0', name: 'adds' });
  expect(exported.files.map((f) => [path.relative(out, f.file), f.records]).sort()).toEqual([
    ['README.md', 0],
    ['data/test.jsonl', 1],
    ['data/train.jsonl', 5],
    ['data/validation.jsonl', 0],
  ]);
  const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
  const header = parseYaml(/^---\n([\s\S]*?)\n---/.exec(card)![1]!) as {
    license: string;
    dataset_info: { splits: { name: string; num_examples: number }[] };
  };
  expect(header.license).toBe('cc-by-4.0');
  expect(header.dataset_info.splits).toEqual([
    { name: 'train', num_examples: 5 },
    { name: 'validation', num_examples: 0 },
    { name: 'test', num_examples: 1 },
  ]);
  expect(card).toContain('| hf/openai | 6 |');
  expect(card).toContain('| accepted | 6 |');
});

test('a file that is not a known format is refused with what and where', async () => {
  const { client } = engine();
  const file = writeJsonl(path.join(tempDir(), 'odd.jsonl'), [{ text: 'hello' }]);
  await expect(client.call('formats.import', { path: file })).rejects.toThrow(/odd\.jsonl: the records fit none of the known formats/);
  await expect(client.call('formats.import', { path: path.join(tempDir(), 'missing.jsonl') })).rejects.toMatchObject({ code: 'bad_file' });
});

test('toolsmith import / export on the command line', async () => {
  const dir = tempDir();
  const ws = path.join(dir, 'ws');
  const file = path.join(dir, 'adds.jsonl');
  fs.writeFileSync(file, [JSON.stringify(addRecord(1, 2)), '{"messages": [', JSON.stringify(addRecord(2, 3))].join('\n'));

  const refused = await runCli(['-w', ws, 'import', file], { timeoutMs: 120_000 });
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(`${file}:2: not valid JSON`);
  expect(refused.stderr).toMatch(/nothing was imported: 1 record\(s\) are malformed/);

  const valid = await runCli(['-w', ws, 'import', file, '--mode', 'valid', '--status', 'accepted'], { timeoutMs: 120_000 });
  expect(valid.code).toBe(0);
  expect(valid.stdout).toMatch(/format: openai \(detected\)/);
  expect(valid.stdout).toMatch(/stored: 2/);

  const out = path.join(dir, 'out');
  const exported = await runCli(['-w', ws, 'export', '--format', 'sharegpt', '--out', out, '--status', 'accepted'], { timeoutMs: 120_000 });
  expect(exported.code).toBe(0);
  const lines = fs.readFileSync(path.join(out, 'toolsmith.jsonl'), 'utf8').trim().split('\n');
  expect(lines.map((l) => (JSON.parse(l) as { conversations: { value: string }[] }).conversations.at(-1)!.value)).toEqual([
    '[add(a=1, b=2)]',
    '[add(a=2, b=3)]',
  ]);
}, 300_000);
