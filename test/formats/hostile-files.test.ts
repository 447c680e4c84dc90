import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../src/main/cli/tools';
import { importBfclSet } from '../../src/main/engine/eval/bfcl-import';
import { MAX_RECORD_DEPTH } from '../../src/main/engine/formats/records';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';
import { importFile } from './helpers';

const opened: Workspace[] = [];
function workspace(): Workspace {
  const ws = openWorkspace(tempDir());
  opened.push(ws);
  return ws;
}
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close();
});

const weather = {
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const record = (city: string) => ({
  messages: [
    { role: 'user', content: `Weather in ${city}?` },
    {
      role: 'assistant',
      tool_calls: [{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } }],
    },
  ],
  tools: [{ type: 'function', function: weather }],
});
const line = (city: string) => JSON.stringify(record(city));
const deep = (levels: number) => `{"messages": ${'['.repeat(levels)}${']'.repeat(levels)}}`;

async function importText(name: string, content: string | Buffer) {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  const result = await importFile(workspace().db, { path: file, format: 'openai', mode: 'valid' });
  return { file, result };
}

describe('data files that must not get in quietly', () => {
  it('a record nested 3,000 levels deep is a problem with its line; the others are imported (JSONL and JSON array)', async () => {
    const lines = await importText('deep.jsonl', [line('Oslo'), deep(3000), line('Lima')].join('\n'));
    expect(lines.result).toMatchObject({ state: 'done', stored: 2, problemCount: 1 });
    expect(lines.result.problems[0]).toMatchObject({
      line: 2,
      reason: expect.stringMatching(`nested deeper than ${MAX_RECORD_DEPTH} levels`),
    });
    const array = await importText('deep.json', `[\n${line('Oslo')},\n${deep(3000)},\n${line('Lima')}\n]`);
    expect(array.result).toMatchObject({ state: 'done', stored: 2, problemCount: 1 });
    expect(array.result.problems[0]).toMatchObject({ line: 3, reason: expect.stringMatching('nested deeper') });
  });

  it('a byte that is not UTF-8 is a problem with its line, not a silent U+FFFD', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${line('Oslo')}\n${line('Ro').slice(0, -3)}`),
      Buffer.from([0xff]),
      Buffer.from(`"}]}\n${line('Lima')}\n`),
    ]);
    const { result } = await importText('bad-utf8.jsonl', bad);
    expect(result).toMatchObject({ stored: 2, problemCount: 1 });
    expect(result.problems[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/byte 0xff is not UTF-8/) });
    // A multi-byte character split across the reader's chunks is still valid.
    const big = Array.from({ length: 3000 }, (_, i) => line(`Zürich ✓ ${i}`)).join('\n');
    expect((await importText('split.jsonl', big)).result).toMatchObject({ problemCount: 0, stored: 3000 });
  });

  it('a JSON array followed by anything but whitespace is refused where the garbage starts', async () => {
    const { result } = await importText('trailing.json', `[\n${line('Oslo')}\n]\n\ngarbage here`);
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 5, reason: expect.stringMatching(/text after the end of the JSON array: garbage here/) }),
    ]);
  });

  it('a FIFO is refused at once by import, tools import and eval import', async () => {
    const fifo = path.join(tempDir(), 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(importFile(workspace().db, { path: fifo, format: 'openai' })).rejects.toThrow(
      /pipe\.jsonl is not a regular file or a folder/,
    );
    expect(() => readJsonFile(fifo)).toThrow(/pipe\.jsonl: not a regular file/);
    await expect(importBfclSet(workspace().db, { questions: { path: fifo } })).rejects.toThrow(/pipe\.jsonl: not a regular file/);
  });

  it('a UTF-8 byte-order mark is accepted by tools import and eval import, as by import', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tools.json'), `\uFEFF${JSON.stringify([weather])}`);
    expect(readJsonFile(path.join(dir, 'tools.json'))).toEqual([weather]);
    const question = { id: 'irrelevance_0', question: [[{ role: 'user', content: 'Weather in Oslo?' }]], function: [weather] };
    fs.writeFileSync(path.join(dir, 'q.jsonl'), `\uFEFF${JSON.stringify(question)}\n`);
    const set = await importBfclSet(workspace().db, { questions: { path: path.join(dir, 'q.jsonl') } });
    expect(set.itemCount).toBe(1);
    expect((await importText('bom.jsonl', `\uFEFF${line('Oslo')}\n`)).result).toMatchObject({ stored: 1, problemCount: 0 });
  });
});
