/**
 * Checks shared by Toolsmith's two local HTTP servers (browser mode and `serve-model`): what a request must
 * carry before any handler looks at it, and parsing that never throws on hostile bytes.
 *
 * Why: a page on any other origin (another port of 127.0.0.1 included) can make the browser send "simple"
 * requests and open WebSockets to us, and a DNS-rebinding page can make them look same-origin. So the Host
 * header must name this server, a browser's Origin must be this server's own, and a state-changing request must
 * be `application/json` (which a cross-origin page cannot send without a CORS preflight that we never grant).
 */
import type http from 'node:http';
import os from 'node:os';
import type { Duplex } from 'node:stream';

/** `req.url` as a URL, or null when it does not parse (e.g. `http://[::1`). */
export function parseRequestUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** `decodeURIComponent` that answers null on a bad `%` escape instead of throwing URIError. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** How a host name or address appears in a URL's `hostname` (IPv6 in brackets, lower case). */
function urlHostname(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * The host names this server answers to on `port`: the loopback names, the address it was bound to, and where
 * it was bound to every interface (0.0.0.0, ::) the machine's own addresses and name.
 */
export function allowedHostnames(boundHost: string, extra: readonly string[] = []): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, urlHostname(boundHost), ...extra.map(urlHostname)]);
  if (boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '') {
    for (const addresses of Object.values(os.networkInterfaces()))
      for (const address of addresses ?? []) names.add(urlHostname(address.address));
    names.add(urlHostname(os.hostname()));
  }
  return names;
}

/** True when `authority` (a Host header, or an Origin's host:port) names one of `hostnames` on `port`. */
function namesThisServer(authority: string, hostnames: ReadonlySet<string>, port: number): boolean {
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return false;
  return hostnames.has(url.hostname) && (url.port || '80') === String(port);
}

export type GuardFailure = { status: 403; message: string };

/** Host must name this server (DNS rebinding); a browser's Origin, when sent, must be this server's own origin. */
export function checkHostAndOrigin(
  req: http.IncomingMessage,
  hostnames: ReadonlySet<string>,
  port: number,
  options: { checkOrigin: boolean } = { checkOrigin: true },
): GuardFailure | null {
  const host = req.headers.host;
  if (!host || !namesThisServer(host, hostnames, port))
    return { status: 403, message: `The Host header ${JSON.stringify(host ?? '')} does not name this server.` };
  if (!options.checkOrigin) return null;
  const origin = req.headers.origin;
  if (origin === undefined) return null; // not a browser (the CLI, curl, an SDK): the Host check and the token decide
  const match = /^http:\/\/([^/]+)$/i.exec(origin);
  if (!match || !namesThisServer(match[1]!, hostnames, port))
    return { status: 403, message: `Requests from the origin ${JSON.stringify(origin)} are not allowed.` };
  return null;
}

/**
 * True for `application/json`, optionally with a UTF-8 charset parameter and nothing else: the one body type a
 * cross-origin page cannot send without a preflight (`text/plain; x=json` is not JSON here).
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [name, value, ...rest] = param.split('=');
    if (rest.length > 0 || value === undefined) return false;
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return name!.trim().toLowerCase() === 'charset' && (charset === 'utf-8' || charset === 'utf8');
  });
}

/** Methods that may change state, and so must carry a JSON body type. */
export function isStateChanging(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * The server's 'clientError' handler: a malformed request gets a plain 400 (431 for oversized headers) and its
 * socket is closed; a socket that already broke is just destroyed. Nothing here may throw.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
