import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgmlType, GgufValueType, type TypedValue } from './types';
import type { GgufValueTypeInfo } from './read';

/** Explicit GGUF types for metadata values (llama.cpp checks each key's type exactly). */
export const gguf = {
  u8: (value: number): TypedValue => ({ type: GgufValueType.UINT8, value }),
  i8: (value: number): TypedValue => ({ type: GgufValueType.INT8, value }),
  u16: (value: number): TypedValue => ({ type: GgufValueType.UINT16, value }),
  i16: (value: number): TypedValue => ({ type: GgufValueType.INT16, value }),
  u32: (value: number): TypedValue => ({ type: GgufValueType.UINT32, value }),
  i32: (value: number): TypedValue => ({ type: GgufValueType.INT32, value }),
  u64: (value: number | bigint): TypedValue => ({ type: GgufValueType.UINT64, value }),
  i64: (value: number | bigint): TypedValue => ({ type: GgufValueType.INT64, value }),
  f32: (value: number): TypedValue => ({ type: GgufValueType.FLOAT32, value }),
  f64: (value: number): TypedValue => ({ type: GgufValueType.FLOAT64, value }),
  bool: (value: boolean): TypedValue => ({ type: GgufValueType.BOOL, value }),
  str: (value: string): TypedValue => ({ type: GgufValueType.STRING, value }),
  array: (itemType: GgufValueType, value: unknown[]): TypedValue => ({ type: GgufValueType.ARRAY, itemType, value }),
};

export interface TensorToWrite {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  type: GgmlType.F32 | GgmlType.F16;
  /** F32: Float32Array. F16: Float32Array (converted) or Uint16Array of raw halves. */
  data: Float32Array | Uint16Array;
}

export interface GgufToWrite {
  /**
   * Plain values are typed as: string → STRING, boolean → BOOL, bigint → INT64/UINT64, integer → UINT32
   * (INT32 when negative), other number → FLOAT32, arrays by their first item. Use `gguf.*` (or `types`,
   * e.g. from `readGguf`) where that guess is wrong: llama.cpp rejects a key of the wrong type.
   */
  metadata: Record<string, unknown>;
  types?: Record<string, GgufValueTypeInfo>;
  tensors: TensorToWrite[];
  alignment?: number;
}

function isTyped(v: unknown): v is TypedValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    'type' in v &&
    'value' in v &&
    typeof (v as { type: unknown }).type === 'number'
  );
}

function guessType(v: unknown, key: string): GgufValueType {
  if (typeof v === 'string') return GgufValueType.STRING;
  if (typeof v === 'boolean') return GgufValueType.BOOL;
  if (typeof v === 'bigint') return v < 0n ? GgufValueType.INT64 : GgufValueType.UINT64;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v < 0 ? GgufValueType.INT32 : GgufValueType.UINT32;
    return GgufValueType.FLOAT32;
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return GgufValueType.ARRAY;
  throw new Error(`GGUF metadata "${key}": cannot store a value of type ${typeof v}`);
}

/** Serialises values into one growing buffer (a vocabulary is hundreds of thousands of small values). */
class Out {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private reserve(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  get bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
  u32(v: number) {
    this.reserve(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: number | bigint) {
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  string(s: string) {
    const n = Buffer.byteLength(s, 'utf8');
    this.u64(n);
    this.reserve(n);
    this.buf.write(s, this.length, 'utf8');
    this.length += n;
  }
  value(type: GgufValueType, v: unknown, key: string, itemType?: GgufValueType) {
    if (type === GgufValueType.STRING) {
      if (typeof v !== 'string') throw new Error(`GGUF metadata "${key}": expected a string, got ${typeof v}`);
      this.string(v);
      return;
    }
    if (type === GgufValueType.ARRAY) {
      const items = Array.isArray(v) ? v : Array.from(v as ArrayLike<unknown>);
      const it = itemType ?? (items.length ? guessType(items[0], key) : GgufValueType.UINT32);
      this.u32(it);
      this.u64(items.length);
      for (const item of items) {
        if (it === GgufValueType.ARRAY) {
          const inner = Array.from(item as ArrayLike<unknown>);
          this.value(GgufValueType.ARRAY, inner, key, inner.length ? guessType(inner[0], key) : GgufValueType.UINT32);
        } else this.value(it, item, key);
      }
      return;
    }
    if (type === GgufValueType.BOOL) {
      this.reserve(1);
      this.buf[this.length++] = v ? 1 : 0;
      return;
    }
    if (typeof v !== 'number' && typeof v !== 'bigint') throw new Error(`GGUF metadata "${key}": expected a number, got ${typeof v}`);
    this.reserve(8);
    const b = this.buf;
    const at = this.length;
    switch (type) {
      case GgufValueType.UINT8:
        this.length = b.writeUInt8(Number(v), at);
        break;
      case GgufValueType.INT8:
        this.length = b.writeInt8(Number(v), at);
        break;
      case GgufValueType.UINT16:
        this.length = b.writeUInt16LE(Number(v), at);
        break;
      case GgufValueType.INT16:
        this.length = b.writeInt16LE(Number(v), at);
        break;
      case GgufValueType.UINT32:
        this.length = b.writeUInt32LE(Number(v), at);
        break;
      case GgufValueType.INT32:
        this.length = b.writeInt32LE(Number(v), at);
        break;
      case GgufValueType.FLOAT32:
        this.length = b.writeFloatLE(Number(v), at);
        break;
      case GgufValueType.FLOAT64:
        this.length = b.writeDoubleLE(Number(v), at);
        break;
      case GgufValueType.UINT64:
        this.length = b.writeBigUInt64LE(BigInt(v), at);
        break;
      case GgufValueType.INT64:
        this.length = b.writeBigInt64LE(BigInt(v), at);
        break;
      default:
        throw new Error(`GGUF metadata "${key}": unknown value type ${String(type)}`);
    }
  }
  pad(alignment: number) {
    const rest = this.length % alignment;
    if (!rest) return;
    this.reserve(alignment - rest);
    this.buf.fill(0, this.length, this.length + alignment - rest);
    this.length += alignment - rest;
  }
}

/** IEEE 754 half from a float (round to nearest even), for F16 tensors. */
export function f32ToF16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i]!;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = ((x >>> 23) & 0xff) - 127 + 15;
    let mant = x & 0x7fffff;
    if (((x >>> 23) & 0xff) === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    if (exp >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (exp <= 0) {
      if (exp < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - exp;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (exp << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
    out[i] = sign | half;
  }
  return out;
}

/**
 * Writes a GGUF (version 3) file: metadata, tensor infos, padding, F32/F16 tensor data. The file appears
 * only when complete: it is written under a temporary name in the same folder and renamed.
 */
export async function writeGguf(file: string, content: GgufToWrite): Promise<{ bytes: number }> {
  const alignment = content.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  const metadata = { ...content.metadata };
  if (alignment !== GGUF_DEFAULT_ALIGNMENT) metadata['general.alignment'] = { type: GgufValueType.UINT32, value: alignment };

  const head = new Out();
  head.u32(GGUF_MAGIC);
  head.u32(3);
  head.u64(content.tensors.length);
  const keys = Object.keys(metadata);
  head.u64(keys.length);
  for (const key of keys) {
    const raw = metadata[key];
    head.string(key);
    const known = content.types?.[key];
    if (isTyped(raw)) {
      head.u32(raw.type);
      head.value(raw.type, raw.value, key, raw.type === GgufValueType.ARRAY ? raw.itemType : undefined);
    } else {
      const type = known?.type ?? guessType(raw, key);
      head.u32(type);
      head.value(type, raw, key, known?.itemType);
    }
  }

  const payloads: Buffer[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const t of content.tensors) {
    if (names.has(t.name)) throw new Error(`GGUF tensor "${t.name}" is given twice`);
    names.add(t.name);
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (t.data.length !== elements) {
      throw new Error(`GGUF tensor "${t.name}": dims [${t.dims.join(', ')}] need ${elements} values, got ${t.data.length}`);
    }
    let bytes: Buffer;
    if (t.type === GgmlType.F32) {
      if (!(t.data instanceof Float32Array)) throw new Error(`GGUF tensor "${t.name}": F32 data must be a Float32Array`);
      bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    } else if (t.type === GgmlType.F16) {
      const half = t.data instanceof Uint16Array ? t.data : f32ToF16(t.data);
      bytes = Buffer.from(half.buffer, half.byteOffset, half.byteLength);
    } else {
      throw new Error(`GGUF tensor "${t.name}": only F32 and F16 can be written`);
    }
    head.string(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(t.type);
    head.u64(offset);
    payloads.push(bytes);
    offset += Math.ceil(bytes.length / alignment) * alignment;
  }
  // A file without tensors ends right after its header (as llama.cpp's vocabulary files do).
  if (content.tensors.length) head.pad(alignment);

  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.open(temp, 'w');
  let total = 0;
  try {
    await fh.write(head.bytes);
    total += head.length;
    for (const bytes of payloads) {
      await fh.write(bytes);
      total += bytes.length;
      const rest = bytes.length % alignment;
      if (rest) {
        await fh.write(Buffer.alloc(alignment - rest));
        total += alignment - rest;
      }
    }
    await fh.sync();
    await fh.close();
    await fs.rename(temp, file);
  } catch (error) {
    await fh.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
  return { bytes: total };
}
