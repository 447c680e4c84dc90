import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { startServer, type RunningServer } from '../../src/main/server';
import { tempDir } from '../helpers/tmp';

// Cross-site WebSocket hijacking, CSRF and DNS rebinding against browser mode: a page on another origin (another
// 127.0.0.1 port included) or a rebound name must not reach the contract, even with the token in a cookie.
let engine: Engine;
let server: RunningServer;

beforeEach(async () => {
  engine = openEngine(tempDir());
  server = await startServer({ engine, port: 0, staticDir: tempDir() });
});
afterEach(async () => {
  await server.close();
  await engine.close();
});

function request(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'POST', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };
const bearer = () => ({ authorization: `Bearer ${server.token}` });

function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => undefined);
  });
}

describe('browser mode accepts only its own origin', () => {
  it('refuses a WebSocket upgrade from another origin, even another port of 127.0.0.1, and accepts its own', async () => {
    expect(await upgrade({ origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgrade({ origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade({ origin: 'null' })).toBe(403);
    expect(await upgrade({ origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await upgrade({ origin: `http://localhost:${server.port}` })).toBe(101);
    expect(await upgrade({})).toBe(101); // a non-browser client (no Origin) with the right Host
  });

  it('refuses an HTTP call from another origin with 403, though the token is right', async () => {
    const foreign = await request('/api/workspace.status', {
      headers: { ...bearer(), ...json, origin: `http://127.0.0.1:${server.port + 1}` },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    const own = await request('/api/workspace.status', {
      headers: { ...bearer(), ...json, origin: `http://127.0.0.1:${server.port}` },
      body: '{}',
    });
    expect(own.status).toBe(200);
  });

  it('refuses a Host that does not name this server (DNS rebinding) with 403, on HTTP and on upgrade', async () => {
    const rebound = await request('/api/workspace.status', {
      headers: { ...bearer(), ...json, host: `rebind.example:${server.port}` },
      body: '{}',
    });
    expect(rebound.status).toBe(403);
    const otherPort = await request('/', { method: 'GET', headers: { ...bearer(), host: `127.0.0.1:${server.port + 1}` } });
    expect(otherPort.status).toBe(403);
    expect(await upgrade({ host: `rebind.example:${server.port}` })).toBe(403);
  });

  it('takes a state-changing request only as application/json: text/plain and look-alikes get 415', async () => {
    const call = (type: string | undefined) =>
      request('/api/settings.set', {
        headers: { ...bearer(), ...(type ? { 'content-type': type } : {}) },
        body: '{"key": "k", "value": 1}',
      });
    expect((await call('text/plain')).status).toBe(415);
    expect((await call('text/plain; x=application/json')).status).toBe(415);
    expect((await call('application/x-www-form-urlencoded')).status).toBe(415);
    expect((await call('application/json; x=1')).status).toBe(415);
    expect((await call(undefined)).status).toBe(415);
    expect((await call('application/json; charset=UTF-8')).status).toBe(200);
  });

  it('names its cookie after its port and reads no other', async () => {
    const page = await request(`/?token=${server.token}`, { method: 'GET' });
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(`toolsmith_token_${server.port}=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    const own = await request('/api/workspace.status', {
      headers: { ...json, cookie: `toolsmith_token_${server.port}=${server.token}` },
      body: '{}',
    });
    expect(own.status).toBe(200);
    const unscoped = await request('/api/workspace.status', {
      headers: { ...json, cookie: `toolsmith_token=${server.token}` },
      body: '{}',
    });
    expect(unscoped.status).toBe(401);
  });
});
