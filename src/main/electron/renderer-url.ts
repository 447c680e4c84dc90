import { APP_ENTRY_URL } from './app-protocol';

export interface RendererEntryInput {
  /** `app.isPackaged`. */
  isPackaged: boolean;
  /** Compiled in by electron-vite: true only in `electron-vite dev` (see electron.vite.config.ts). */
  devBuild: boolean;
  /** `process.env.ELECTRON_RENDERER_URL`, which electron-vite dev sets to its server. */
  devUrl: string | undefined;
}

export interface RendererEntry {
  url: string;
  /** Why a dev URL that was set is not used: said on stderr. */
  ignored?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What the window loads: the built renderer over app://, except in a development build that is not
 * packaged and was given a dev server on this machine. An installed app never loads a URL from its
 * environment, so ELECTRON_RENDERER_URL cannot point it at someone else's page.
 */
export function rendererEntry({ isPackaged, devBuild, devUrl }: RendererEntryInput): RendererEntry {
  if (!devUrl) return { url: APP_ENTRY_URL };
  if (isPackaged) return { url: APP_ENTRY_URL, ignored: 'ELECTRON_RENDERER_URL is ignored by a packaged app' };
  if (!devBuild) return { url: APP_ENTRY_URL, ignored: 'ELECTRON_RENDERER_URL is ignored outside a development build' };
  let parsed: URL;
  try {
    parsed = new URL(devUrl);
  } catch {
    return { url: APP_ENTRY_URL, ignored: `ELECTRON_RENDERER_URL is not a URL: ${devUrl}` };
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !LOOPBACK.has(parsed.hostname)) {
    return { url: APP_ENTRY_URL, ignored: `ELECTRON_RENDERER_URL must be an http(s) URL on this machine: ${devUrl}` };
  }
  return { url: parsed.href };
}
