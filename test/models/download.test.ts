import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/main/engine/api';
import { createClient } from '../../src/shared/client';
import type { ModelDownloadEvent } from '../../src/shared/contract/models';
import { downloadModelFile, listPartialDownloads, parseModelRef, stagingDirFor } from '../../src/main/engine/models/download';
import { createStarterModel } from '../../src/main/engine/models/starter';
import { sharedDir, tempDir } from '../helpers/tmp';
import { startFileServer, type FileServer } from './file-server';

const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');
/** ipull (under node-llama-cpp's downloader) saves progress per 5 MiB chunk. */
const CHUNK = 5 * 1024 * 1024;

const servers: FileServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(data: Buffer): Promise<FileServer> {
  const server = await startFileServer(data);
  servers.push(server);
  return server;
}

describe('model references', () => {
  it('accepts hf: references and http(s) URLs, and says what is wrong with anything else', () => {
    expect(parseModelRef('hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M').kind).toBe('hf');
    expect(parseModelRef('hf:user/repo/sub/model-q8_0.gguf').kind).toBe('hf');
    expect(parseModelRef('https://example.com/m.gguf').kind).toBe('url');
    expect(() => parseModelRef('hf:no-repo')).toThrow(/not a Hugging Face model reference/);
    expect(() => parseModelRef('ftp://example.com/m.gguf')).toThrow(/only https:\/\//);
    expect(() => parseModelRef('model.gguf')).toThrow(/neither an hf: reference nor a URL/);
  });
});

describe('downloadModelFile', () => {
  it('downloads a real GGUF over HTTP with progress, into a staging folder', async () => {
    const data = fs.readFileSync(STORIES);
    const server = await serve(data);
    const modelsDir = tempDir();
    const progress: number[] = [];
    const result = await downloadModelFile(modelsDir, server.url('stories260K.gguf'), {
      onProgress: (p) => progress.push(p.downloadedBytes),
    });
    expect(result.fileName).toBe('stories260K.gguf');
    expect(result.sizeBytes).toBe(data.length);
    expect(path.dirname(result.file)).toBe(stagingDirFor(modelsDir, server.url('stories260K.gguf')));
    expect(Buffer.compare(fs.readFileSync(result.file), data)).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(data.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('resumes an interrupted download from the completed chunks and ends byte-identical', async () => {
    const modelsDir = tempDir();
    // The starter model (≈ 7.6 MB at its defaults) spans two of ipull's 5 MiB chunks.
    const source = path.join(tempDir(), 'starter.gguf');
    await createStarterModel(source);
    const data = fs.readFileSync(source);
    expect(data.length).toBeGreaterThan(CHUNK);
    const server = await serve(data);
    const ref = server.url('starter-big.gguf');

    // First attempt: the server goes silent after the first chunk and a bit; the user cancels.
    server.stallAfter = CHUNK + 100_000;
    const controller = new AbortController();
    const first = downloadModelFile(modelsDir, ref, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.downloadedBytes >= CHUNK + 100_000) setTimeout(() => controller.abort(), 300);
      },
    });
    await expect(first).rejects.toThrow(/cancelled at .* Pull the same reference again to resume/);
    const partial = listPartialDownloads(modelsDir);
    expect(partial).toHaveLength(1);
    expect(partial[0]!.files).toEqual(['starter-big.gguf.ipull']);
    expect(fs.existsSync(path.join(stagingDirFor(modelsDir, ref), 'starter-big.gguf'))).toBe(false);

    // Second attempt: starts where the first one's saved progress ends.
    server.stallAfter = null;
    const before = server.ranges.length;
    const result = await downloadModelFile(modelsDir, ref);
    expect(result.resumedFromBytes).toBe(CHUNK);
    const resumedRanges = server.ranges.slice(before).filter((r) => r !== undefined);
    expect(resumedRanges.some((r) => r!.startsWith(`bytes=${CHUNK}-`))).toBe(true);
    // (bytes=0-0 is the check that the server answers.)
    expect(resumedRanges.some((r) => r!.startsWith('bytes=0-') && r !== 'bytes=0-0')).toBe(false);
    expect(Buffer.compare(fs.readFileSync(result.file), data)).toBe(0);
  });

  it('gives up on a stalled server with a clear error, and fails fast when nothing listens', async () => {
    const data = fs.readFileSync(STORIES);
    const server = await serve(data);
    server.stallAfter = 200_000;
    const ref = server.url('stalls.gguf');
    await expect(downloadModelFile(tempDir(), ref, { stallTimeoutMs: 1500 })).rejects.toThrow(
      /stalls\.gguf stalled: no data for 1\.5 s .*Pull the same reference again to resume/,
    );
    // A port where nothing listens any more.
    const gone = await serve(data);
    const deadRef = gone.url('x.gguf');
    await gone.close();
    const started = Date.now();
    await expect(downloadModelFile(tempDir(), deadRef)).rejects.toThrow(
      /Cannot download http:\/\/127\.0\.0\.1:\d+\/files\/x\.gguf: connection refused/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports an HTTP error with the URL', async () => {
    const server = await serve(Buffer.from('x'));
    const missing = server.url('x.gguf').replace('/files/', '/nothing/');
    await expect(downloadModelFile(tempDir(), missing)).rejects.toThrow(
      new RegExp(`${missing.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}.*404`),
    );
  });
});

describe('models.pull through the engine API', () => {
  it('registers the model only when the download is complete, and resumes after a cancel', async () => {
    const source = path.join(tempDir(), 'starter.gguf');
    await createStarterModel(source, { seed: 7 });
    const data = fs.readFileSync(source);
    const server = await serve(data);
    const ref = server.url('tiny-llama.gguf');
    const dir = tempDir();
    const engine = openEngine(dir);
    const client = createClient(engine);
    const events: ModelDownloadEvent[] = [];
    let cancelRequested = false;
    client.on('models.download', (e) => {
      events.push(e);
      // Cancel once the server has gone silent after the first chunk (ipull saves a chunk's progress just after it).
      if (e.state === 'downloading' && e.downloadedBytes >= CHUNK + 50_000 && server.stallAfter !== null && !cancelRequested) {
        cancelRequested = true;
        setTimeout(() => void client.call('models.cancelPull', { ref }), 300);
      }
    });
    try {
      server.stallAfter = CHUNK + 50_000;
      await expect(client.call('models.pull', { ref })).rejects.toMatchObject({ code: 'cancelled' });
      expect(events.at(-1)!.state).toBe('cancelled');
      // Nothing registered, no model file in the models folder: only the partial download, listed as resumable.
      expect((await client.call('models.list')).items).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'models')).filter((f) => f.endsWith('.gguf'))).toEqual([]);
      expect((await client.call('models.downloads')).items).toEqual([
        expect.objectContaining({ ref, fileName: 'tiny-llama.gguf', active: false }),
      ]);

      server.stallAfter = null;
      const { model, resumedFromBytes } = await client.call('models.pull', { ref, name: 'tiny' });
      expect(resumedFromBytes).toBe(CHUNK);
      expect(model).toMatchObject({
        name: 'tiny',
        file: 'tiny-llama.gguf',
        architecture: 'llama',
        sizeBytes: data.length,
        metadata: expect.objectContaining({ source: ref }),
      });
      expect(model.sha256).toBe(crypto.createHash('sha256').update(data).digest('hex'));
      expect(Buffer.compare(fs.readFileSync(model.path), data)).toBe(0);
      expect((await client.call('models.downloads')).items).toEqual([]);
      expect(events.at(-1)).toMatchObject({ state: 'done', modelId: model.id, downloadedBytes: data.length });
      expect((await client.call('models.list')).items.map((m) => m.name)).toEqual(['tiny']);
    } finally {
      await engine.close();
    }
  });

  it('refuses a download that is not a GGUF: clear error, registry unchanged, nothing kept', async () => {
    const server = await serve(Buffer.from('<html>not a model</html>'.repeat(100)));
    const dir = tempDir();
    const engine = openEngine(dir);
    const client = createClient(engine);
    try {
      const ref = server.url('fake.gguf');
      await expect(client.call('models.pull', { ref })).rejects.toMatchObject({
        code: 'bad_file',
        message: expect.stringMatching(/fake\.gguf was downloaded but cannot be used/),
      });
      expect((await client.call('models.list')).items).toEqual([]);
      expect((await client.call('models.downloads')).items).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'models')).filter((f) => f.endsWith('.gguf'))).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('checks the name before downloading', async () => {
    const dir = tempDir();
    const engine = openEngine(dir);
    const client = createClient(engine);
    try {
      await expect(client.call('models.pull', { ref: 'https://127.0.0.1:1/x.gguf', name: '42' })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    } finally {
      await engine.close();
    }
  });
});
