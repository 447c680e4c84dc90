import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GgufError, readGguf } from '../../src/main/engine/lib/gguf/read';
import { GgmlType, GgufValueType, tensorByteSize } from '../../src/main/engine/lib/gguf/types';
import { f32ToF16, gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { sharedDir, tempDir } from '../helpers/tmp';
import { extractAllVocab, listVocabFiles, vocabFile } from './llama-vocab';

const MODELS = path.join(sharedDir, 'models');

async function readError(file: string): Promise<GgufError> {
  const error = await readGguf(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GgufError);
  return error as GgufError;
}

describe('GGUF reader', () => {
  it('reads every GGUF in ../shared/models', async () => {
    const files = fs.readdirSync(MODELS).filter((f) => f.endsWith('.gguf'));
    expect(files).toContain('stories260K.gguf');
    for (const f of files) {
      const g = await readGguf(path.join(MODELS, f));
      expect(g.tensors.length).toBeGreaterThan(0);
      expect(g.dataOffset % g.alignment).toBe(0);
      expect(g.dataOffset + g.dataSize!).toBeLessThanOrEqual(g.fileSize);
    }
  });

  it('reads stories260K: metadata, tensor infos, data offset', async () => {
    const g = await readGguf(path.join(MODELS, 'stories260K.gguf'));
    expect(g.version).toBe(3);
    expect(g.metadata['general.architecture']).toBe('llama');
    expect(g.metadata['llama.embedding_length']).toBe(64);
    expect(g.metadata['llama.block_count']).toBe(5);
    expect(g.metadata['llama.attention.head_count']).toBe(8);
    expect(g.metadata['llama.attention.head_count_kv']).toBe(4);
    expect(g.types['llama.block_count']).toEqual({ type: GgufValueType.UINT32 });
    const tokens = g.metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens).toHaveLength(512);
    expect(tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(g.types['tokenizer.ggml.scores']).toEqual({ type: GgufValueType.ARRAY, itemType: GgufValueType.FLOAT32 });
    expect(g.tensors).toHaveLength(48);
    const embd = g.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(embd).toMatchObject({ dims: [64, 512], type: GgmlType.F32, offset: 0, size: 64 * 512 * 4 });
    // The first embedding row read at dataOffset equals the row read through an independent path.
    const fd = fs.openSync(path.join(MODELS, 'stories260K.gguf'), 'r');
    const row = Buffer.alloc(16);
    fs.readSync(fd, row, 0, 16, g.dataOffset + embd.offset);
    fs.closeSync(fd);
    expect(Number.isFinite(row.readFloatLE(0))).toBe(true);
    expect(g.dataOffset + g.dataSize!).toBe(g.fileSize);
  });

  it('reads every ggml-vocab-*.gguf of the bundled llama.cpp source', async () => {
    const files = listVocabFiles();
    expect(files.length).toBeGreaterThan(10);
    const extracted = extractAllVocab();
    expect(extracted).toHaveLength(files.length);
    for (const file of extracted) {
      const name = path.basename(file);
      const g = await readGguf(file);
      expect(typeof g.metadata['general.architecture'], name).toBe('string');
      expect(typeof g.metadata['tokenizer.ggml.model'], name).toBe('string');
      const tokens = g.metadata['tokenizer.ggml.tokens'] as unknown[];
      expect(tokens.length, name).toBeGreaterThan(1000);
    }
  }, 120_000);

  it('says what is wrong: missing, not a GGUF, truncated header, truncated data, bad version', async () => {
    const dir = tempDir();
    expect((await readError(path.join(dir, 'none.gguf'))).kind).toBe('missing');
    fs.writeFileSync(path.join(dir, 'text.gguf'), 'just some text');
    const notGguf = await readError(path.join(dir, 'text.gguf'));
    expect(notGguf.kind).toBe('not_gguf');
    expect(notGguf.message).toMatch(/text\.gguf.*not a GGUF file.*"just"/);
    const whole = fs.readFileSync(path.join(MODELS, 'stories260K.gguf'));
    fs.writeFileSync(path.join(dir, 'head.gguf'), whole.subarray(0, 5000));
    const head = await readError(path.join(dir, 'head.gguf'));
    expect(head.kind).toBe('truncated');
    expect(head.message).toMatch(/head\.gguf \(byte \d+\): the file ends \(5000 bytes\) inside the header/);
    fs.writeFileSync(path.join(dir, 'data.gguf'), whole.subarray(0, whole.length - 100));
    const data = await readError(path.join(dir, 'data.gguf'));
    expect(data.kind).toBe('truncated');
    expect(data.message).toMatch(/tensor ".*", F32 \[\d+(, \d+)*\], is cut off/);
    const v9 = Buffer.from(whole.subarray(0, 64));
    v9.writeUInt32LE(9, 4);
    fs.writeFileSync(path.join(dir, 'v9.gguf'), v9);
    expect((await readError(path.join(dir, 'v9.gguf'))).kind).toBe('unsupported');
  });
});

describe('GGUF writer', () => {
  it('round-trips every metadata value type, tensor infos, alignment and F32/F16 data', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'all.gguf');
    const f32 = new Float32Array([1, -2.5, 3.25, 0, 1e-3, 65504, -7, 0.1]);
    const f16src = new Float32Array([0.5, -1, 2, 1 / 3, 1e-5, -65504]);
    await writeGguf(file, {
      alignment: 64,
      metadata: {
        u8: gguf.u8(250),
        i8: gguf.i8(-120),
        u16: gguf.u16(65000),
        i16: gguf.i16(-32000),
        u32: gguf.u32(4_000_000_000),
        i32: gguf.i32(-2_000_000_000),
        u64: gguf.u64(2n ** 60n),
        i64: gguf.i64(-(2n ** 40n)),
        f32: gguf.f32(0.5),
        f64: gguf.f64(Math.PI),
        bool: gguf.bool(true),
        str: 'héllo ✓',
        strings: ['a', '', 'ü'],
        nested: gguf.array(GgufValueType.ARRAY, [[1, 2], [3]]),
        floats: gguf.array(GgufValueType.FLOAT32, [0.25, -1]),
        plainInt: 7,
        plainNeg: -7,
      },
      tensors: [
        { name: 'a', dims: [4, 2], type: GgmlType.F32, data: f32 },
        { name: 'b', dims: [3, 2], type: GgmlType.F16, data: f16src },
      ],
    });
    const g = await readGguf(file);
    expect(g.alignment).toBe(64);
    expect(g.metadata).toMatchObject({
      u8: 250,
      i8: -120,
      u16: 65000,
      i16: -32000,
      u32: 4_000_000_000,
      i32: -2_000_000_000,
      u64: 2n ** 60n,
      i64: -(2 ** 40),
      f32: 0.5,
      f64: Math.PI,
      bool: true,
      str: 'héllo ✓',
      strings: ['a', '', 'ü'],
      nested: [[1, 2], [3]],
      floats: [0.25, -1],
      plainInt: 7,
      plainNeg: -7,
    });
    expect(g.types.u64).toEqual({ type: GgufValueType.UINT64 });
    expect(g.types.plainInt).toEqual({ type: GgufValueType.UINT32 });
    expect(g.types.plainNeg).toEqual({ type: GgufValueType.INT32 });
    expect(g.types.nested).toEqual({ type: GgufValueType.ARRAY, itemType: GgufValueType.ARRAY });
    const [a, b] = g.tensors;
    expect(a).toMatchObject({ name: 'a', dims: [4, 2], type: GgmlType.F32, offset: 0, size: 32 });
    expect(b).toMatchObject({ name: 'b', dims: [3, 2], type: GgmlType.F16, offset: 64, size: 12 });
    expect(g.dataOffset % 64).toBe(0);
    const bytes = fs.readFileSync(file);
    const readA = new Float32Array(bytes.buffer.slice(bytes.byteOffset + g.dataOffset, bytes.byteOffset + g.dataOffset + 32));
    expect(Array.from(readA)).toEqual(Array.from(f32));
    const halves = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + g.dataOffset + 64, bytes.byteOffset + g.dataOffset + 76));
    expect(Array.from(halves)).toEqual(Array.from(f32ToF16(f16src)));
    // Known IEEE half encodings.
    expect(Array.from(halves.slice(0, 4))).toEqual([0x3800, 0xbc00, 0x4000, 0x3555]);
    expect(halves[5]).toBe(0xfbff);
    expect(g.fileSize).toBe(g.dataOffset + 64 + 64);
  });

  it('rewrites a real vocabulary file byte for byte from what the reader returned', async () => {
    const src = vocabFile('qwen2');
    const g = await readGguf(src);
    const out = path.join(tempDir(), 'copy.gguf');
    await writeGguf(out, { metadata: g.metadata, types: g.types, tensors: [] });
    expect(fs.readFileSync(out).equals(fs.readFileSync(src))).toBe(true);
  }, 60_000);

  it('writes atomically: a failed write leaves no file and no temporary behind', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.gguf');
    await expect(
      writeGguf(file, { metadata: {}, tensors: [{ name: 't', dims: [3], type: GgmlType.F32, data: new Float32Array(2) }] }),
    ).rejects.toThrow(/tensor "t": dims \[3\] need 3 values, got 2/);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(tensorByteSize(GgmlType.Q4_K, [256, 2])).toBe(288);
  });
});
