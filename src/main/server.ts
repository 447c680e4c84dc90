import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, RpcRequest, type RpcResponse } from '../shared/rpc';
import type { Engine } from './engine/api';
import {
  allowedHostnames,
  answerClientError,
  checkHostAndOrigin,
  isJsonContentType,
  isStateChanging,
  parseRequestUrl,
  safeDecode,
} from './engine/http/request-guard';
import { serveStatic } from './server/static-files';
import { RENDERER_CSP } from './web/csp';

/**
 * Browser mode: the built renderer and the contract over HTTP + WebSocket on 127.0.0.1, guarded by a
 * session token, a Host and Origin check (only this server's own origin; see docs/security.md) and, for
 * state-changing requests, a JSON-only body type. A transport only: every call goes to `engine.call`, which
 * validates it. No byte sequence a client sends may take the process down: every request, response, socket
 * and WebSocket has an error handler, and bodies and messages are capped at MAX_BODY.
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

/** Cookies are not scoped by port, so the name carries it: two servers on one host keep their own tokens. */
export const cookieName = (port: number): string => `toolsmith_token_${port}`;
/** Largest API body and WebSocket message (a BFCL file uploaded from the Evaluation view is one message). */
export const MAX_BODY = MAX_MESSAGE_BYTES;
// The renderer's policy (the same as the desktop app's), and no framing by other pages.
const CSP = `${RENDERER_CSP}; frame-ancestors 'none'`;

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

  let port = 0; // known once listening, before any request arrives
  const hostnames = allowedHostnames(host);
  const tokenOf = (req: http.IncomingMessage, url: URL): string | undefined => {
    const COOKIE = cookieName(port);
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

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...securityHeaders, ...extra });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) =>
    sendJson(res, status, { error: { code, message } });

  const server = http.createServer((req, res) => {
    // A client that resets mid-request or mid-response must not become an unhandled 'error'.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    try {
      handleRequest(req, res);
    } catch (error) {
      refuse(res, 500, 'internal', `The server failed on this request: ${(error as Error).message}`);
    }
  });
  server.on('clientError', answerClientError);

  function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = parseRequestUrl(req.url);
    if (!url) return refuse(res, 400, 'invalid_input', 'The request URL does not parse.');
    const guard = checkHostAndOrigin(req, hostnames, port);
    if (guard) return refuse(res, guard.status, 'unauthorized', guard.message);
    if (!authorized(tokenOf(req, url)))
      return refuse(res, 401, 'unauthorized', 'Missing or wrong session token: open the URL that "toolsmith serve" printed.');
    if (isStateChanging(req.method) && !isJsonContentType(req.headers['content-type']))
      return refuse(res, 415, 'invalid_input', 'Send the body as JSON (content-type: application/json).');
    if (url.pathname.startsWith('/api/')) {
      handleApi(req, res, url.pathname.slice('/api/'.length)).catch((error: unknown) =>
        refuse(res, 500, 'internal', `The server failed on this request: ${(error as Error).message}`),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders);
      res.end();
      return;
    }
    // Remember the token in a same-site cookie so reloads and assets need no query string.
    const cookieHeader = { 'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    serveStatic(options.staticDir, url.pathname, res, { ...securityHeaders, ...cookieHeader });
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, rawMethod: string): Promise<void> {
    const send = (status: number, body: unknown) => sendJson(res, status, body);
    if (req.method !== 'POST') return send(405, { error: { code: 'invalid_input', message: 'Use POST /api/<method> with a JSON body.' } });
    const method = safeDecode(rawMethod);
    if (method === null) return send(400, { error: { code: 'invalid_input', message: 'The method name has a bad % escape.' } });
    const tooLarge = () => {
      // Answer, then drop the rest of the upload instead of reading it.
      res.once('finish', () => req.destroy());
      sendJson(res, 413, { error: { code: 'invalid_input', message: `Request body over ${MAX_BODY} bytes.` } }, { connection: 'close' });
    };
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) return tooLarge();
        chunks.push(chunk as Buffer);
      }
    } catch {
      return; // the client went away mid-body: nobody to answer
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    let params: unknown = {};
    if (raw.trim()) {
      try {
        params = JSON.parse(raw);
      } catch (error) {
        return send(400, { error: { code: 'invalid_input', message: `Request body is not JSON: ${(error as Error).message}` } });
      }
    }
    const outcome = await engine.call(method, params);
    if (outcome.ok) return send(200, { result: outcome.result });
    const status =
      outcome.error.code === 'unknown_method' || outcome.error.code === 'not_found' ? 404 : outcome.error.code === 'internal' ? 500 : 400;
    send(status, { error: outcome.error });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const deny = (status: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    };
    const url = parseRequestUrl(req.url);
    if (!url) return deny('400 Bad Request');
    if (checkHostAndOrigin(req, hostnames, port)) return deny('403 Forbidden');
    if (url.pathname !== '/ws' || !authorized(tokenOf(req, url))) return deny('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    // A protocol error or an oversized message closes this connection (ws sends the close frame); it must not
    // be an unhandled 'error'. ws closes an oversized message with 1009 but no reason: give it one.
    ws.on('error', () => undefined);
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) =>
      close(code, reason ?? (code === 1009 ? `Message over ${MAX_BODY} bytes (the limit of one message).` : undefined));
    const unsubscribe = engine.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data) => {
      answer(ws, data.toString()).catch((error: unknown) =>
        reply(ws, { id: null, error: { code: 'internal', message: `The server failed on this message: ${(error as Error).message}` } }),
      );
    });
  });

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
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
  }

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
  port = (server.address() as AddressInfo).port;
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
