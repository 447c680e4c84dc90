import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groundTruthOf } from '../../src/main/engine/formats/bfcl';
import { ImportError } from '../../src/main/engine/formats/import';
import { readRecords } from '../../src/main/engine/formats/records';
import { RECORD_FORMATS } from '../../src/main/engine/formats/registry';
import { RecordError, type ExportSample, type ReadContext } from '../../src/main/engine/formats/types';
import type { Call } from '../../src/main/engine/tools/types';
import { readBfclItems } from '../../src/main/engine/eval/bfcl-import';
import { GgufError, readGguf } from '../../src/main/engine/lib/gguf/read';
import { ApiError } from '../../src/shared/contract/errors';
import { seededRandom } from '../../src/main/engine/lib/random';
import { openWorkspace, type Workspace } from '../../src/main/engine/workspace/workspace';
import { sharedDir, tempDir } from '../helpers/tmp';
import { bfclSlice, importFile } from './helpers';

/**
 * Seeded, bounded fuzzing (issue 14): every record format's reader and the GGUF reader get mutated inputs
 * (byte flips, truncation, a duplicated span, inserted JSON tokens, deep nesting, huge numbers, bytes that are
 * not UTF-8). Nothing may escape but the modules' own typed errors, and every problem says where it is.
 */
const SEED = 14;
const MUTATIONS_PER_FORMAT = 150;
const GGUF_MUTATIONS = 250;
const BFCL_ANSWER_MUTATIONS = 200;
const BFCL_CATEGORIES = ['simple_python', 'multiple', 'parallel', 'parallel_multiple'];
const BFCL_LINES = 12;

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (rand: Rand, n: number) => Math.floor(rand() * n);

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  'null',
  'true',
  '-0',
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '"messages"',
  '"tool_calls"',
  '"arguments"',
  '"conversations"',
  '"__proto__"',
  '{"__proto__": {"x": 1}}',
  '\n',
  '\r\n',
  '\uFEFF',
];
const INVALID_UTF8 = [[0xff], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80], [0x80]];

/** One mutation of `input`; `text` adds the JSON-aware ones (tokens, nesting, huge numbers). */
function mutate(rand: Rand, input: Buffer, text: boolean): Buffer {
  const at = int(rand, input.length + 1);
  const kinds = text ? 7 : 4;
  switch (int(rand, kinds)) {
    case 0: {
      const out = Buffer.from(input);
      for (let i = 0, n = 1 + int(rand, 4); i < n && out.length > 0; i++) {
        const j = int(rand, out.length);
        out[j] = out[j]! ^ (1 << int(rand, 8));
      }
      return out;
    }
    case 1:
      return input.subarray(0, at);
    case 2: {
      const end = Math.min(input.length, at + 1 + int(rand, 64));
      return Buffer.concat([input.subarray(0, end), input.subarray(at, end), input.subarray(end)]);
    }
    case 3:
      return Buffer.concat([input.subarray(0, at), Buffer.from(pick(rand, INVALID_UTF8)), input.subarray(at)]);
    case 4:
      return Buffer.concat([input.subarray(0, at), Buffer.from(pick(rand, TOKENS)), input.subarray(at)]);
    case 5: {
      const levels = pick(rand, [10, 300, 5000]);
      const open = rand() < 0.5 ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      return Buffer.concat([input.subarray(0, at), Buffer.from(open.repeat(levels) + '1' + close.repeat(levels)), input.subarray(at)]);
    }
    default: {
      const huge = pick(rand, ['1e309', '9'.repeat(400), '-9007199254740993', '0.' + '0'.repeat(400) + '1', 'NaN', 'Infinity']);
      return Buffer.concat([input.subarray(0, at), Buffer.from(huge), input.subarray(at)]);
    }
  }
}

const weather = {
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
function sample(id: number, city: string): ExportSample & { output: { calls: Call[] } } {
  const query = `Weather in ${city}?`;
  return {
    id,
    category: 'simple',
    query,
    tools: [{ ...weather, original: weather }] as unknown as ExportSample['tools'],
    prompt: [{ role: 'user', content: query }],
    output: { calls: [{ name: 'get_weather', args: { city } }] },
    sourceFormat: null,
    sourceFile: null,
    roundId: null,
    status: 'candidate',
  };
}

const opened: Workspace[] = [];
afterAll(() => {
  for (const ws of opened.splice(0)) ws.close();
});

describe('fuzzed data files', () => {
  for (const format of RECORD_FORMATS) {
    it(`${format.id}: ${MUTATIONS_PER_FORMAT} mutations; only RecordError escapes its reader, every import problem has file:line`, async () => {
      const rand = seededRandom(SEED + format.id.length * 131 + format.id.charCodeAt(0));
      const samples = ['Oslo', 'Lima', 'Zürich ✓'].map((city, i) => sample(i + 1, city));
      const records = samples.map((s) => format.write(s));
      const valid = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const ws = openWorkspace(tempDir());
      opened.push(ws);
      const dir = tempDir();
      // BFCL's answers live in a second file, kept valid here: the questions file is what is fuzzed.
      let answers: string | undefined;
      let context: ReadContext | undefined;
      if (format.id === 'bfcl') {
        const truths = records.map((r, i) => groundTruthOf((r as { id: string }).id, samples[i]!.output.calls));
        answers = path.join(dir, 'answers.jsonl');
        fs.writeFileSync(answers, truths.map((t) => JSON.stringify(t)).join('\n') + '\n');
        context = { answers: new Map(truths.map((t) => [t.id, t])) };
      }
      // The unmutated file imports without a problem, so each problem below is the mutation's.
      const clean = path.join(dir, 'valid.jsonl');
      fs.writeFileSync(clean, valid);
      expect(await importFile(ws.db, { path: clean, format: format.id, answers })).toMatchObject({ problemCount: 0, stored: 3 });
      let problems = 0;
      for (let m = 0; m < MUTATIONS_PER_FORMAT; m++) {
        let input: Buffer = valid;
        for (let k = 0, n = 1 + int(rand, 3); k < n; k++) input = mutate(rand, input, true);
        const file = path.join(dir, `m${m}.jsonl`);
        fs.writeFileSync(file, input);
        const where = `${format.id} mutation ${m}: ${JSON.stringify(input.toString('latin1').slice(0, 200))}`;

        for await (const raw of readRecords(file)) {
          expect(Number.isInteger(raw.line) && raw.line >= 1, where).toBe(true);
          if (!('value' in raw)) continue;
          try {
            format.read(raw.value, context);
          } catch (error) {
            if (!(error instanceof RecordError)) throw new Error(`${where}: ${String(error)}`, { cause: error });
          }
        }

        try {
          const result = await importFile(ws.db, { path: file, format: format.id, answers });
          for (const p of result.problems) {
            expect(p.file, where).toBe(file);
            expect(Number.isInteger(p.line) && p.line >= 1, `${where}: ${JSON.stringify(p)}`).toBe(true);
            expect(p.reason.length, where).toBeGreaterThan(0);
          }
          problems += result.problemCount;
        } catch (error) {
          // A file that cannot be imported at all (e.g. emptied by truncation) is refused, naming it.
          if (!(error instanceof ImportError)) throw new Error(`${where}: ${String(error)}`, { cause: error });
          expect(error.message, where).toContain(file);
        }
      }
      // The mutations did find something to report (the test is not vacuous).
      expect(problems).toBeGreaterThan(MUTATIONS_PER_FORMAT / 4);
    });
  }

  // The tiny shared stories model (260 K parameters), found by listing: only its header is read, no model is
  // loaded, so this file stays in the unit project (vitest.config.ts classifies by the model's literal name).
  const models = path.join(sharedDir, 'models');
  const tiny = fs.existsSync(models) ? fs.readdirSync(models).find((f) => /^stories.*\.gguf$/.test(f)) : undefined;
  const starter = path.join(models, tiny ?? 'missing.gguf');
  it.skipIf(!tiny)(
    `GGUF: ${GGUF_MUTATIONS} header mutations of the shared stories GGUF; only GgufError escapes, with its file and byte offset`,
    async () => {
      const rand = seededRandom(SEED);
      const original = fs.readFileSync(starter);
      const parsed = await readGguf(starter);
      // Mutate the header (metadata and tensor infos); the tensor data after it is not read.
      const header = original.subarray(0, parsed.dataOffset);
      const dir = tempDir();
      let refused = 0;
      for (let m = 0; m < GGUF_MUTATIONS; m++) {
        let head: Buffer = header;
        for (let k = 0, n = 1 + int(rand, 3); k < n; k++) head = mutate(rand, head, false);
        const file = path.join(dir, `m${m}.gguf`);
        fs.writeFileSync(file, Buffer.concat([head, original.subarray(parsed.dataOffset)]));
        try {
          await readGguf(file);
        } catch (error) {
          if (!(error instanceof GgufError)) throw new Error(`GGUF mutation ${m}: ${String(error)}`, { cause: error });
          refused++;
          expect(error.file).toBe(file);
          // Every refusal of a file that exists says where: a byte offset.
          expect(Number.isInteger(error.offset) && error.offset! >= 0, `GGUF mutation ${m}: ${error.message}`).toBe(true);
        }
      }
      expect(refused).toBeGreaterThan(GGUF_MUTATIONS / 4);
    },
  );

  // Real BFCL answers (the shared copy, read at test time; a slice goes to a temp folder), mutated while their
  // questions stay valid, through both readers of answer files: `eval import` and `import --answers`.
  const bfclDir = path.join(sharedDir, 'bfcl', 'possible_answer');
  it.skipIf(!fs.existsSync(bfclDir))(
    `BFCL answers: ${BFCL_ANSWER_MUTATIONS} mutations of real answer files; no throw escapes, every error names file:line`,
    async () => {
      const rand = seededRandom(SEED + 7);
      const dir = tempDir();
      const slices = BFCL_CATEGORIES.map((c) => bfclSlice(path.join(dir, c), c, BFCL_LINES));
      const ws = openWorkspace(tempDir());
      opened.push(ws);
      for (const slice of slices) {
        const items = await readBfclItems({ questions: { path: slice.file }, answers: { path: slice.answers! } });
        expect(items.items).toHaveLength(BFCL_LINES);
      }
      let refused = 0;
      let importErrors = 0;
      let importProblems = 0;
      for (let m = 0; m < BFCL_ANSWER_MUTATIONS; m++) {
        const slice = slices[m % slices.length]!;
        let input: Buffer = fs.readFileSync(slice.answers!);
        for (let k = 0, n = 1 + int(rand, 3); k < n; k++) input = mutate(rand, input, true);
        const answers = path.join(dir, `answers-${m}.json`);
        fs.writeFileSync(answers, input);
        const where = `BFCL answers mutation ${m} (${path.basename(slice.file)}): ${JSON.stringify(input.toString('latin1').slice(0, 200))}`;
        // A problem is located when it names a file and a line of it, or (answers missing altogether) the file.
        const located = (message: string) =>
          new RegExp(`${escape(answers)}:\\d+: |${escape(slice.file)}:\\d+: |^${escape(answers)}: no answer for`).test(message);

        try {
          const read = await readBfclItems({ questions: { path: slice.file }, answers: { path: answers } });
          // Accepted answers hold no byte that was not UTF-8 turned into U+FFFD (the real files have none).
          expect(
            read.items.filter((i) => i.answer?.includes('\uFFFD')).map((i) => i.key),
            where,
          ).toEqual([]);
        } catch (error) {
          if (!(error instanceof ApiError) || error.code !== 'bad_file')
            throw new Error(`${where}: eval import: ${String(error)}`, { cause: error });
          expect(located(error.message), `${where}: ${error.message}`).toBe(true);
          refused++;
        }

        try {
          const result = await importFile(ws.db, { path: slice.file, format: 'bfcl', answers, mode: 'valid' });
          for (const p of result.problems) {
            expect(Number.isInteger(p.line) && p.line >= 1, `${where}: ${JSON.stringify(p)}`).toBe(true);
            expect([slice.file, answers], where).toContain(p.file);
          }
          importProblems += result.problemCount;
        } catch (error) {
          if (!(error instanceof ImportError)) throw new Error(`${where}: import: ${String(error)}`, { cause: error });
          importErrors++;
          expect(located(error.message), `${where}: ${error.message}`).toBe(true);
        }
      }
      console.log(
        `BFCL answers: ${BFCL_ANSWER_MUTATIONS} mutations; eval import refused ${refused}, import refused ${importErrors} and listed ${importProblems} problems`,
      );
      expect(refused).toBeGreaterThan(BFCL_ANSWER_MUTATIONS / 4);

      // A byte that is not UTF-8 is refused with its line by both readers.
      const slice = slices[0]!;
      const lines = fs.readFileSync(slice.answers!, 'utf8').split('\n');
      const broken = path.join(dir, 'not-utf8.json');
      fs.writeFileSync(
        broken,
        Buffer.concat([
          Buffer.from(lines.slice(0, 2).join('\n') + '\n'),
          Buffer.from(lines[2]!.replace('"', '"\xff'), 'latin1'),
          Buffer.from('\n' + lines.slice(3).join('\n')),
        ]),
      );
      await expect(readBfclItems({ questions: { path: slice.file }, answers: { path: broken } })).rejects.toThrow(
        `${broken}:3: holds bytes that are not UTF-8`,
      );
      await expect(importFile(ws.db, { path: slice.file, format: 'bfcl', answers: broken })).rejects.toThrow(`${broken}:3: `);
    },
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
