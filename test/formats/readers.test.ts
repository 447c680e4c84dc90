import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readRecords } from '../../src/main/engine/formats/records';
import { tempDir } from '../helpers/tmp';

async function all(file: string) {
  const out = [];
  for await (const r of readRecords(file)) out.push(r);
  return out;
}

// Strings with brackets, braces, quotes, escapes and multi-byte characters, to trip a naive splitter.
const tricky = (i: number) => ({
  id: i,
  text: `a ] } [ { "quoted" \\ back\\slash ${'é漢🙂'.repeat(i % 5)} ,`,
  nested: [[{ x: i }], { y: '}]' }],
});

test('a JSON array file streams element by element across chunk boundaries, with the line each starts on', async () => {
  const file = path.join(tempDir(), 'data.json');
  const records = Array.from({ length: 3000 }, (_, i) => tricky(i));
  // Pretty-printed like ToolACE's data.json: each element spans several lines.
  fs.writeFileSync(file, JSON.stringify(records, null, 2));
  expect(fs.statSync(file).size).toBeGreaterThan(600 * 1024); // several 256 KiB chunks
  const read = await all(file);
  expect(read.map((r) => ('value' in r ? r.value : r.error))).toEqual(records);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (const r of read.slice(0, 50)) expect(lines[r.line - 1]!.trim()).toBe('{');
  expect(lines[read[1]!.line]!.trim()).toBe('"id": 1,');
});

test('a JSON array cut short reports its last element as truncated; JSON Lines with CRLF, blank lines and a BOM read cleanly', async () => {
  const dir = tempDir();
  const cut = path.join(dir, 'cut.json');
  const text = JSON.stringify([tricky(1), tricky(2), tricky(3)]);
  fs.writeFileSync(cut, text.slice(0, text.length - 20));
  const read = await all(cut);
  expect(read.slice(0, 2).map((r) => 'value' in r && r.value)).toEqual([tricky(1), tricky(2)]);
  expect(read[2]).toMatchObject({ line: 1, error: expect.stringMatching(/cut short.*not closed/) });

  const lines = path.join(dir, 'crlf.jsonl');
  fs.writeFileSync(lines, `\uFEFF${JSON.stringify(tricky(1))}\r\n\r\n${JSON.stringify(tricky(2))}\r\n`);
  expect(await all(lines)).toEqual([
    { line: 1, value: tricky(1) },
    { line: 3, value: tricky(2) },
  ]);
});

test('Hermes records with Python-literal tools and calls (hermes-function-calling-v1 style) import', async () => {
  const { hermesFormat } = await import('../../src/main/engine/formats/hermes');
  const record = {
    conversations: [
      {
        from: 'system',
        value:
          "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags.<tools>\n[{'type': 'function', 'function': {'name': 'get_stock_price', 'description': 'Price of a stock', 'parameters': {'type': 'object', 'properties': {'symbol': {'type': 'string'}}, 'required': ['symbol']}}}]\n</tools>",
      },
      { from: 'human', value: 'What is the price of TSLA?' },
      { from: 'gpt', value: "<tool_call>\n{'arguments': {'symbol': 'TSLA'}, 'name': 'get_stock_price'}\n</tool_call>" },
      { from: 'tool', value: "<tool_response>\n{'price': 200}\n</tool_response>" },
      { from: 'gpt', value: 'TSLA is at 200.' },
    ],
  };
  const drafts = hermesFormat.read(record);
  expect(drafts).toHaveLength(1);
  expect(drafts[0]!.tools.map((t) => t.name)).toEqual(['get_stock_price']);
  expect(drafts[0]!.output).toEqual({ calls: [{ name: 'get_stock_price', args: { symbol: 'TSLA' } }] });
});
