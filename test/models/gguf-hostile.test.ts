import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/shared/client';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { GGUF_LIMITS, GgufError, readGguf } from '../../src/main/engine/lib/gguf/read';
import { GgmlType, GgufValueType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { tempDir } from '../helpers/tmp';

/** A small valid llama GGUF: two F32 tensors "a" and "b", keys k1 and k2. */
async function tinyModel(file: string, metadata: Record<string, unknown> = {}): Promise<Buffer> {
  await writeGguf(file, {
    metadata: { 'general.architecture': 'llama', 'llama.context_length': gguf.u32(128), k1: 'one', k2: 'two', ...metadata },
    tensors: [
      { name: 'a', dims: [4, 2], type: GgmlType.F32, data: new Float32Array(8) },
      { name: 'b', dims: [4], type: GgmlType.F32, data: new Float32Array(4) },
    ],
  });
  return fs.readFileSync(file);
}

/** Where a GGUF string (u64 length + bytes) starts in the file. */
function stringAt(buf: Buffer, text: string): number {
  const needle = Buffer.alloc(8 + Buffer.byteLength(text));
  needle.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  needle.write(text, 8);
  const at = buf.indexOf(needle);
  expect(at).toBeGreaterThan(0);
  return at;
}

async function refusal(file: string): Promise<GgufError> {
  const error = await readGguf(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GgufError);
  return error as GgufError;
}

/** A header with no tensors and one metadata array built by `body` (item type, then the items' bytes). */
function headerWithArray(file: string, body: Buffer): void {
  const head = Buffer.alloc(24);
  head.write('GGUF', 0, 'latin1');
  head.writeUInt32LE(3, 4);
  head.writeBigUInt64LE(0n, 8);
  head.writeBigUInt64LE(1n, 16);
  const key = Buffer.alloc(8 + 3);
  key.writeBigUInt64LE(3n);
  key.write('arr', 8);
  const type = Buffer.alloc(4);
  type.writeUInt32LE(GgufValueType.ARRAY);
  fs.writeFileSync(file, Buffer.concat([head, key, type, body]));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

let engine: Engine | undefined;
afterEach(() => engine?.close());

describe('GGUF reader on malformed files', () => {
  it('refuses a tensor count one too high, an unknown ggml type, duplicate tensor names and duplicate keys', async () => {
    const dir = tempDir();
    const good = await tinyModel(path.join(dir, 'good.gguf'));
    expect((await readGguf(path.join(dir, 'good.gguf'))).tensors).toHaveLength(2);

    const plusOne = Buffer.from(good);
    plusOne.writeBigUInt64LE(3n, 8);
    fs.writeFileSync(path.join(dir, 'plus-one.gguf'), plusOne);
    expect((await refusal(path.join(dir, 'plus-one.gguf'))).message).toMatch(/plus-one\.gguf/);

    const unknownType = Buffer.from(good);
    // tensor "b": name, n_dims (4), one dim (8), then its type.
    unknownType.writeUInt32LE(250, stringAt(good, 'b') + 9 + 4 + 8);
    fs.writeFileSync(path.join(dir, 'type.gguf'), unknownType);
    const typeError = await refusal(path.join(dir, 'type.gguf'));
    expect(typeError.kind).toBe('corrupt');
    expect(typeError.message).toMatch(/type\.gguf \(byte \d+\): tensor "b" has unknown ggml type 250/);

    const dupTensor = Buffer.from(good);
    dupTensor.write('a', stringAt(good, 'b') + 8);
    fs.writeFileSync(path.join(dir, 'dup-tensor.gguf'), dupTensor);
    expect((await refusal(path.join(dir, 'dup-tensor.gguf'))).message).toMatch(/tensor name "a" appears twice \(tensor #1\)/);

    const dupKey = Buffer.from(good);
    dupKey.write('k1', stringAt(good, 'k2') + 8);
    fs.writeFileSync(path.join(dir, 'dup-key.gguf'), dupKey);
    expect((await refusal(path.join(dir, 'dup-key.gguf'))).message).toMatch(/metadata key "k1" appears twice/);
  });

  it('limits nested arrays (count and depth) and string sizes before allocating them', async () => {
    const dir = tempDir();
    const many = GGUF_LIMITS.nestedArrays + 1;
    // An array of `many` empty arrays of u8: 12 bytes each in the file.
    const empty = Buffer.concat([u32(GgufValueType.UINT8), u64(0)]);
    headerWithArray(path.join(dir, 'nested.gguf'), Buffer.concat([u32(GgufValueType.ARRAY), u64(many), ...Array(many).fill(empty)]));
    expect((await refusal(path.join(dir, 'nested.gguf'))).message).toMatch(new RegExp(`over ${GGUF_LIMITS.nestedArrays} nested arrays`));

    let deep = Buffer.concat([u32(GgufValueType.UINT8), u64(0)]);
    for (let i = 0; i < GGUF_LIMITS.arrayDepth + 1; i++) deep = Buffer.concat([u32(GgufValueType.ARRAY), u64(1), deep]);
    headerWithArray(path.join(dir, 'deep.gguf'), deep);
    expect((await refusal(path.join(dir, 'deep.gguf'))).message).toMatch(/nests arrays deeper than 4 levels/);

    // A string that claims more bytes than the limit (the file is big enough that only the limit stops it).
    const big = GGUF_LIMITS.stringBytes + 1;
    const stringArray = Buffer.concat([u32(GgufValueType.STRING), u64(1), u64(big), Buffer.alloc(big)]);
    headerWithArray(path.join(dir, 'string.gguf'), stringArray);
    expect((await refusal(path.join(dir, 'string.gguf'))).message).toMatch(/is 16777217 bytes long \(at most 16777216\)/);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.gguf');
    execFileSync('mkfifo', [fifo]);
    const error = await refusal(fifo);
    expect(error.message).toMatch(/pipe\.gguf: is not a regular file/);
  });

  it('refuses context_length = +Inf at import; a row stored so before reads as unknown and the list works', async () => {
    const dir = tempDir();
    await tinyModel(path.join(dir, 'inf.gguf'), { 'llama.context_length': gguf.f32(Infinity) });
    engine = openEngine(tempDir());
    const client = createClient(engine);
    const error = await client.call('models.import', { file: path.join(dir, 'inf.gguf') }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/inf\.gguf: metadata "llama\.context_length" is Infinity, not a whole number/);
    engine.ctx.db.prepare("INSERT INTO models (name, file, context_length) VALUES ('old', '/x.gguf', ?)").run(Infinity);
    const { items } = await client.call('models.list');
    expect(items.find((m) => m.name === 'old')?.contextLength).toBeNull();
  });
});

describe('chat templates from model files', () => {
  it('a template that loops ten million times is refused within its limits, not rendered in the main thread', async () => {
    const dir = tempDir();
    const looping = '{% for i in range(10000000) %}{{ i }}{% endfor %}{{ messages[0].content }}';
    await tinyModel(path.join(dir, 'loop.gguf'), { 'tokenizer.chat_template': looping });
    engine = openEngine(tempDir());
    const client = createClient(engine);
    const error = await client.call('models.import', { file: path.join(dir, 'loop.gguf') }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /loop\.gguf: The model's chat template is refused: it (did not render a two-message probe within|rendered \d+ characters)/,
    );
    // An ordinary template still imports.
    await tinyModel(path.join(dir, 'fine.gguf'), { 'tokenizer.chat_template': '{% for m in messages %}{{ m.content }}{% endfor %}' });
    expect((await client.call('models.import', { file: path.join(dir, 'fine.gguf') })).chatTemplate).toContain('m.content');
  });
});
