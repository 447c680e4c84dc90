/**
 * Imports a BFCL question file (JSON Lines: `{id, question, function}`) and its possible-answer file
 * (`{id, ground_truth}`) as one evaluation set. Files are read line by line; a malformed line stops the
 * import with `file:line` and the field, and nothing of the import is stored (one transaction at the end).
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { ApiError, describeZodError } from '../../../shared/contract/errors';
import type { FileInput } from '../../../shared/contract/eval';
import type { Db } from '../db/open';
import { normalizeTools, ToolValidationError } from '../tools/normalize';
import { parseTypedJson, TypedJsonError } from '../tools/typed-json';
import type { PyValue } from '../tools/py-value';
import { readAnswer } from './bfcl-checker';
import { insertBfclSet, requireSet, setNameTaken, type EvalSetInfo } from './sets-repo';

export interface ImportProgress {
  phase: 'questions' | 'answers' | 'storing' | 'done';
  lines: number;
  items: number;
}

const Question = z.object({
  id: z.string().min(1),
  question: z.array(z.unknown()),
  function: z.array(z.record(z.string(), z.unknown())),
});

const Answer = z.object({
  id: z.string().min(1),
  ground_truth: z.array(z.unknown()),
});

/** `simple_python_12` → `simple_python`; `live_simple_3-2-0` → `live_simple`. */
export function categoryOfId(id: string): string {
  return id.replace(/_\d+(?:-\d+)*$/, '');
}

function displayName(file: FileInput): string {
  return 'path' in file ? file.path : file.fileName;
}

function lineSource(file: FileInput): AsyncIterable<string> {
  if ('path' in file) {
    if (!fs.existsSync(file.path)) throw new ApiError('bad_file', `${file.path}: no such file.`, { file: file.path });
    if (!fs.statSync(file.path).isFile())
      throw new ApiError('bad_file', `${file.path}: not a regular file (a pipe, socket or device).`, { file: file.path });
    return withoutBom(utf8Lines(file.path));
  }
  return withoutBom(readline.createInterface({ input: Readable.from([file.text]), crlfDelay: Infinity }));
}

/**
 * The lines of a file, each checked to be UTF-8: a byte that is not is refused with its line, never silently
 * read as U+FFFD (as `import` refuses it). Split on LF bytes, so a multi-byte character is never cut; CRLF ends
 * a line too.
 */
async function* utf8Lines(file: string): AsyncIterable<string> {
  let line = 0;
  // The start of the current line, a chunk per part (a long line is joined once, not once per chunk).
  let parts: Buffer[] = [];
  const decode = (bytes: Buffer): string => {
    line++;
    if (!isUtf8(bytes)) badLine(file, line, 'holds bytes that are not UTF-8; the file must be UTF-8');
    return bytes.toString('utf8').replace(/\r$/, '');
  };
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    let at = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, at)) {
      const end = chunk.subarray(at, nl);
      yield decode(parts.length ? Buffer.concat([...parts, end]) : end);
      parts = [];
      at = nl + 1;
    }
    if (at < chunk.length) parts.push(chunk.subarray(at));
  }
  if (parts.length) yield decode(Buffer.concat(parts));
}

/** A UTF-8 byte-order mark before the first line is accepted, as `import` accepts it. */
async function* withoutBom(lines: AsyncIterable<string>): AsyncIterable<string> {
  let first = true;
  for await (const line of lines) {
    yield first ? line.replace(/^\uFEFF/, '') : line;
    first = false;
  }
}

function badLine(file: string, line: number, message: string, field?: string): never {
  throw new ApiError('bad_file', `${file}:${line}: ${message}`, { file, line, field });
}

/** One JSON line, or a file:line error that says it may be truncated. */
function jsonLine(file: string, line: number, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    return badLine(file, line, `not valid JSON (${error instanceof Error ? error.message : String(error)}); the line may be truncated`);
  }
}

/** One question of a BFCL file, read and checked, not yet stored. */
export interface PendingItem {
  key: string;
  category: string;
  question: unknown[];
  tools: unknown[];
  answer: string | null;
}

/**
 * Checks a BFCL question file and its possible answers line by line, one line at a time, so that the
 * streaming import and the synchronous one (the built-in sets, installed when a workspace opens) share it.
 */
class BfclItemReader {
  readonly items = new Map<string, PendingItem>();
  answered = 0;

  constructor(
    readonly qFile: string,
    readonly aFile: string | undefined,
  ) {}

  question(lineNo: number, raw: string): void {
    if (raw.trim() === '') return;
    const qFile = this.qFile;
    const parsed = jsonLine(qFile, lineNo, raw);
    const q = Question.safeParse(parsed);
    if (!q.success) badLine(qFile, lineNo, describeZodError(q.error), q.error.issues[0]?.path.join('.'));
    if (this.items.has(q.data.id)) badLine(qFile, lineNo, `id "${q.data.id}" appears twice`, 'id');
    try {
      normalizeTools(q.data.function, 'function');
    } catch (error) {
      if (error instanceof ToolValidationError) badLine(qFile, lineNo, error.message, error.path);
      throw error;
    }
    this.items.set(q.data.id, {
      key: q.data.id,
      category: categoryOfId(q.data.id),
      question: q.data.question,
      tools: q.data.function,
      answer: null,
    });
  }

  questionsDone(): void {
    if (this.items.size === 0) throw new ApiError('bad_file', `${this.qFile}: holds no questions.`, { file: this.qFile });
  }

  answer(lineNo: number, raw: string): void {
    if (raw.trim() === '') return;
    const aFile = this.aFile ?? '';
    const parsed = jsonLine(aFile, lineNo, raw);
    const a = Answer.safeParse(parsed);
    if (!a.success) badLine(aFile, lineNo, describeZodError(a.error), a.error.issues[0]?.path.join('.'));
    const item = this.items.get(a.data.id);
    if (!item) badLine(aFile, lineNo, `answer "${a.data.id}" has no question in ${this.qFile}`, 'id');
    if (item.answer !== null) badLine(aFile, lineNo, `a second answer for "${a.data.id}"`, 'id');
    try {
      // Read it as the checker will (typed JSON) so that a bad answer is reported here, not at check time.
      const typed = parseTypedJson(raw) as Map<string, PyValue>;
      readAnswer(typed.get('ground_truth'));
    } catch (error) {
      const message = error instanceof TypedJsonError || error instanceof Error ? error.message : String(error);
      badLine(aFile, lineNo, `ground_truth: ${message}`, 'ground_truth');
    }
    item.answer = raw.trim();
    this.answered++;
  }

  finish(lines: number): { items: PendingItem[]; source: string; lines: number } {
    const { qFile, aFile, items } = this;
    if (aFile !== undefined) {
      const missing = [...items.values()].filter((i) => i.answer === null && !i.category.includes('relevance'));
      if (missing.length > 0) {
        throw new ApiError('bad_file', `${aFile}: no answer for ${missing.length} question(s), e.g. "${missing[0]?.key}".`, {
          file: aFile,
          missing: missing.slice(0, 20).map((m) => m.key),
        });
      }
    } else {
      const needs = [...items.values()].find((i) => !i.category.includes('relevance'));
      if (needs)
        throw new ApiError(
          'bad_file',
          `${qFile}: "${needs.key}" (category ${needs.category}) needs a possible-answer file; only relevance/irrelevance sets can go without one.`,
          { file: qFile },
        );
    }
    return { items: [...items.values()], source: aFile !== undefined ? `${qFile} + ${aFile}` : qFile, lines };
  }
}

/**
 * Reads and checks a BFCL question file and its possible answers (all of it, before anything is stored):
 * the items in file order, and the source text a set records.
 */
export async function readBfclItems(
  input: { questions: FileInput; answers?: FileInput },
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<{ items: PendingItem[]; source: string; lines: number }> {
  const reader = new BfclItemReader(displayName(input.questions), input.answers ? displayName(input.answers) : undefined);
  let lineNo = 0;
  for await (const raw of lineSource(input.questions)) {
    reader.question(++lineNo, raw);
    if (lineNo % 200 === 0) onProgress({ phase: 'questions', lines: lineNo, items: reader.items.size });
  }
  reader.questionsDone();
  onProgress({ phase: 'questions', lines: lineNo, items: reader.items.size });
  if (input.answers) {
    lineNo = 0;
    for await (const raw of lineSource(input.answers)) {
      reader.answer(++lineNo, raw);
      if (lineNo % 200 === 0) onProgress({ phase: 'answers', lines: lineNo, items: reader.answered });
    }
    onProgress({ phase: 'answers', lines: lineNo, items: reader.answered });
  }
  return reader.finish(lineNo);
}

/** The lines of a small file read whole (the bundled sets), a byte-order mark before the first dropped. */
function fileLines(file: string): string[] {
  if (!fs.existsSync(file)) throw new ApiError('bad_file', `${file}: no such file.`, { file });
  return fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
}

/**
 * The synchronous import of a small BFCL set from files (the built-in sets, installed inside the
 * transaction that opens a workspace): the same checks as `importBfclSet`, stored in one transaction.
 */
export function importBfclFilesSync(db: Db, input: { questionsFile: string; answersFile: string; name: string }): EvalSetInfo {
  assertSetNameFree(db, input.name);
  const reader = new BfclItemReader(input.questionsFile, input.answersFile);
  fileLines(input.questionsFile).forEach((raw, i) => reader.question(i + 1, raw));
  reader.questionsDone();
  const answers = fileLines(input.answersFile);
  answers.forEach((raw, i) => reader.answer(i + 1, raw));
  const { items, source } = reader.finish(answers.length);
  return storeBfclSet(db, input.name, source, items);
}

/** Refuses a set name already taken (before reading a large file for nothing). */
export function assertSetNameFree(db: Db, name: string): void {
  if (setNameTaken(db, name)) {
    throw new ApiError('conflict', `An evaluation set named "${name}" already exists; delete it first or choose another name.`, { name });
  }
}

/** Stores checked items as one BFCL evaluation set: one transaction, so a set is complete or absent. */
export function storeBfclSet(db: Db, name: string, source: string, items: readonly PendingItem[]): EvalSetInfo {
  const setId = db
    .transaction(() => {
      assertSetNameFree(db, name);
      return insertBfclSet(db, name, source, items);
    })
    .immediate();
  return requireSet(db, setId);
}

export async function importBfclSet(
  db: Db,
  input: { questions: FileInput; answers?: FileInput; name?: string },
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<EvalSetInfo> {
  const qFile = displayName(input.questions);
  const name = input.name ?? path.basename(qFile).replace(/\.(jsonl?|ndjson)$/i, '');
  assertSetNameFree(db, name);
  const { items, source, lines } = await readBfclItems(input, onProgress);
  onProgress({ phase: 'storing', lines, items: items.length });
  const set = storeBfclSet(db, name, source, items);
  onProgress({ phase: 'done', lines, items: items.length });
  return set;
}
