import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP file server on 127.0.0.1 for download tests: serves one buffer with Range support, records every
 * request's Range header, and can stall after a given number of bytes (an interrupted connection).
 */
export interface FileServer {
  url: (name: string) => string;
  ranges: (string | undefined)[];
  /** Bytes actually sent, over all requests. */
  sent: () => number;
  /** Stop every response after this absolute byte offset (the connection stays open, silent). */
  stallAfter: number | null;
  close(): Promise<void>;
}

export async function startFileServer(data: Buffer): Promise<FileServer> {
  let sent = 0;
  const state: FileServer = {
    url: (name) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/${name}`,
    ranges: [],
    sent: () => sent,
    stallAfter: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/files/')) {
      res.writeHead(404).end('not found');
      return;
    }
    state.ranges.push(req.headers.range);
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const end = match && match[2] ? Number(match[2]) : data.length - 1;
    res.writeHead(match ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      ...(match ? { 'content-range': `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stop = state.stallAfter === null ? end + 1 : Math.min(end + 1, Math.max(start, state.stallAfter));
    const body = data.subarray(start, stop);
    sent += body.length;
    if (stop <= end) res.write(body);
    else res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return state;
}
