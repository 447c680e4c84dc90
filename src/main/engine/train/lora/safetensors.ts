import fs from 'node:fs/promises';

/** A tensor read from a .safetensors file, converted to F32. `shape` is PyTorch order (rows first). */
export interface SafeTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

function bf16ToF32(u: Uint16Array): Float32Array {
  const out = new Uint32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i]! << 16;
  return new Float32Array(out.buffer);
}

function f16ToF32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const h = u[i]!;
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    out[i] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  return out;
}

/** Reads every tensor of a .safetensors file (header: u64 length + JSON; then raw little-endian data). */
export async function readSafetensors(file: string): Promise<{ tensors: SafeTensor[]; metadata: Record<string, string> }> {
  const buf = await fs.readFile(file);
  if (buf.length < 8) throw new Error(`${file}: not a safetensors file (too short)`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (8 + headerLen > buf.length) throw new Error(`${file}: header length ${headerLen} runs past the end of the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  } catch {
    throw new Error(`${file}: the safetensors header is not JSON`);
  }
  const base = 8 + headerLen;
  const tensors: SafeTensor[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const bytes = buf.subarray(base + data_offsets[0], base + data_offsets[1]);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    let data: Float32Array;
    if (dtype === 'F32') data = new Float32Array(copy.buffer);
    else if (dtype === 'F16') data = f16ToF32(new Uint16Array(copy.buffer));
    else if (dtype === 'BF16') data = bf16ToF32(new Uint16Array(copy.buffer));
    else throw new Error(`${file}: tensor ${name} has dtype ${dtype}; only F32, F16 and BF16 are read`);
    tensors.push({ name, shape, data });
  }
  return { tensors, metadata };
}
