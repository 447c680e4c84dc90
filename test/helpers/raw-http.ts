import crypto from 'node:crypto';
import net from 'node:net';

/** Connects to 127.0.0.1:port. */
export function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `bytes` as they are and collects everything the server answers until it closes the connection. */
export async function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  const socket = await connectRaw(port);
  return new Promise((resolve) => {
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(out));
    socket.write(bytes);
  });
}

/** Sends the start of a request and then disconnects without finishing it. */
export async function sendAndDrop(port: number, bytes: string): Promise<void> {
  const socket = await connectRaw(port);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.write(bytes, () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/** The status line's code of a raw HTTP answer (0 when there was none). */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** Opens a WebSocket by hand (raw handshake), for sending frames no WebSocket library would send. */
export async function rawWebSocket(port: number, path: string, headers: Record<string, string> = {}): Promise<net.Socket> {
  const socket = await connectRaw(port);
  socket.on('error', () => undefined);
  const key = crypto.randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString('latin1');
      if (out.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(out);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(out));
  });
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`no upgrade: ${head.split('\r\n')[0]}`);
  return socket;
}

/** Everything the server sends on `socket` until it closes it. */
export function untilClosed(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The code and reason of the first close frame in `bytes` (server frames are unmasked). */
export function closeFrame(bytes: Buffer): { code: number; reason: string } | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (opcode === 0x8) {
      const body = bytes.subarray(start, start + length);
      return { code: body.length >= 2 ? body.readUInt16BE(0) : 0, reason: body.subarray(2).toString('utf8') };
    }
    at = start + length;
  }
  return null;
}

/** A masked client frame header announcing `length` payload bytes (no payload follows). */
export function frameHeader(opcode: number, length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  crypto.randomBytes(4).copy(header, 10);
  return header;
}
