import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/main/engine/api';
import { MAX_BODY, startServer, type RunningServer } from '../../src/main/server';
import { closeFrame, frameHeader, rawExchange, rawWebSocket, sendAndDrop, statusOf, untilClosed } from '../helpers/raw-http';

// `toolsmith serve` must survive any byte sequence: after each hostile vector, sent on a raw socket, the same
// server still answers an ordinary authorized request.
let engine: Engine;
let server: RunningServer;
let host: string;
let dir: string;

beforeAll(async () => {
  // One server for every vector (the point is that it lives through all of them), so folders for the whole file.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-hostile-'));
  engine = openEngine(path.join(dir, 'workspace'));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Toolsmith</title>');
  server = await startServer({ engine, port: 0, staticDir });
  host = `127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stillServes(): Promise<void> {
  const res = await fetch(`http://${host}/api/workspace.status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  const page = await fetch(`http://${host}/`, { headers: { authorization: `Bearer ${server.token}` } });
  expect(page.status).toBe(200);
}

const auth = () => `Authorization: Bearer ${server.token}\r\n`;

describe('toolsmith serve against hostile clients', () => {
  it('answers an unparsable URL with 400, on a plain request and on an upgrade', async () => {
    expect(statusOf(await rawExchange(server.port, `GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))).toBe(400);
    await stillServes();
    const upgrade = `GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    expect(statusOf(await rawExchange(server.port, upgrade))).toBe(400);
    await stillServes();
  });

  it('answers a bad % escape in a static path and in an API method with 400', async () => {
    const page = await rawExchange(server.port, `GET /assets/%E0%A4%A.js HTTP/1.1\r\nHost: ${host}\r\n${auth()}Connection: close\r\n\r\n`);
    expect(statusOf(page)).toBe(400);
    await stillServes();
    const api = await rawExchange(
      server.port,
      `POST /api/%zz HTTP/1.1\r\nHost: ${host}\r\n${auth()}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(statusOf(api)).toBe(400);
    await stillServes();
  });

  it('survives a client that disconnects in the middle of a POST body', async () => {
    await sendAndDrop(
      server.port,
      `POST /api/workspace.status HTTP/1.1\r\nHost: ${host}\r\n${auth()}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a": "`,
    );
    await stillServes();
  });

  it('answers a body over the limit with 413 and a clear message', async () => {
    const answer = await rawExchange(
      server.port,
      `POST /api/workspace.status HTTP/1.1\r\nHost: ${host}\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n{`,
    );
    expect(statusOf(answer)).toBe(413);
    expect(answer).toContain(`over ${MAX_BODY} bytes`);
    await stillServes();
  });

  it('answers malformed HTTP with 400 and oversized headers with 431', async () => {
    expect(statusOf(await rawExchange(server.port, '\x00\x01\x02 garbage\r\n\r\n'))).toBe(400);
    await stillServes();
    const huge = `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`;
    expect(statusOf(await rawExchange(server.port, huge))).toBe(431);
    await stillServes();
  });

  it('closes a WebSocket that breaks the protocol, and keeps serving', async () => {
    const ws = await rawWebSocket(server.port, `/ws?token=${server.token}`);
    const closed = untilClosed(ws);
    ws.write(Buffer.from([0x83, 0x00])); // reserved opcode 3, and unmasked
    expect(closeFrame(await closed)?.code).toBe(1002);
    await stillServes();
  });

  it('closes a WebSocket message over the limit with 1009 and a reason, and keeps serving', async () => {
    const ws = await rawWebSocket(server.port, `/ws?token=${server.token}`);
    const closed = untilClosed(ws);
    ws.write(frameHeader(0x1, MAX_BODY + 1));
    const frame = closeFrame(await closed);
    expect(frame?.code).toBe(1009);
    expect(frame?.reason).toMatch(/over \d+ bytes/);
    await stillServes();
  });

  it('survives a WebSocket handshake that is dropped half-way', async () => {
    await sendAndDrop(
      server.port,
      `GET /ws?token=${server.token} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`,
    );
    await stillServes();
  });
});
