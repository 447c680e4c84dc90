import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/main/engine/db/open';
import { importData, type ImportOptions } from '../../src/main/engine/formats/import';
import { listSamples, type InvocationInput } from '../../src/main/engine/samples/samples-repo';
import { parseCalls } from '../../src/main/engine/tools/call-parse';
import { canonicalKey } from '../../src/main/engine/tools/canonical';
import { sharedDir } from '../helpers/tmp';

/** Imports with the defaults the API applies. */
export function importFile(db: Db, options: Partial<ImportOptions> & { path: string }) {
  return importData(db, { mode: 'none', status: 'candidate', maxProblems: 1000, ...options });
}

function withoutSourceTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSourceTypes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'x-source-type')
      .map(([k, v]) => [k, withoutSourceTypes(v)]),
  );
}

function callsKey(text: string): string {
  const parsed = parseCalls(text);
  if (!parsed.ok) throw new Error(`stored calls do not parse: ${text}`);
  return canonicalKey(parsed.calls);
}

/**
 * Every stored invocation sample in canonical form: category, query, conversation (calls canonical, tool
 * names left out), tools (names, descriptions, parameters without the tools module's `x-source-type` notes),
 * and the output (`canonicalKey` of its calls, or its words). Sorted, so two workspaces compare as multisets.
 */
export function canonicalSamples(db: Db): string[] {
  return listSamples(db, { subtask: 'invocation' })
    .map((s) => {
      const input = s.input as InvocationInput;
      const messages = (input.messages ?? [{ role: 'user', content: input.query }]).map((t) =>
        t.role === 'assistant' ? ('calls' in t ? ['calls', callsKey(t.calls)] : ['words', t.content]) : [t.role, t.content],
      );
      const tools = input.tools.map((t) => JSON.stringify([t.name, t.description, withoutSourceTypes(t.parameters)])).sort();
      const output = s.category === 'irrelevance' ? `words:${s.outputText}` : callsKey(s.outputText);
      return JSON.stringify([s.category, input.query, messages, tools, output]);
    })
    .sort();
}

/** The first `n` questions of a shared BFCL category with their possible answers, copied into `dir`. */
export function bfclSlice(dir: string, category: string, n: number): { file: string; answers?: string } {
  const take = (from: string, to: string) => {
    const lines = fs.readFileSync(from, 'utf8').split('\n').filter(Boolean).slice(0, n);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, `${lines.join('\n')}\n`);
  };
  const file = path.join(dir, `BFCL_v4_${category}.json`);
  take(path.join(sharedDir, 'bfcl', `BFCL_v4_${category}.json`), file);
  const answersFrom = path.join(sharedDir, 'bfcl', 'possible_answer', `BFCL_v4_${category}.json`);
  if (!fs.existsSync(answersFrom)) return { file };
  const answers = path.join(dir, 'possible_answer', `BFCL_v4_${category}.json`);
  take(answersFrom, answers);
  return { file, answers };
}

export function writeJsonl(file: string, records: unknown[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** A multi-turn OpenAI record: a call, its result, a summary, then a second request with two calls. */
export const multiTurnRecord = {
  messages: [
    { role: 'system', content: 'You are a travel assistant.' },
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
    { role: 'tool', tool_call_id: 'a', content: '{"temp": 21}' },
    { role: 'assistant', content: 'It is 21 degrees in Paris.' },
    { role: 'user', content: 'And in Rome and Oslo, in fahrenheit?' },
    {
      role: 'assistant',
      tool_calls: [
        { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Rome", "unit": "fahrenheit"}' } },
        { id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Oslo", "unit": "fahrenheit"}' } },
      ],
    },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather of a city.',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['city'],
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'get_time',
        description: 'Local time of a city.',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ],
};
