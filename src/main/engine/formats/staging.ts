import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/open';

/**
 * An import's valid records, appended to a JSONL file beside the workspace database while the source streams
 * by, then read back (synchronously, inside the one transaction that stores them) a chunk at a time. Writing
 * them once to a plain file instead of twice to SQLite halves an import's writes; `imports.cursor_json`
 * records how many bytes of it are complete.
 */
export class StagingFile {
  private fd: number | null;
  bytes = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  static forImport(db: Db, importId: number): StagingFile {
    const dir =
      db.name && db.name !== ':memory:' ? path.join(path.dirname(db.name), 'imports') : path.join(os.tmpdir(), 'toolsmith-imports');
    return new StagingFile(path.join(dir, `import-${importId}.staging.jsonl`));
  }

  append(rows: readonly unknown[]): void {
    if (rows.length === 0 || this.fd === null) return;
    const text = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    fs.writeSync(this.fd, text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Every staged row, in order, one chunk of the file in memory at a time. */
  *rows(): Generator<unknown> {
    this.close();
    const fd = fs.openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      let rest = '';
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        const text = rest + buf.toString('utf8', 0, n);
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line) yield JSON.parse(line) as unknown;
      }
      if (rest) yield JSON.parse(rest) as unknown;
    } finally {
      fs.closeSync(fd);
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  remove(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
