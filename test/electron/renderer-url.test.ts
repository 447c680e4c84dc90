import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL } from '../../src/main/electron/app-protocol';
import { rendererEntry } from '../../src/main/electron/renderer-url';

const dev = 'http://localhost:5173';

describe('what the window loads', () => {
  it('is the built renderer over app:// when no dev server is given', () => {
    expect(rendererEntry({ isPackaged: false, devBuild: false, devUrl: undefined })).toEqual({ url: 'app://toolsmith/index.html' });
    expect(rendererEntry({ isPackaged: true, devBuild: false, devUrl: undefined })).toEqual({ url: APP_ENTRY_URL });
    expect(rendererEntry({ isPackaged: false, devBuild: true, devUrl: '' })).toEqual({ url: APP_ENTRY_URL });
  });

  it('is the dev server only in an unpackaged development build', () => {
    expect(rendererEntry({ isPackaged: false, devBuild: true, devUrl: dev })).toEqual({ url: 'http://localhost:5173/' });
    expect(rendererEntry({ isPackaged: false, devBuild: true, devUrl: 'http://127.0.0.1:5174/' })).toEqual({
      url: 'http://127.0.0.1:5174/',
    });
    expect(rendererEntry({ isPackaged: false, devBuild: true, devUrl: 'http://[::1]:5173' })).toEqual({ url: 'http://[::1]:5173/' });
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app or a production build, and says so', () => {
    for (const input of [
      { isPackaged: true, devBuild: false, devUrl: dev },
      { isPackaged: true, devBuild: true, devUrl: dev },
      { isPackaged: false, devBuild: false, devUrl: dev },
    ]) {
      const entry = rendererEntry(input);
      expect(entry.url, JSON.stringify(input)).toBe(APP_ENTRY_URL);
      expect(entry.ignored, JSON.stringify(input)).toMatch(/ELECTRON_RENDERER_URL is ignored/);
    }
  });

  it('refuses a dev URL that is not an http(s) server on this machine', () => {
    for (const devUrl of [
      'https://evil.example/',
      'http://192.168.1.5:5173',
      'file:///tmp/index.html',
      'javascript:alert(1)',
      'not a url',
      'http://localhost.evil.example:5173',
    ]) {
      const entry = rendererEntry({ isPackaged: false, devBuild: true, devUrl });
      expect(entry.url, devUrl).toBe(APP_ENTRY_URL);
      expect(entry.ignored, devUrl).toBeDefined();
    }
  });
});
