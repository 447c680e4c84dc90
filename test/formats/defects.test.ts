import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { tempDir } from '../helpers/tmp';
import { canonicalSamples, importFile } from './helpers';

const open: Workspace[] = [];
function workspace(): Workspace {
  const ws = openWorkspace(tempDir());
  open.push(ws);
  return ws;
}
afterEach(() => {
  for (const ws of open.splice(0)) ws.close();
});

const weather = {
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] },
};
const clock = {
  name: 'get_time',
  description: 'Local time of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const toolaceSystem = (tools: string) =>
  `You are an expert in composing functions.\nHere is a list of functions in JSON format that you can invoke:\n${tools}.\nShould you decide to return the function call(s), put it in the format of [func1(params_name=params_value)]`;
const hermesSystem = (tools: string) =>
  `You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags.\n<tools>\n${tools}\n</tools>`;

/**
 * Per format: valid records (each a line), then the typical defects, each with the field path its problem
 * must name. The file is: valid[0], defect 1, valid[1], defect 2, …, valid[n], truncated last line.
 */
interface Case {
  format: string;
  valid: unknown[];
  defects: { what: string; record: unknown; path: RegExp }[];
  answers?: (file: string) => string;
}

const cities = ['Paris', 'Rome', 'Oslo', 'Lima'];

const cases: Case[] = [
  {
    format: 'openai',
    valid: cities.map((city) => ({
      messages: [
        { role: 'user', content: `Weather in ${city}?` },
        {
          role: 'assistant',
          tool_calls: [{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } }],
        },
      ],
      tools: [{ type: 'function', function: weather }],
    })),
    defects: [
      {
        what: 'wrong types',
        record: { messages: 'Weather in Paris?', tools: [{ type: 'function', function: weather }] },
        path: /^messages$/,
      },
      {
        what: 'a call that does not parse',
        record: {
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            {
              role: 'assistant',
              tool_calls: [{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Par' } }],
            },
          ],
          tools: [{ type: 'function', function: weather }],
        },
        path: /^messages\[1\]\.tool_calls\[0\]\.function\.arguments$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: {
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
          ],
          tools: '[{"name": get_weather}]',
        },
        path: /^tools/,
      },
    ],
  },
  {
    format: 'sharegpt',
    valid: cities.map((city) => ({
      system: toolaceSystem(JSON.stringify([weather, clock])),
      conversations: [
        { from: 'user', value: `Weather and time in ${city}?` },
        { from: 'assistant', value: `[get_weather(city="${city}"), get_time(city="${city}")]` },
        { from: 'tool', value: '[{"name": "get_weather", "results": {"temp": 20}}]' },
        { from: 'assistant', value: 'It is 20 degrees.' },
      ],
    })),
    defects: [
      {
        what: 'wrong types',
        record: { system: toolaceSystem(JSON.stringify([weather])), conversations: [{ from: 'user', value: 42 }] },
        path: /^conversations\[0\]\.value$/,
      },
      {
        what: 'a call that does not parse',
        record: {
          system: toolaceSystem(JSON.stringify([weather])),
          conversations: [
            { from: 'user', value: 'Weather in Paris?' },
            { from: 'assistant', value: '[get_weather(city="Paris", unit=)]' },
          ],
        },
        path: /^conversations\[1\]\.value$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: {
          system: toolaceSystem('[{"name": "get_weather", description: "x"}]'),
          conversations: [
            { from: 'user', value: 'Weather in Paris?' },
            { from: 'assistant', value: '[get_weather(city="Paris")]' },
          ],
        },
        path: /^system$/,
      },
    ],
  },
  {
    format: 'llamafactory',
    valid: cities.map((city) => ({
      conversations: [
        { from: 'human', value: `Weather in ${city}?` },
        { from: 'function_call', value: JSON.stringify({ name: 'get_weather', arguments: { city } }) },
        { from: 'observation', value: '{"temp": 20}' },
        { from: 'gpt', value: 'It is 20 degrees.' },
      ],
      tools: JSON.stringify([weather]),
    })),
    defects: [
      {
        what: 'wrong types',
        record: { conversations: { from: 'human', value: 'x' }, tools: JSON.stringify([weather]) },
        path: /^conversations$/,
      },
      {
        what: 'a call that does not parse',
        record: {
          conversations: [
            { from: 'human', value: 'Weather in Paris?' },
            { from: 'function_call', value: '{"name": "get_weather", "arguments": {"city": }' },
          ],
          tools: JSON.stringify([weather]),
        },
        path: /^conversations\[1\]\.value$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: {
          conversations: [
            { from: 'human', value: 'Hi' },
            { from: 'gpt', value: 'Hello' },
          ],
          tools: '[{"name": "get_weather"',
        },
        path: /^tools$/,
      },
    ],
  },
  {
    format: 'hermes',
    valid: cities.map((city) => ({
      conversations: [
        { from: 'system', value: hermesSystem(JSON.stringify([{ type: 'function', function: weather }])) },
        { from: 'human', value: `Weather in ${city}?` },
        { from: 'gpt', value: `<tool_call>\n${JSON.stringify({ name: 'get_weather', arguments: { city } })}\n</tool_call>` },
      ],
    })),
    defects: [
      {
        what: 'wrong types',
        record: {
          conversations: [
            { from: 'system', value: hermesSystem(JSON.stringify([weather])) },
            { from: 'human', value: ['Weather?'] },
          ],
        },
        path: /^conversations\[1\]\.value$/,
      },
      {
        what: 'a call that does not parse',
        record: {
          conversations: [
            { from: 'system', value: hermesSystem(JSON.stringify([weather])) },
            { from: 'human', value: 'Weather in Paris?' },
            { from: 'gpt', value: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"</tool_call>' },
          ],
        },
        path: /^conversations\[2\]\.value$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: {
          conversations: [
            { from: 'system', value: hermesSystem('[{"type": "function", "function": {"name": "get_weather"') },
            { from: 'human', value: 'Hi' },
            { from: 'gpt', value: 'Hello' },
          ],
        },
        path: /^conversations\[0\]\.value$/,
      },
    ],
  },
  {
    format: 'xlam',
    valid: cities.map((city, i) => ({
      id: i,
      query: `Weather in ${city}?`,
      tools: JSON.stringify([
        {
          name: 'get_weather',
          description: 'Weather.',
          parameters: { city: { type: 'str', description: 'City' }, unit: { type: 'str, optional', description: 'Unit', default: 'c' } },
        },
      ]),
      answers: JSON.stringify([{ name: 'get_weather', arguments: { city } }]),
    })),
    defects: [
      { what: 'wrong types', record: { id: 9, query: 5, tools: JSON.stringify([weather]), answers: '[]' }, path: /^query$/ },
      {
        what: 'a call that does not parse',
        record: {
          id: 9,
          query: 'Weather in Paris?',
          tools: JSON.stringify([weather]),
          answers: '[{"name": "get_weather", "arguments": "{\\"city\\": }"}]',
        },
        path: /^answers\[0\]\.arguments$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: { id: 9, query: 'Weather in Paris?', tools: '[{"name": "get_weather",', answers: '[]' },
        path: /^tools$/,
      },
    ],
  },
  {
    format: 'bfcl',
    valid: cities.map((city, i) => ({
      id: `simple_python_${i}`,
      question: [[{ role: 'user', content: `Weather in ${city}?` }]],
      function: [{ ...weather, parameters: { ...weather.parameters, type: 'dict' } }],
    })),
    defects: [
      { what: 'wrong types', record: { id: 'simple_python_100', question: 'Weather?', function: [weather] }, path: /^question$/ },
      {
        what: 'a call that does not parse',
        record: { id: 'simple_python_101', question: [[{ role: 'user', content: 'Weather in Paris?' }]], function: [weather] },
        path: /^ground_truth\[0\]$/,
      },
      {
        what: 'a tool list that is not JSON',
        record: { id: 'simple_python_102', question: [[{ role: 'user', content: 'Weather?' }]], function: '[{"name": "get_weather"' },
        path: /^function$/,
      },
    ],
    answers: (dir) => {
      const file = path.join(dir, 'answers.json');
      const lines = [
        ...cities.map((city, i) => ({
          id: `simple_python_${i}`,
          ground_truth: [{ get_weather: { city: [city], unit: ['', 'celsius'] } }],
        })),
        { id: 'simple_python_100', ground_truth: [{ get_weather: { city: ['Paris'] } }] },
        { id: 'simple_python_101', ground_truth: [{ get_weather: { city: ['Paris'] }, get_time: { city: ['Paris'] } }] },
        { id: 'simple_python_102', ground_truth: [{ get_weather: { city: ['Paris'] } }] },
        { id: 'simple_python_103', ground_truth: [{ get_weather: { city: ['Paris'] } }] },
      ];
      fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
      return file;
    },
  },
];

function writeCase(dir: string, c: Case): { file: string; expected: { line: number; path: RegExp }[]; validFile: string } {
  const lines: string[] = [];
  const expected: { line: number; path: RegExp }[] = [];
  c.valid.forEach((record, i) => {
    lines.push(JSON.stringify(record));
    const defect = c.defects[i];
    if (defect) {
      lines.push(JSON.stringify(defect.record));
      expected.push({ line: lines.length, path: defect.path });
    }
  });
  // A last line cut short, as a copy interrupted mid-write leaves it.
  const last = JSON.stringify(c.valid[0]);
  lines.push(last.slice(0, Math.floor(last.length / 2)));
  expected.push({ line: lines.length, path: /^$/ });
  const file = path.join(dir, `${c.format}.jsonl`);
  fs.writeFileSync(file, lines.join('\n'));
  const validFile = path.join(dir, `${c.format}-valid.jsonl`);
  fs.writeFileSync(validFile, c.valid.map((r) => JSON.stringify(r)).join('\n'));
  return { file, expected, validFile };
}

describe('imports of files with typical defects', () => {
  for (const c of cases) {
    test(`${c.format}: problems name file:line and field; "none" stores nothing; "valid" stores exactly the valid records`, async () => {
      const dir = tempDir();
      const { file, expected, validFile } = writeCase(dir, c);
      const answers = c.answers?.(dir);

      const ws = workspace();
      const none = await importFile(ws.db, { path: file, answers, mode: 'none' });
      expect(none.format).toBe(c.format);
      if (process.env.SHOW_PROBLEMS)
        console.log(none.problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.path}: ${p.reason}`).join('\n'));
      expect(none.state).toBe('rejected');
      expect(none.stored).toBe(0);
      expect(none.problems.map((p) => `${path.basename(p.file)}:${p.line}`)).toEqual(expected.map((e) => `${c.format}.jsonl:${e.line}`));
      none.problems.forEach((p, i) => {
        expect(p.path, `${c.defects[i]?.what ?? 'truncated line'}: ${p.reason}`).toMatch(expected[i]!.path);
        expect(p.reason.length).toBeGreaterThan(5);
      });
      expect(none.problems.at(-1)!.reason).toMatch(/not valid JSON.*cut short/);
      expect(ws.db.prepare('SELECT COUNT(*) AS n FROM samples').get()).toEqual({ n: 0 });
      expect(fs.readdirSync(path.join(ws.dir, 'imports'))).toEqual([]); // no staging file left behind

      const valid = await importFile(ws.db, { path: file, answers, mode: 'valid' });
      expect(valid.state).toBe('done');
      expect(valid.problemCount).toBe(expected.length);
      expect(valid.stored).toBe(c.valid.length);
      const stored = ws.db.prepare('SELECT source_line AS line, source_format AS format FROM samples ORDER BY id').all();
      const validLines = Array.from({ length: c.valid.length + c.defects.length }, (_, i) => i + 1).filter(
        (l) => !expected.some((e) => e.line === l),
      );
      expect(stored).toEqual(validLines.map((line) => ({ line, format: c.format })));

      const reference = workspace();
      await importFile(reference.db, { path: validFile, answers, format: c.format as never });
      expect(canonicalSamples(ws.db)).toEqual(canonicalSamples(reference.db));
    });
  }
});
