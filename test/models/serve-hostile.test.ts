import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, type LocalBackend } from '../../src/main/engine/inference/local-backend';
import { startModelServer, type ModelServer } from '../../src/main/engine/serving/serve';
import { rawExchange, sendAndDrop, statusOf } from '../helpers/raw-http';
import { sharedDir } from '../helpers/tmp';

// serve-model against hostile clients and pages: it survives malformed and aborted requests, answers only to
// its own Host (DNS rebinding needs no key to be refused) and takes POST bodies only as application/json.
const STORIES = path.join(sharedDir, 'models', 'stories260K.gguf');

let backend: LocalBackend;
let server: ModelServer;
let host: string;

beforeAll(async () => {
  backend = await createLocalBackend({ modelPath: STORIES, threads: 1, contextSize: 256, sequences: 1, gpu: false });
  server = await startModelServer({ backend, modelName: 'stories260K', port: 0, maxBodyBytes: 4096 });
  host = `127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await backend?.dispose();
});

const ASK = JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'Once upon' }], max_tokens: 2, temperature: 0 });

function post(type: string | null, headers: Record<string, string> = {}): Promise<string> {
  const lines = [
    'POST /v1/chat/completions HTTP/1.1',
    `Host: ${host}`,
    ...(type === null ? [] : [`Content-Type: ${type}`]),
    `Content-Length: ${Buffer.byteLength(ASK)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return rawExchange(server.port, `${lines.join('\r\n')}\r\n\r\n${ASK}`);
}

async function stillServes(): Promise<void> {
  const res = await fetch(`${server.url}/models`);
  expect(res.status).toBe(200);
}

describe('serve-model against hostile clients', () => {
  it('answers an unparsable URL and a bad % escape with 400 and keeps serving', async () => {
    expect(statusOf(await rawExchange(server.port, `GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))).toBe(400);
    await stillServes();
    expect(statusOf(await rawExchange(server.port, `GET /v1/models/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))).toBe(
      400,
    );
    await stillServes();
    expect(statusOf(await rawExchange(server.port, '\x00\x01 garbage\r\n\r\n'))).toBe(400);
    await stillServes();
  });

  it('survives a client that disconnects in the middle of a POST body, and caps the body with 413', async () => {
    await sendAndDrop(
      server.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"mess`,
    );
    await stillServes();
    const big = await rawExchange(
      server.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    expect(statusOf(big)).toBe(413);
    await stillServes();
  });

  it('refuses a Host that does not name it (DNS rebinding) with 403, though it has no API key', async () => {
    const rebound = await rawExchange(
      server.port,
      `GET /v1/models HTTP/1.1\r\nHost: rebind.example:${server.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(rebound)).toBe(403);
    expect(statusOf(await post('application/json'))).toBe(200);
    const localhost = await rawExchange(
      server.port,
      `GET /v1/models HTTP/1.1\r\nHost: localhost:${server.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(localhost)).toBe(200);
  });

  it('takes a POST only as application/json: text/plain, look-alikes and no type get 415', async () => {
    expect(statusOf(await post('text/plain'))).toBe(415);
    expect(statusOf(await post('text/plain; x=json'))).toBe(415);
    expect(statusOf(await post('application/x-www-form-urlencoded'))).toBe(415);
    expect(statusOf(await post(null))).toBe(415);
    expect(statusOf(await post('application/json; charset=utf-8'))).toBe(200);
  });
});
