import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';

/** One record read from a file: its value, or why it could not be read. `line` is 1-based. */
export type RawRecord = { line: number; value: unknown } | { line: number; error: string };

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
}

export interface ReadRecordsOptions {
  signal?: AbortSignal;
  /** Called as bytes are consumed (at most once per chunk). */
  onBytes?: (progress: ReadProgress) => void;
}

/**
 * Records nested deeper than this are refused with their line (3,000 levels overflowed the stack further
 * on and aborted a whole import with no location). Real records nest a few dozen levels at most.
 */
export const MAX_RECORD_DEPTH = 256;

/** Refuses what is not a regular file before it is opened: opening a FIFO waits for a writer forever. */
export function assertRegularFile(file: string): void {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error(`${file}: not a regular file (a pipe, socket or device); give the path of a data file.`);
}

/** The first non-blank character of a file (to tell a JSON array from JSON Lines), or '' when empty. */
export function firstChar(file: string): string {
  assertRegularFile(file);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return '';
      const text = buf
        .subarray(0, n)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      const match = /\S/.exec(text);
      if (match) return match[0];
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads the records of a JSON Lines file, or of a file holding one JSON array, one at a time without
 * loading the file (files of millions of lines). Blank lines are skipped; a line that is not JSON (a
 * truncated last line) becomes an error record rather than stopping the read.
 */
export function readRecords(file: string, options: ReadRecordsOptions = {}): AsyncGenerator<RawRecord> {
  return firstChar(file) === '[' ? readJsonArray(file, options) : readJsonLines(file, options);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The import was cancelled.');
    error.name = 'AbortError';
    throw error;
  }
}

function parseError(text: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const truncated = /end of (JSON )?input|Unterminated/i.test(reason);
  return `not valid JSON (${reason})${truncated ? ': the record is cut short' : ''}: ${preview(text)}`;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

/** A decoded piece of the file, and the lines (1-based) on which it had bytes that are not UTF-8. */
interface Chunk {
  text: string;
  badBytes: Map<number, string>;
}

/** Bytes at the end of `buf` that begin a UTF-8 sequence the next chunk completes (0–3). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offsets of bytes that break UTF-8 (found only when the fast check failed). */
function invalidUtf8Offsets(buf: Buffer, limit = 16): number[] {
  const out: number[] = [];
  for (let i = 0; i < buf.length && out.length < limit;) {
    const b = buf[i]!;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (need === 0) {
      out.push(i++);
      continue;
    }
    if (need > 1 && !isUtf8(buf.subarray(i, i + need))) {
      out.push(i++);
      continue;
    }
    i += need;
  }
  return out;
}

/**
 * The file as text, a chunk at a time. A byte that is not UTF-8 is not silently turned into U+FFFD: its
 * line is reported (the readers make that record a problem). A leading byte-order mark is skipped. Only
 * regular files are read: a FIFO or device would never end.
 */
async function* chunks(file: string, options: ReadRecordsOptions): AsyncGenerator<Chunk> {
  assertRegularFile(file);
  const totalBytes = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  const decode = (buf: Buffer): Chunk => {
    const badBytes = new Map<number, string>();
    if (!isUtf8(buf)) {
      let at = 0;
      let lineOf = line;
      for (const offset of invalidUtf8Offsets(buf)) {
        for (let nl = buf.indexOf(10, at); nl !== -1 && nl < offset; nl = buf.indexOf(10, nl + 1)) {
          lineOf++;
          at = nl + 1;
        }
        if (!badBytes.has(lineOf)) badBytes.set(lineOf, `byte 0x${buf[offset]!.toString(16).padStart(2, '0')} is not UTF-8`);
      }
    }
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, nl + 1)) line++;
    return { text: buf.toString('utf8'), badBytes };
  };
  try {
    let first = true;
    for await (const raw of stream as AsyncIterable<Buffer>) {
      throwIfAborted(options.signal);
      options.onBytes?.({ bytesRead: stream.bytesRead, totalBytes });
      let buf = carry.length ? Buffer.concat([carry, raw]) : raw;
      if (first && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      first = false;
      const tail = incompleteTail(buf);
      carry = Buffer.from(buf.subarray(buf.length - tail));
      yield decode(buf.subarray(0, buf.length - tail));
    }
    if (carry.length) yield decode(carry);
  } finally {
    stream.destroy();
  }
}

/** How deep a JSON text nests (strings skipped); stops counting past `limit`. */
function nesting(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** JSON.parse with a depth limit: a record that nests too deep is a problem with its line, not a crash. */
function parseRecord(text: string, line: number): RawRecord {
  if (text.length > 2 * MAX_RECORD_DEPTH && nesting(text, MAX_RECORD_DEPTH) > MAX_RECORD_DEPTH)
    return { line, error: `nested deeper than ${MAX_RECORD_DEPTH} levels: ${preview(text)}` };
  try {
    return { line, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { line, error: parseError(text, error) };
  }
}

async function* readJsonLines(file: string, options: ReadRecordsOptions): AsyncGenerator<RawRecord> {
  let rest = '';
  let line = 0;
  const bad = new Map<number, string>();
  const emit = (text: string): RawRecord | null => {
    line += 1;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    const badByte = bad.get(line);
    if (badByte) {
      bad.delete(line);
      return { line, error: `${badByte}: the file must be UTF-8` };
    }
    if (trimmed.trim() === '') return null;
    return parseRecord(trimmed, line);
  };
  for await (const chunk of chunks(file, options)) {
    for (const [l, why] of chunk.badBytes) bad.set(l, why);
    let start = 0;
    const text = rest + chunk.text;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const record = emit(text.slice(start, nl));
      start = nl + 1;
      if (record) yield record;
    }
    rest = text.slice(start);
  }
  const last = emit(rest);
  if (last) yield last;
}

/**
 * Splits a top-level JSON array into its elements as they stream by (depth and string state only; each
 * element is then parsed by JSON.parse), so a 2 GB `.json` file costs one element of memory at a time.
 */
async function* readJsonArray(file: string, options: ReadRecordsOptions): AsyncGenerator<RawRecord> {
  let line = 1;
  let depth = 0; // 0 before '[', 1 inside the array, >1 inside an element
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let elementLine = 0;
  let segmentStart = -1; // start of the current element in the current chunk
  let done = false;
  let garbage = false;
  let maxDepth = 0;
  const bad = new Map<number, string>();
  const finish = (): RawRecord | null => {
    const text = parts.join('').trim();
    parts = [];
    const depth = maxDepth;
    maxDepth = 0;
    if (text === '') return null;
    for (let l = elementLine; l <= line; l++) {
      const why = bad.get(l);
      if (why) return { line: elementLine, error: `${why} (line ${l}): the file must be UTF-8` };
    }
    if (depth - 1 > MAX_RECORD_DEPTH)
      return { line: elementLine, error: `nested deeper than ${MAX_RECORD_DEPTH} levels: ${preview(text)}` };
    try {
      return { line: elementLine, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { line: elementLine, error: parseError(text, error) };
    }
  };
  for await (const piece of chunks(file, options)) {
    const chunk = piece.text;
    for (const [l, why] of piece.badBytes) bad.set(l, why);
    if (garbage) return;
    if (done) {
      // After the closing bracket only whitespace may follow.
      const at = /\S/.exec(chunk);
      if (at) {
        const lineOfGarbage = line + (chunk.slice(0, at.index).match(/\n/g)?.length ?? 0);
        yield { line: lineOfGarbage, error: `text after the end of the JSON array: ${preview(chunk.slice(at.index))}` };
        return;
      }
      line += chunk.match(/\n/g)?.length ?? 0;
      continue;
    }
    const out: RawRecord[] = [];
    segmentStart = depth >= 1 && elementLine > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === '\n') line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (depth === 0) {
        if (c === '[') depth = 1;
        continue;
      }
      if (depth === 1 && (c === ',' || c === ']')) {
        if (segmentStart >= 0) parts.push(chunk.slice(segmentStart, i));
        segmentStart = -1;
        const record = elementLine > 0 ? finish() : null;
        elementLine = 0;
        if (record) out.push(record);
        if (c === ']') {
          done = true;
          const after = chunk.slice(i + 1);
          const at = /\S/.exec(after);
          if (at) {
            const lineOfGarbage = line + (after.slice(0, at.index).match(/\n/g)?.length ?? 0);
            out.push({ line: lineOfGarbage, error: `text after the end of the JSON array: ${preview(after.slice(at.index))}` });
            garbage = true;
          } else line += after.match(/\n/g)?.length ?? 0;
          break;
        }
        continue;
      }
      if (depth === 1 && elementLine === 0 && !/\s/.test(c)) {
        elementLine = line;
        segmentStart = i;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') {
        depth += 1;
        if (depth > maxDepth) maxDepth = depth;
      } else if (c === '}' || c === ']') depth -= 1;
    }
    if (!done && segmentStart >= 0) parts.push(chunk.slice(segmentStart));
    yield* out;
  }
  if (!done && elementLine > 0) {
    const text = parts.join('');
    yield { line: elementLine, error: `${parseError(text, new Error('Unexpected end of JSON input'))} (the array is not closed)` };
  }
}
