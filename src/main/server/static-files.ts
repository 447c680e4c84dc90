import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { safeDecode } from '../engine/http/request-guard';
import { mimeType } from '../web/mime';

/**
 * Serves the built renderer. Paths that are not files get index.html, so that the app's routes
 * (/samples, /rounds, …) survive a reload.
 */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): void {
  const decoded = safeDecode(urlPath.split('?')[0] ?? '/');
  if (decoded === null || decoded.includes('\0')) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end('Bad path\n');
    return;
  }
  const target = path.normalize(path.join(root, decoded));
  const inside = target.startsWith(path.normalize(root + path.sep));
  let file = inside && fs.existsSync(target) && fs.statSync(target).isFile() ? target : path.join(root, 'index.html');
  if (!fs.existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(`The Toolsmith UI is not built (${root} has no index.html). Run "npm run build" first.\n`);
    return;
  }
  if (path.extname(decoded) && file.endsWith('index.html') && decoded !== '/index.html') {
    // A missing asset is a 404, not the app page.
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end('Not found\n');
    return;
  }
  file = path.resolve(file);
  const type = mimeType(file);
  const cache = file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, { 'content-type': type, 'cache-control': cache, ...headers });
  // A file that vanishes or cannot be read mid-way ends this response, not the server.
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
