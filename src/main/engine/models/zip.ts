import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

/**
 * A small zip reader (enough for Python wheels): the central directory is read from the end of the file, and
 * one entry at a time is streamed out through zlib's raw inflate, its CRC-32 and size checked as it goes, so a
 * multi-GB entry never sits in memory. Stored (0) and deflated (8) entries, zip64 sizes and offsets.
 */

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localHeaderOffset: number;
}

export class ZipError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** The central directory of a wheel is small; this bounds what a hostile file can make us read. */
const MAX_CENTRAL_BYTES = 64 * 1024 * 1024;

async function readAt(fd: fsp.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fd.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** The entries of a zip file, from its central directory. */
export async function listZipEntries(file: string): Promise<ZipEntry[]> {
  const fd = await fsp.open(file, 'r');
  try {
    const { size } = await fd.stat();
    // The end record is 22 bytes plus a comment of at most 64 KiB.
    const tailLength = Math.min(size, 22 + MAX16);
    const tail = await readAt(fd, size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipError(file, 'not a zip file (no end of central directory record)');
    let count = tail.readUInt16LE(at + 10);
    let centralSize = tail.readUInt32LE(at + 12);
    let centralOffset = tail.readUInt32LE(at + 16);
    if (count === MAX16 || centralSize === MAX32 || centralOffset === MAX32) {
      const locatorAt = size - tailLength + at - 20;
      const locator = locatorAt >= 0 ? await readAt(fd, locatorAt, 20) : Buffer.alloc(0);
      if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipError(file, 'zip64 locator missing');
      const record = await readAt(fd, Number(locator.readBigUInt64LE(8)), 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError(file, 'zip64 end record missing');
      count = Number(record.readBigUInt64LE(32));
      centralSize = Number(record.readBigUInt64LE(40));
      centralOffset = Number(record.readBigUInt64LE(48));
    }
    if (centralSize > MAX_CENTRAL_BYTES || centralOffset + centralSize > size)
      throw new ZipError(file, `central directory out of bounds (${centralSize} bytes at ${centralOffset} in a ${size}-byte file)`);
    const central = await readAt(fd, centralOffset, centralSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > central.length || central.readUInt32LE(p) !== CENTRAL)
        throw new ZipError(file, `central directory entry ${i} is corrupt`);
      const nameLength = central.readUInt16LE(p + 28);
      const extraLength = central.readUInt16LE(p + 30);
      const commentLength = central.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: central.toString('utf8', p + 46, p + 46 + nameLength),
        method: central.readUInt16LE(p + 10),
        crc32: central.readUInt32LE(p + 16),
        compressedSize: central.readUInt32LE(p + 20),
        size: central.readUInt32LE(p + 24),
        localHeaderOffset: central.readUInt32LE(p + 42),
      };
      // zip64 extra field: the 8-byte values, in this order, of the fields that are 0xFFFFFFFF.
      const extraEnd = p + 46 + nameLength + extraLength;
      for (let e = p + 46 + nameLength; e + 4 <= extraEnd;) {
        const id = central.readUInt16LE(e);
        const length = central.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => {
            const v = Number(central.readBigUInt64LE(q));
            q += 8;
            return v;
          };
          if (entry.size === MAX32) entry.size = next();
          if (entry.compressedSize === MAX32) entry.compressedSize = next();
          if (entry.localHeaderOffset === MAX32) entry.localHeaderOffset = next();
        }
        e += 4 + length;
      }
      entries.push(entry);
      p = extraEnd + commentLength;
    }
    return entries;
  } finally {
    await fd.close();
  }
}

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Uncompressed bytes written so far (called per chunk). */
  onBytes?: (written: number) => void;
}

/**
 * Streams one entry into `target` (created, must not exist), checking its size and CRC-32; returns the
 * sha256 of the content. On any failure the partial target is removed.
 */
export async function extractZipEntry(
  file: string,
  entry: ZipEntry,
  target: string,
  options: ExtractOptions = {},
): Promise<{ sha256: string }> {
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipError(file, `${entry.name}: compression method ${entry.method} is not supported (only stored and deflate)`);
  const fd = await fsp.open(file, 'r');
  let dataStart: number;
  try {
    const local = await readAt(fd, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new ZipError(file, `${entry.name}: local header is corrupt`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fd.close();
  }
  const hash = createHash('sha256');
  let crc = 0;
  let written = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = zlib.crc32(chunk, crc);
      hash.update(chunk);
      written += chunk.length;
      if (written > entry.size) return done(new ZipError(file, `${entry.name}: more data than the ${entry.size} bytes announced`));
      options.onBytes?.(written);
      done(null, chunk);
    },
  });
  const source =
    entry.compressedSize > 0
      ? fs.createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1, highWaterMark: 1 << 20 })
      : Readable.from([]);
  const stages = entry.method === 8 ? [source, zlib.createInflateRaw(), check] : [source, check];
  try {
    await pipeline([...stages, fs.createWriteStream(target, { flags: 'wx' })], { signal: options.signal });
    if (written !== entry.size) throw new ZipError(file, `${entry.name}: ${written} bytes where the zip announces ${entry.size}`);
    if (crc >>> 0 !== entry.crc32 >>> 0)
      throw new ZipError(
        file,
        `${entry.name}: CRC-32 ${(crc >>> 0).toString(16).padStart(8, '0')} differs from the zip's ${(entry.crc32 >>> 0).toString(16).padStart(8, '0')} (the file is damaged)`,
      );
  } catch (error) {
    await fsp.rm(target, { force: true });
    if ((error as { code?: string }).code === 'Z_DATA_ERROR') throw new ZipError(file, `${entry.name}: the compressed data is damaged`);
    throw error;
  }
  return { sha256: hash.digest('hex') };
}
