import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_CSP } from '../web/csp';
import { mimeType } from '../web/mime';

/**
 * The `app://` protocol that serves the built renderer (out/renderer) instead of `file://`: a page on
 * file:// may read any file the user can, while app://toolsmith/ can reach only the renderer folder, and
 * it is a secure, standard origin of its own for CSP 'self'. Plain Node: the shell passes this handler to
 * `protocol.handle` and the scheme to `protocol.registerSchemesAsPrivileged`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'toolsmith';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** For `protocol.registerSchemesAsPrivileged`, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: a real origin (relative URLs, 'self', localStorage); secure: like https (ES modules, no
  // mixed-content downgrade); supportFetchAPI: the renderer's module loader fetches its chunks.
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

export type AppPathResolution = { ok: true; file: string; type: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Which file under `root` an app:// URL names, decided on the URL alone (no file system). Refused:
 * another scheme or host (404), a bad `%` escape (400), and any segment that after decoding is `.` or
 * `..`, or holds `/`, `\`, `:` or NUL (403) — encoded traversal (`%2e%2e`, `..%2f`), absolute paths
 * (`%2Fetc%2Fpasswd`, `C:%5C…`) and Windows streams. The result is checked to lie inside root as well.
 */
export function resolveAppPath(root: string, requestUrl: string): AppPathResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { ok: false, status: 404, reason: `not ${APP_ORIGIN}` };
  }
  const segments: string[] = [];
  // The URL parser has already removed literal and %2e dot segments; the rest is checked after decoding.
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: `bad escape in ${JSON.stringify(raw)}` };
    }
    if (segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) {
      return { ok: false, status: 403, reason: `refused path segment ${JSON.stringify(segment)}` };
    }
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  const relative = path.relative(base, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { ok: false, status: 403, reason: 'outside the renderer folder' };
  }
  return { ok: true, file, type: mimeType(file) };
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * The `protocol.handle` handler: GET and HEAD of files under root, each with the renderer's CSP and
 * nosniff; a refused path or a missing file is an error response, never a file elsewhere. No fallback
 * to index.html: the desktop renderer routes by hash.
 */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const headers = { 'content-security-policy': RENDERER_CSP, 'x-content-type-options': 'nosniff' };
  const refuse = (status: number, message: string) =>
    new Response(`${message}\n`, { status, headers: { ...headers, 'content-type': TEXT } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const resolved = resolveAppPath(root, request.url);
    if (!resolved.ok) return refuse(resolved.status, resolved.reason);
    let body: Buffer;
    try {
      const stat = await fs.stat(resolved.file);
      if (!stat.isFile()) return refuse(404, 'Not found');
      body = await fs.readFile(resolved.file);
    } catch {
      return refuse(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'content-type': resolved.type, 'cache-control': 'no-cache' },
    });
  };
}
