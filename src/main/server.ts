import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RpcRequest, type RpcResponse } from '../shared/rpc';
import type { Engine } from './engine/api';
import { serveStatic } from './server/static-files';

/**
 * Browser mode: the built renderer and the contract over HTTP + WebSocket on 127.0.0.1, guarded by a
 * session token. A transport only: every call goes to `engine.call`, which validates it.
 */
export interface ServerOptions {
  engine: Engine;
  host?: string;
  port?: number;
  token?: string;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const COOKIE = 'toolsmith_token';
const MAX_BODY = 32 * 1024 * 1024;
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export class ServerError extends Error {}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const { engine } = options;
  const securityHeaders = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  const tokenOf = (req: http.IncomingMessage, url: URL): string | undefined => {
    const fromQuery = url.searchParams.get('token');
    if (fromQuery) return fromQuery;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    const cookie = req.headers.cookie
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${COOKIE}=`));
    return cookie?.slice(COOKIE.length + 1);
  };
  const authorized = (given: string | undefined): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!authorized(tokenOf(req, url))) {
      res.writeHead(401, { 'content-type': 'application/json', ...securityHeaders });
      res.end(
        JSON.stringify({
          error: { code: 'unauthorized', message: 'Missing or wrong session token: open the URL that "toolsmith serve" printed.' },
        }),
      );
      return;
    }
    // Remember the token in a same-site cookie so reloads and assets need no query string.
    const cookieHeader = { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (url.pathname.startsWith('/api/')) {
      void handleApi(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders);
      res.end();
      return;
    }
    serveStatic(options.staticDir, url.pathname, res, { ...securityHeaders, ...cookieHeader });
  });

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...securityHeaders });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return send(405, { error: { code: 'invalid_input', message: 'Use POST /api/<method> with a JSON body.' } });
    let raw = '';
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return send(413, { error: { code: 'invalid_input', message: `Request body over ${MAX_BODY} bytes.` } });
      raw += chunk;
    }
    let params: unknown = {};
    if (raw.trim()) {
      try {
        params = JSON.parse(raw);
      } catch (error) {
        return send(400, { error: { code: 'invalid_input', message: `Request body is not JSON: ${(error as Error).message}` } });
      }
    }
    const outcome = await engine.call(decodeURIComponent(method), params);
    if (outcome.ok) return send(200, { result: outcome.result });
    const status =
      outcome.error.code === 'unknown_method' || outcome.error.code === 'not_found' ? 404 : outcome.error.code === 'internal' ? 500 : 400;
    send(status, { error: outcome.error });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws' || !authorized(tokenOf(req, url))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = engine.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch (error) {
        reply(ws, { id: null, error: { code: 'invalid_input', message: `Message is not JSON: ${(error as Error).message}` } });
        return;
      }
      const request = RpcRequest.safeParse(message);
      if (!request.success) {
        reply(ws, { id: null, error: { code: 'invalid_input', message: 'Message must be {"id", "method", "params"}.' } });
        return;
      }
      const outcome = await engine.call(request.data.method, request.data.params);
      reply(ws, outcome.ok ? { id: request.data.id, result: outcome.result } : { id: request.data.id, error: outcome.error });
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new ServerError(`Port ${options.port} on ${host} is already in use. Choose another with --port (0 picks a free one).`));
      else if (error.code === 'EADDRNOTAVAIL')
        reject(new ServerError(`Cannot listen on ${host}: no such address on this machine. Check --host.`));
      else reject(new ServerError(`Cannot listen on ${host}:${options.port}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function reply(ws: WebSocket, response: RpcResponse): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
}
