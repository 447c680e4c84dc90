import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_SCHEME_PRIVILEGES, appProtocolHandler, resolveAppPath } from '../../src/main/electron/app-protocol';
import { RENDERER_CSP } from '../../src/main/web/csp';
import { mimeType } from '../../src/main/web/mime';

// The app:// protocol serves out/renderer and nothing else. A real folder with a renderer and, beside it, a
// secret the page must never reach; the handler is called with real Requests as protocol.handle would.
let dir: string;
let root: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-app-protocol-'));
  root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Toolsmith</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'the user’s private file');
  // A sibling whose name starts like the root: a prefix check would let it through.
  fs.mkdirSync(path.join(dir, 'renderer-evil'));
  fs.writeFileSync(path.join(dir, 'renderer-evil', 'x.js'), 'evil');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => appProtocolHandler(root)(new Request(url, { method }));

describe('resolveAppPath', () => {
  it('maps app://toolsmith paths to files under the renderer folder', () => {
    expect(resolveAppPath(root, APP_ENTRY_URL)).toEqual({
      ok: true,
      file: path.join(root, 'index.html'),
      type: 'text/html; charset=utf-8',
    });
    expect(resolveAppPath(root, 'app://toolsmith/')).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppPath(root, 'app://toolsmith/assets/index-abc.js?v=1#x')).toMatchObject({
      ok: true,
      file: path.join(root, 'assets', 'index-abc.js'),
    });
    // A space or other escape that decodes to an ordinary name is fine.
    expect(resolveAppPath(root, 'app://toolsmith/assets/a%20b.png')).toMatchObject({
      ok: true,
      file: path.join(root, 'assets', 'a b.png'),
    });
  });

  it.each([
    ['encoded dot-dot with an encoded slash', 'app://toolsmith/..%2Fsecret.txt'],
    ['encoded backslash', 'app://toolsmith/..%5Csecret.txt'],
    ['an encoded absolute path', 'app://toolsmith/%2Fetc%2Fpasswd'],
    ['a drive letter', 'app://toolsmith/C:%5CWindows%5Cwin.ini'],
    ['a Windows stream name', 'app://toolsmith/index.html:stream'],
    ['NUL', 'app://toolsmith/index.html%00.js'],
  ])('refuses %s (403)', (_name, url) => {
    const result = resolveAppPath(root, url);
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it('leaves no literal or %2e dot segment to climb out: the URL parser folds them inside the root', () => {
    for (const url of [
      'app://toolsmith/../secret.txt',
      'app://toolsmith/%2e%2e/secret.txt',
      'app://toolsmith/assets/%2E%2E/%2e%2E/secret.txt',
    ]) {
      expect(resolveAppPath(root, url), url).toMatchObject({ ok: true, file: path.join(root, 'secret.txt') });
    }
    // Double encoding decodes once, to a file literally named "%2e%2e", not to a parent.
    expect(resolveAppPath(root, 'app://toolsmith/%252e%252e/secret.txt')).toMatchObject({
      ok: true,
      file: path.join(root, '%2e%2e', 'secret.txt'),
    });
  });

  it('refuses other hosts, schemes and bad escapes', () => {
    expect(resolveAppPath(root, 'app://evil/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath(root, 'app://toolsmith/%E0%A4%A.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath(root, 'not a url')).toMatchObject({ ok: false, status: 400 });
  });

  it('keeps a sibling folder that shares the root’s name prefix out of reach', () => {
    const result = resolveAppPath(root, 'app://toolsmith/..%2Frenderer-evil%2Fx.js');
    expect(result.ok).toBe(false);
  });
});

describe('the protocol handler', () => {
  it('serves the renderer with its content type, the CSP and nosniff', async () => {
    const page = await get(APP_ENTRY_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Toolsmith</title>');

    const script = await get('app://toolsmith/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log("app")');
    const font = await get('app://toolsmith/assets/font.woff2');
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await font.arrayBuffer())).toEqual(Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  });

  it('never answers with a file outside the renderer folder', async () => {
    for (const url of [
      'app://toolsmith/..%2Fsecret.txt',
      'app://toolsmith/..%5Csecret.txt',
      'app://toolsmith/%2e%2e/secret.txt',
      'app://toolsmith/assets/..%2F..%2Fsecret.txt',
      `app://toolsmith/${encodeURIComponent(path.join(dir, 'secret.txt'))}`,
      'app://toolsmith/..%2Frenderer-evil%2Fx.js',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text(), url).not.toContain('private');
    }
  });

  it('answers a missing file or a folder with 404 (no fallback page) and other methods with 405', async () => {
    expect((await get('app://toolsmith/assets/missing.js')).status).toBe(404);
    expect((await get('app://toolsmith/assets')).status).toBe(404);
    expect((await get('app://toolsmith/samples')).status).toBe(404);
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves the real built renderer when there is one', async (context) => {
    const built = path.resolve('out/renderer');
    if (!fs.existsSync(path.join(built, 'index.html'))) {
      console.log('SKIP: out/renderer is not built (npm run build)');
      context.skip();
    }
    const handler = appProtocolHandler(built);
    const page = await handler(new Request(APP_ENTRY_URL));
    const html = await page.text();
    // Every script and stylesheet the page names is served with a type the browser will execute / apply.
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const response = await handler(new Request(`app://toolsmith/${asset}`));
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toBe(mimeType(asset));
      expect(mimeType(asset), asset).not.toBe('application/octet-stream');
    }
  });
});

describe('the scheme', () => {
  it('is registered as a standard, secure scheme with fetch support, and nothing that loosens CORS or CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });

  it('maps the built file types to their MIME types', () => {
    expect(mimeType('a.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeType('a.svg')).toBe('image/svg+xml');
    expect(mimeType('a.wasm')).toBe('application/wasm');
    expect(mimeType('a.woff2')).toBe('font/woff2');
    expect(mimeType('a.exe')).toBe('application/octet-stream');
    expect(mimeType('Makefile')).toBe('application/octet-stream');
  });
});
