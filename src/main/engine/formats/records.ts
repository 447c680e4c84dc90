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

/** The first non-blank character of a file (to tell a JSON array from JSON Lines), or '' when empty. */
export function firstChar(file: string): string {
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

async function* chunks(file: string, options: ReadRecordsOptions): AsyncGenerator<string> {
  const totalBytes = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    let first = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      throwIfAborted(options.signal);
      options.onBytes?.({ bytesRead: stream.bytesRead, totalBytes });
      yield first ? chunk.replace(/^\uFEFF/, '') : chunk;
      first = false;
    }
  } finally {
    stream.destroy();
  }
}

async function* readJsonLines(file: string, options: ReadRecordsOptions): AsyncGenerator<RawRecord> {
  let rest = '';
  let line = 0;
  const emit = (text: string): RawRecord | null => {
    line += 1;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return null;
    try {
      return { line, value: JSON.parse(trimmed) as unknown };
    } catch (error) {
      return { line, error: parseError(trimmed, error) };
    }
  };
  for await (const chunk of chunks(file, options)) {
    let start = 0;
    const text = rest + chunk;
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
  const finish = (): RawRecord | null => {
    const text = parts.join('').trim();
    parts = [];
    if (text === '') return null;
    try {
      return { line: elementLine, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { line: elementLine, error: parseError(text, error) };
    }
  };
  for await (const chunk of chunks(file, options)) {
    if (done) break;
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
          break;
        }
        continue;
      }
      if (depth === 1 && elementLine === 0 && !/\s/.test(c)) {
        elementLine = line;
        segmentStart = i;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') depth -= 1;
    }
    if (!done && segmentStart >= 0) parts.push(chunk.slice(segmentStart));
    yield* out;
  }
  if (!done && elementLine > 0) {
    const text = parts.join('');
    yield { line: elementLine, error: `${parseError(text, new Error('Unexpected end of JSON input'))} (the array is not closed)` };
  }
}
