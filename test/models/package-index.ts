import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * Test helpers for the pypi: model source: a wheel (a real zip, written here with zlib) and a PEP 503
 * "simple" package index on 127.0.0.1 that pip can be pointed at with --index-url.
 */

export interface ZipFileSpec {
  name: string;
  data: Buffer;
  /** Stored instead of deflated. */
  store?: boolean;
}

/** A zip file: local headers + data, then the central directory and the end record. */
export function makeZip(files: ZipFileSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = f.store ? f.data : zlib.deflateRawSync(f.data);
    const crc = zlib.crc32(f.data) >>> 0;
    const method = f.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

/** A py3-none-any wheel with the metadata pip reads, plus the given files. */
export function makeWheel(pkg: string, version: string, files: ZipFileSpec[]): { fileName: string; data: Buffer } {
  const dist = pkg.replace(/[-_.]+/g, '_');
  const info = `${dist}-${version}.dist-info`;
  const meta: ZipFileSpec[] = [
    { name: `${info}/METADATA`, data: Buffer.from(`Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n\n`) },
    {
      name: `${info}/WHEEL`,
      data: Buffer.from('Wheel-Version: 1.0\nGenerator: toolsmith-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
    },
  ];
  const all = [...files, ...meta];
  const record = all.map((f) => `${f.name},,`).join('\n') + `\n${info}/RECORD,,\n`;
  return {
    fileName: `${dist}-${version}-py3-none-any.whl`,
    data: makeZip([...all, { name: `${info}/RECORD`, data: Buffer.from(record) }]),
  };
}

export interface PackageIndex {
  /** The --index-url (…/simple/). */
  url: string;
  /** Every request path, in order. */
  requests: string[];
  /** Hold wheel downloads until released (to cancel while pip is fetching); resolves when one is held. */
  holdWheels(): Promise<void>;
  /** Connections open now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startPackageIndex(packages: { name: string; wheel: { fileName: string; data: Buffer } }[]): Promise<PackageIndex> {
  const requests: string[] = [];
  let hold: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const simple = /^\/simple\/([^/]+)\/?$/.exec(url);
    if (simple) {
      const wanted = simple[1]!.toLowerCase().replace(/[-_.]+/g, '-');
      const pkg = packages.find((p) => p.name.toLowerCase().replace(/[-_.]+/g, '-') === wanted);
      if (!pkg) return void res.writeHead(404).end('not found');
      const sha = crypto.createHash('sha256').update(pkg.wheel.data).digest('hex');
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(
        `<!DOCTYPE html><html><body><a href="/files/${pkg.wheel.fileName}#sha256=${sha}">${pkg.wheel.fileName}</a></body></html>`,
      );
    }
    const file = /^\/files\/([^/]+)$/.exec(url);
    const pkg = file && packages.find((p) => p.wheel.fileName === file[1]);
    if (!pkg) return void res.writeHead(404).end('not found');
    if (hold) {
      hold();
      return; // never answered: pip waits until it is killed
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': pkg.wheel.data.length });
    res.end(pkg.wheel.data);
  });
  let open = 0;
  server.on('connection', (socket) => {
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    openConnections: () => open,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`,
    requests,
    holdWheels: () => new Promise<void>((resolve) => (hold = resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
