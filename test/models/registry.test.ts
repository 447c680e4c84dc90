import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ToolsmithClient } from '../../src/shared/client';
import { ApiError } from '../../src/shared/contract/errors';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { readGguf } from '../../src/main/engine/lib/gguf/read';
import { GgmlType } from '../../src/main/engine/lib/gguf/types';
import { gguf, writeGguf } from '../../src/main/engine/lib/gguf/write';
import { registerModel, sha256File } from '../../src/main/engine/models/registry';
import { runCli } from '../helpers/cli';
import { sharedDir, tempDir } from '../helpers/tmp';
import { vocabFile } from './llama-vocab';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

let engine: Engine;
let client: ToolsmithClient;
let modelsDir: string;

beforeEach(() => {
  engine = openEngine(tempDir());
  client = createClient(engine);
  modelsDir = engine.ctx.workspace.modelsDir;
});
afterEach(() => engine.close());

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function modelFiles(): string[] {
  return fs.readdirSync(modelsDir).sort();
}

describe('model registry', () => {
  it('imports a GGUF from disk: copied, hashed, described, named after its file', async () => {
    const events: unknown[] = [];
    client.on('models.changed', (e) => events.push(e));
    const m = await client.call('models.import', { file: STORIES });
    expect(m).toMatchObject({
      id: 1,
      name: 'stories260K',
      kind: 'base',
      file: 'stories260K.gguf',
      architecture: 'llama',
      quantization: 'F32',
      contextLength: 2048,
      chatTemplate: null,
    });
    expect(m.path).toBe(path.join(modelsDir, 'stories260K.gguf'));
    const header = await readGguf(STORIES);
    expect(m.parameters).toBe(header.tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0));
    expect(m.sizeBytes).toBe(fs.statSync(STORIES).size);
    expect(m.sha256).toBe(await sha256File(STORIES));
    expect(await sha256File(m.path)).toBe(m.sha256);
    expect(m.metadata).toMatchObject({ layers: 5, heads: 8, kvHeads: 4, vocabSize: 512, templateSource: 'fallback' });
    expect(events).toEqual([{ id: 1, what: 'added' }]);
    // The same file again gets a free name and a free file name.
    const again = await client.call('models.import', { file: STORIES });
    expect(again).toMatchObject({ name: 'stories260K-2', file: 'stories260K-2.gguf' });
    expect((await client.call('models.get', { model: 'stories260K-2' })).id).toBe(again.id);
    expect((await client.call('models.get', { model: again.id })).name).toBe('stories260K-2');
    expect(modelFiles()).toEqual(['stories260K-2.gguf', 'stories260K.gguf']);
  });

  it('refuses bad files with a clear error and leaves the registry and the models folder unchanged', async () => {
    const dir = tempDir();
    await client.call('models.import', { file: STORIES });
    const before = await client.call('models.list');

    const missing = await failure(client.call('models.import', { file: path.join(dir, 'missing.gguf') }));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toMatch(/missing\.gguf: no such file/);

    fs.writeFileSync(path.join(dir, 'readme.gguf'), '# not a model\n');
    const notGguf = await failure(client.call('models.import', { file: path.join(dir, 'readme.gguf') }));
    expect(notGguf.code).toBe('bad_file');
    expect(notGguf.message).toMatch(/readme\.gguf \(byte 0\): not a GGUF file \(it starts with "# no"/);

    fs.writeFileSync(path.join(dir, 'half.gguf'), fs.readFileSync(STORIES).subarray(0, 700_000));
    const truncated = await failure(client.call('models.import', { file: path.join(dir, 'half.gguf') }));
    expect(truncated.code).toBe('bad_file');
    expect(truncated.message).toMatch(/half\.gguf: truncated: the tensor data needs 1185376 bytes but the file has 700000/);

    await writeGguf(path.join(dir, 'alien.gguf'), {
      metadata: { 'general.architecture': 'alien9000', 'alien9000.block_count': gguf.u32(1) },
      tensors: [{ name: 'w', dims: [4], type: GgmlType.F32, data: new Float32Array(4) }],
    });
    const alien = await failure(client.call('models.import', { file: path.join(dir, 'alien.gguf') }));
    expect(alien.message).toMatch(/alien\.gguf: architecture "alien9000" is not supported/);

    const vocabOnly = await failure(client.call('models.import', { file: vocabFile('llama-spm') }));
    expect(vocabOnly.message).toMatch(/has no tensors/);

    const taken = await failure(client.call('models.import', { file: STORIES, name: 'stories260K' }));
    expect(taken.code).toBe('conflict');
    const numeric = await failure(client.call('models.import', { file: STORIES, name: '42' }));
    expect(numeric.message).toMatch(/addressed by their numeric id/);

    expect(await client.call('models.list')).toEqual(before);
    expect(modelFiles()).toEqual(['stories260K.gguf']);
  });

  it('renames and deletes (the file goes with the model; files outside the workspace stay)', async () => {
    const m = await client.call('models.import', { file: STORIES });
    const renamed = await client.call('models.rename', { model: 'stories260K', name: 'tiny stories' });
    expect(renamed).toMatchObject({ id: m.id, name: 'tiny stories', file: 'stories260K.gguf' });
    expect((await failure(client.call('models.get', { model: 'stories260K' }))).code).toBe('not_found');
    const other = await client.call('models.import', { file: STORIES, name: 'other' });
    expect((await failure(client.call('models.rename', { model: other.id, name: 'tiny stories' }))).code).toBe('conflict');

    const { deleted } = await client.call('models.delete', { model: 'tiny stories' });
    expect(deleted.id).toBe(m.id);
    expect(fs.existsSync(m.path)).toBe(false);
    expect((await client.call('models.list')).items.map((x) => x.name)).toEqual(['other']);

    const inPlace = await client.call('models.import', { file: STORIES, copy: false, name: 'in-place' });
    expect(inPlace.file).toBe(STORIES);
    await client.call('models.delete', { model: 'in-place' });
    expect(fs.existsSync(STORIES)).toBe(true);
  });

  it('keeps lineage: parent, round, adapter file, trainer; ancestors and descendants', async () => {
    const base = await client.call('models.createStarter', { seed: 3, name: 'base' });
    expect(base).toMatchObject({ kind: 'starter', architecture: 'llama', name: 'base' });
    expect(base.chatTemplate).toContain('<tools>');
    // A trainer writes its result into the models folder and registers it with its lineage.
    const childFile = path.join(modelsDir, 'round1.gguf');
    fs.copyFileSync(base.path, childFile);
    const db = engine.ctx.db;
    const child = await registerModel(db, modelsDir, childFile, {
      kind: 'finetune',
      parentId: base.id,
      trainer: 'native',
      name: 'round-1',
    });
    const adapterFile = path.join(modelsDir, 'round2-adapter.gguf');
    fs.copyFileSync(base.path, adapterFile);
    const grandchild = await registerModel(db, modelsDir, child.path, {
      kind: 'finetune',
      parentId: child.id,
      trainer: 'python',
      adapterFile,
      name: 'round-2',
    });
    expect(grandchild).toMatchObject({ parentId: child.id, trainer: 'python', adapterFile, file: 'round1.gguf' });
    const lineage = await client.call('models.lineage', { model: 'round-2' });
    expect(lineage.ancestors.map((m) => m.name)).toEqual(['round-1', 'base']);
    expect((await client.call('models.lineage', { model: 'base' })).descendants.map((m) => m.name)).toEqual(['round-1', 'round-2']);
    await expect(registerModel(db, modelsDir, childFile, { parentId: 999, name: 'orphan' })).rejects.toThrow(
      /Parent model 999 does not exist/,
    );
    // Deleting a parent keeps its children (their parent becomes unknown); a file still used is kept.
    await client.call('models.delete', { model: 'round-1' });
    expect(fs.existsSync(childFile)).toBe(true);
    expect((await client.call('models.get', { model: 'round-2' })).parentId).toBeNull();
  });
});

describe('toolsmith model CLI', () => {
  it('create-starter, import, list --json; a bad file exits 1 with the reason', async () => {
    const ws = tempDir();
    const created = await runCli(['-w', ws, 'model', 'create-starter', '--seed', '9', '--json'], { timeoutMs: 60_000 });
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'starter', kind: 'starter' });
    const imported = await runCli(['-w', ws, 'model', 'import', STORIES], { timeoutMs: 60_000 });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/name\s+stories260K/);
    const list = await runCli(['-w', ws, 'model', 'list', '--json'], { timeoutMs: 60_000 });
    expect(JSON.parse(list.stdout).map((m: { name: string }) => m.name)).toEqual(['starter', 'stories260K']);
    const bad = path.join(ws, 'bad.gguf');
    fs.writeFileSync(bad, 'GGUF');
    const failed = await runCli(['-w', ws, 'model', 'import', bad], { timeoutMs: 60_000 });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/error: .*bad\.gguf.*(truncated|ends)/);
  }, 180_000);
});
