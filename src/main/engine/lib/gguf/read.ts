import fs from 'node:fs/promises';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, ggmlTypeName, isKnownGgmlType, tensorByteSize, type TensorInfo } from './types';

export type GgufErrorKind = 'missing' | 'not_gguf' | 'truncated' | 'unsupported' | 'corrupt';

/** A GGUF file that cannot be read, with what is wrong and where (file and byte offset). */
export class GgufError extends Error {
  constructor(
    readonly kind: GgufErrorKind,
    readonly file: string,
    message: string,
    readonly offset?: number,
  ) {
    super(`${file}${offset !== undefined ? ` (byte ${offset})` : ''}: ${message}`);
    this.name = 'GgufError';
  }
}

export interface GgufValueTypeInfo {
  type: GgufValueType;
  itemType?: GgufValueType;
}

export interface GgufFile {
  version: number;
  /** Values as JS: numbers (bigint only for 64-bit integers beyond 2^53), strings, booleans, arrays. */
  metadata: Record<string, unknown>;
  /** Each key's GGUF type, so that metadata can be written back exactly (see `write.ts`). */
  types: Record<string, GgufValueTypeInfo>;
  tensors: TensorInfo[];
  /** Absolute file offset of the tensor-data section. */
  dataOffset: number;
  alignment: number;
  fileSize: number;
  /** Bytes the tensor data needs (undefined when a tensor's type is unknown to this reader). */
  dataSize: number | undefined;
}

export interface ReadGgufOptions {
  /** Fail when the file is shorter than the tensor data it declares (default true). */
  checkSize?: boolean;
}

/**
 * Limits on what a header may ask of memory. A GGUF's counts are checked against the file's size, but
 * that is not enough: 12 MB of empty nested arrays became 1.9 GB of JS arrays. Real files stay far below:
 * the largest vocabularies hold ~260 k tokens and ~500 k merges, chat templates are a few kB.
 */
export const GGUF_LIMITS = {
  /** Items in one metadata array. */
  arrayItems: 16_000_000,
  /** Arrays inside arrays, over the whole header. */
  nestedArrays: 65_536,
  /** Depth of arrays inside arrays (a plain array is depth 1). */
  arrayDepth: 4,
  /** Bytes of one string value (a chat template, a token). */
  stringBytes: 16 * 1024 * 1024,
  /** Bytes of a metadata key. */
  keyBytes: 65_536,
  /** Bytes of a tensor name (llama.cpp's GGML_MAX_NAME, terminator excluded). */
  tensorNameBytes: 63,
} as const;

const CHUNK = 1 << 20;

/** Buffered sequential reader over a file handle: the header of a vocabulary file is several MB of small values. */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(
    private readonly fh: fs.FileHandle,
    readonly file: string,
    readonly size: number,
  ) {}

  /** True when the next n bytes are already buffered (then the sync readers below may be used). */
  has(n: number): boolean {
    return this.pos + n <= this.bufStart + this.buf.length;
  }

  /** Makes the next n bytes available. Awaiting only when needed keeps big vocabularies fast. */
  async need(n: number): Promise<void> {
    if (this.has(n)) return;
    const end = this.pos + n;
    if (end > this.size) {
      throw new GgufError(
        'truncated',
        this.file,
        `the file ends (${this.size} bytes) inside the header, which needs ${end} bytes or more`,
        this.pos,
      );
    }
    const len = Math.min(Math.max(n, CHUNK), this.size - this.pos);
    const next = Buffer.alloc(len);
    let read = 0;
    while (read < len) {
      const { bytesRead } = await this.fh.read(next, read, len - read, this.pos + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (read < n) throw new GgufError('truncated', this.file, 'unexpected end of file', this.pos + read);
    this.buf = next.subarray(0, read);
    this.bufStart = this.pos;
  }

  private at(n: number): number {
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  // Sync readers: call need() first.
  u8() {
    return this.buf.readUInt8(this.at(1));
  }
  i8() {
    return this.buf.readInt8(this.at(1));
  }
  u16() {
    return this.buf.readUInt16LE(this.at(2));
  }
  i16() {
    return this.buf.readInt16LE(this.at(2));
  }
  u32() {
    return this.buf.readUInt32LE(this.at(4));
  }
  i32() {
    return this.buf.readInt32LE(this.at(4));
  }
  f32() {
    return this.buf.readFloatLE(this.at(4));
  }
  f64() {
    return this.buf.readDoubleLE(this.at(8));
  }
  u64(): number | bigint {
    return small(this.buf.readBigUInt64LE(this.at(8)));
  }
  i64(): number | bigint {
    return small(this.buf.readBigInt64LE(this.at(8)));
  }
  bytes(n: number): string {
    const o = this.at(n);
    return this.buf.toString('utf8', o, o + n);
  }

  async readU32(): Promise<number> {
    await this.need(4);
    return this.u32();
  }

  /** A count or length: must be a safe integer and fit in what is left of the file. */
  async count(what: string, minBytesEach: number): Promise<number> {
    await this.need(8);
    const at = this.pos;
    const n = this.u64();
    if (typeof n === 'bigint' || n * minBytesEach > this.size - this.pos) {
      throw new GgufError(
        typeof n === 'bigint' ? 'corrupt' : 'truncated',
        this.file,
        `${what} of ${n} does not fit in the ${this.size - this.pos} bytes left`,
        at,
      );
    }
    return n;
  }

  /** A string when it is already buffered (the many short strings of a vocabulary), else undefined. */
  trySyncString(maxBytes: number = GGUF_LIMITS.stringBytes): string | undefined {
    if (!this.has(8)) return undefined;
    const o = this.pos - this.bufStart;
    const lo = this.buf.readUInt32LE(o);
    const hi = this.buf.readUInt32LE(o + 4);
    if (hi !== 0 || lo > maxBytes || !this.has(8 + lo)) return undefined;
    this.pos += 8;
    return this.bytes(lo);
  }

  async string(what: string, maxBytes: number = GGUF_LIMITS.stringBytes): Promise<string> {
    const quick = this.trySyncString(maxBytes);
    if (quick !== undefined) return quick;
    const at = this.pos;
    const len = await this.count(`${what} length`, 1);
    if (len > maxBytes) throw new GgufError('corrupt', this.file, `${what} is ${len} bytes long (at most ${maxBytes})`, at);
    await this.need(len);
    return this.bytes(len);
  }

  /** Nested arrays read so far (see GGUF_LIMITS.nestedArrays). */
  nestedArrays = 0;
}

function small(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

const ITEM_MIN_BYTES: Record<number, number> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
  [GgufValueType.STRING]: 8,
  [GgufValueType.ARRAY]: 12,
};

const FIXED_BYTES: Record<number, number> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/** A fixed-size value, already buffered. */
function readFixed(c: Cursor, type: number): unknown {
  switch (type) {
    case GgufValueType.UINT8:
      return c.u8();
    case GgufValueType.INT8:
      return c.i8();
    case GgufValueType.UINT16:
      return c.u16();
    case GgufValueType.INT16:
      return c.i16();
    case GgufValueType.UINT32:
      return c.u32();
    case GgufValueType.INT32:
      return c.i32();
    case GgufValueType.FLOAT32:
      return c.f32();
    case GgufValueType.FLOAT64:
      return c.f64();
    case GgufValueType.UINT64:
      return c.u64();
    case GgufValueType.INT64:
      return c.i64();
    case GgufValueType.BOOL:
      return c.u8() !== 0;
    default:
      throw new Error(`not a fixed-size type: ${type}`);
  }
}

async function readValue(c: Cursor, type: number, key: string): Promise<unknown> {
  if (type === GgufValueType.STRING) return c.string(`value of ${key}`);
  const size = FIXED_BYTES[type];
  if (size === undefined) throw new GgufError('corrupt', c.file, `metadata key "${key}" has unknown value type ${type}`, c.pos - 4);
  await c.need(size);
  return readFixed(c, type);
}

/**
 * Reads a GGUF file's header: version, every metadata key (all value types, nested arrays), tensor infos,
 * alignment and where the tensor data starts. Tensor data itself is not read, so any tensor type is fine.
 */
export async function readGguf(file: string, options: ReadGgufOptions = {}): Promise<GgufFile> {
  let fh: fs.FileHandle;
  try {
    // Before opening: opening a FIFO waits for a writer forever, a device may never end.
    const st = await fs.stat(file);
    if (st.isDirectory()) throw new GgufError('not_gguf', file, 'is a folder, not a GGUF file');
    if (!st.isFile())
      throw new GgufError('not_gguf', file, 'is not a regular file (a pipe, socket or device); give the path of a GGUF file');
    fh = await fs.open(file, 'r');
  } catch (error) {
    if (error instanceof GgufError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GgufError('missing', file, 'no such file');
    if (code === 'EISDIR') throw new GgufError('not_gguf', file, 'is a folder, not a GGUF file');
    throw new GgufError('missing', file, `cannot open (${code ?? String(error)})`);
  }
  try {
    const stat = await fh.stat();
    if (stat.isDirectory()) throw new GgufError('not_gguf', file, 'is a folder, not a GGUF file');
    const c = new Cursor(fh, file, stat.size);
    if (stat.size < 4) throw new GgufError('not_gguf', file, `not a GGUF file (only ${stat.size} bytes)`);
    const magic = await c.readU32();
    if (magic !== GGUF_MAGIC) {
      throw new GgufError(
        'not_gguf',
        file,
        `not a GGUF file (it starts with ${JSON.stringify(Buffer.from(new Uint32Array([magic]).buffer).toString('latin1'))}, expected "GGUF")`,
        0,
      );
    }
    const version = await c.readU32();
    if (version < 2 || version > 3) {
      throw new GgufError('unsupported', file, `GGUF version ${version} is not supported (2 and 3 are)`, 4);
    }
    const tensorCount = await c.count('tensor count', 24);
    const kvCount = await c.count('metadata count', 12);
    const metadata: Record<string, unknown> = {};
    const types: Record<string, GgufValueTypeInfo> = {};
    for (let i = 0; i < kvCount; i++) {
      const keyAt = c.pos;
      const key = await c.string(`metadata key #${i}`, GGUF_LIMITS.keyBytes);
      if (Object.hasOwn(types, key)) throw new GgufError('corrupt', file, `metadata key "${key}" appears twice (#${i})`, keyAt);
      const type = await c.readU32();
      if (type === GgufValueType.ARRAY) {
        const itemType = await c.readU32();
        const minBytes = ITEM_MIN_BYTES[itemType];
        if (minBytes === undefined) throw new GgufError('corrupt', file, `array "${key}" has unknown item type ${itemType}`, c.pos - 4);
        const n = await arrayLength(c, `array "${key}"`, minBytes);
        metadata[key] = await readArray(c, itemType, n, key, 1);
        types[key] = { type, itemType };
      } else {
        metadata[key] = await readValue(c, type, key);
        types[key] = { type };
      }
    }
    const alignmentValue = metadata['general.alignment'];
    const alignment = alignmentValue === undefined ? GGUF_DEFAULT_ALIGNMENT : Number(alignmentValue);
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new GgufError('corrupt', file, `general.alignment must be a power of two, got ${String(alignmentValue)}`);
    }
    const tensors: TensorInfo[] = [];
    const names = new Set<string>();
    for (let i = 0; i < tensorCount; i++) {
      const nameAt = c.pos;
      const name = await c.string(`tensor #${i} name`, GGUF_LIMITS.tensorNameBytes);
      if (names.has(name)) throw new GgufError('corrupt', file, `tensor name "${name}" appears twice (tensor #${i})`, nameAt);
      names.add(name);
      const at = c.pos;
      const nDims = await c.readU32();
      if (nDims > 8) throw new GgufError('corrupt', file, `tensor "${name}" has ${nDims} dimensions (at most 8)`, at);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) {
        await c.need(8);
        const dim = c.u64();
        if (typeof dim === 'bigint') throw new GgufError('corrupt', file, `tensor "${name}" dimension ${d} is ${dim}`, c.pos - 8);
        dims.push(dim);
      }
      const elements = dims.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(elements))
        throw new GgufError('corrupt', file, `tensor "${name}" has [${dims.join(', ')}]: more elements than can be counted`, at);
      await c.need(12);
      const type = c.u32();
      // An unknown type cannot be sized, so nothing about the data can be checked: llama.cpp refuses it too.
      if (!isKnownGgmlType(type)) throw new GgufError('corrupt', file, `tensor "${name}" has unknown ggml type ${type}`, c.pos - 4);
      const offset = c.u64();
      if (typeof offset === 'bigint') throw new GgufError('corrupt', file, `tensor "${name}" offset is ${offset}`, c.pos - 8);
      if (offset % alignment !== 0)
        throw new GgufError(
          'corrupt',
          file,
          `tensor "${name}" offset ${offset} is not a multiple of the alignment ${alignment}`,
          c.pos - 8,
        );
      const size = tensorByteSize(type, dims);
      tensors.push({ name, dims, type, offset, ...(size !== undefined ? { size } : {}) });
    }
    // Tensor data may not overlap (a header that declares one tensor too many points into another's data).
    const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < byOffset.length; i++) {
      const prev = byOffset[i - 1]!;
      const t = byOffset[i]!;
      if (t.offset < prev.offset + (prev.size ?? 0))
        throw new GgufError(
          'corrupt',
          file,
          `tensor "${t.name}" (offset ${t.offset}) overlaps the data of tensor "${prev.name}" (offset ${prev.offset}, ${prev.size} bytes)`,
        );
    }
    const dataOffset = Math.ceil(c.pos / alignment) * alignment;
    let dataSize: number | undefined = 0;
    for (const t of tensors) {
      if (t.size === undefined) {
        dataSize = undefined;
        break;
      }
      dataSize = Math.max(dataSize, t.offset + t.size);
    }
    if ((options.checkSize ?? true) && tensors.length > 0 && dataSize !== undefined && dataOffset + dataSize > stat.size) {
      const missing = tensors.find((t) => dataOffset + t.offset + (t.size ?? 0) > stat.size);
      throw new GgufError(
        'truncated',
        file,
        `truncated: the tensor data needs ${dataOffset + dataSize} bytes but the file has ${stat.size}` +
          (missing ? ` (tensor "${missing.name}", ${ggmlTypeName(missing.type)} [${missing.dims.join(', ')}], is cut off)` : ''),
      );
    }
    return { version, metadata, types, tensors, dataOffset, alignment, fileSize: stat.size, dataSize };
  } finally {
    await fh.close();
  }
}

async function arrayLength(c: Cursor, what: string, minBytes: number): Promise<number> {
  const at = c.pos;
  const n = await c.count(`${what} length`, minBytes);
  if (n > GGUF_LIMITS.arrayItems) throw new GgufError('corrupt', c.file, `${what} has ${n} items (at most ${GGUF_LIMITS.arrayItems})`, at);
  return n;
}

async function readArray(c: Cursor, itemType: number, n: number, key: string, depth: number): Promise<unknown[]> {
  if (itemType === GgufValueType.ARRAY) {
    if (depth >= GGUF_LIMITS.arrayDepth)
      throw new GgufError('corrupt', c.file, `array "${key}" nests arrays deeper than ${GGUF_LIMITS.arrayDepth} levels`, c.pos);
    c.nestedArrays += n;
    if (c.nestedArrays > GGUF_LIMITS.nestedArrays)
      throw new GgufError('corrupt', c.file, `array "${key}" brings the header over ${GGUF_LIMITS.nestedArrays} nested arrays`, c.pos);
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const inner = await c.readU32();
      const minBytes = ITEM_MIN_BYTES[inner];
      if (minBytes === undefined) throw new GgufError('corrupt', c.file, `array "${key}[${i}]" has unknown item type ${inner}`, c.pos - 4);
      const len = await arrayLength(c, `array "${key}[${i}]"`, minBytes);
      out[i] = await readArray(c, inner, len, `${key}[${i}]`, depth + 1);
    }
    return out;
  }
  const out: unknown[] = new Array(n);
  const size = FIXED_BYTES[itemType];
  if (size !== undefined) {
    await c.need(n * size);
    for (let i = 0; i < n; i++) out[i] = readFixed(c, itemType);
    return out;
  }
  for (let i = 0; i < n; i++)
    out[i] = (itemType === GgufValueType.STRING ? c.trySyncString() : undefined) ?? (await readValue(c, itemType, key));
  return out;
}

/** The value of `key` as a number, or undefined. */
export function metaNumber(meta: Record<string, unknown>, key: string): number | undefined {
  const v = meta[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

export function metaString(meta: Record<string, unknown>, key: string): string | undefined {
  const v = meta[key];
  return typeof v === 'string' ? v : undefined;
}
