import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { startServer, type RunningServer } from '../../src/main/server';
import { tempDir } from '../helpers/tmp';

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

function connect(token = server.token): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function request(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const parsed = JSON.parse(data.toString()) as Record<string, unknown>;
      if ('event' in parsed) return;
      ws.off('message', onMessage);
      resolve(parsed);
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('the contract over the WebSocket bridge', () => {
  it('round-trips calls and pushes events', async () => {
    const ws = await connect();
    const status = await request(ws, { id: 1, method: 'workspace.status', params: {} });
    expect(status.id).toBe(1);
    expect((status.result as { schemaVersion: number }).schemaVersion).toBeGreaterThan(0);
    const event = new Promise((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { event?: string; payload?: unknown };
        if (m.event === 'workspace.changed') resolve(m.payload);
      }),
    );
    const set = await request(ws, { id: 2, method: 'settings.set', params: { key: 'k', value: [1, 2] } });
    expect(set).toEqual({ id: 2, result: { key: 'k', value: [1, 2] } });
    expect(await event).toEqual({ what: 'settings.k' });
    const got = await request(ws, { id: 3, method: 'settings.get', params: { key: 'k' } });
    expect(got.result).toEqual({ key: 'k', value: [1, 2] });
    ws.close();
  });

  it('answers an unknown method, an invalid payload and garbage with structured errors and keeps serving', async () => {
    const ws = await connect();
    expect(await request(ws, { id: 1, method: 'no.such.method', params: {} })).toMatchObject({ id: 1, error: { code: 'unknown_method' } });
    const invalid = await request(ws, { id: 2, method: 'settings.get', params: { key: 42 } });
    expect(invalid).toMatchObject({ id: 2, error: { code: 'invalid_input' } });
    expect((invalid.error as { message: string }).message).toMatch(/params\.key/);
    expect(await request(ws, '{not json')).toMatchObject({ id: null, error: { code: 'invalid_input' } });
    expect(await request(ws, { id: 4, method: 'workspace.status' })).toHaveProperty('result');
    ws.close();
  });

  it('refuses a WebSocket or an HTTP request without the token', async () => {
    await expect(connect('wrong')).rejects.toThrow(/401/);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/workspace.status`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const page = await fetch(`http://127.0.0.1:${server.port}/overview`);
    expect(page.status).toBe(401);
  });

  it('serves the same contract over HTTP POST with the token', async () => {
    const call = (method: string, body: string) =>
      fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      });
    const ok = await call('workspace.status', '{}');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { counts: object } }).result.counts).toBeDefined();
    const unknown = await call('nope', '{}');
    expect(unknown.status).toBe(404);
    const bad = await call('settings.get', '{"key": ""}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
  });
});
