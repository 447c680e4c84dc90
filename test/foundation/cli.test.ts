import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServe } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

describe('toolsmith CLI', () => {
  it('prints help and the workspace status as a table and as JSON', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve/);
    const ws = tempDir();
    const table = await runCli(['--workspace', ws, 'status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/samples\s+0/);
    const json = await runCli(['--workspace', ws, 'status', '--json']);
    expect(JSON.parse(json.stdout).path).toBe(ws);
  });

  it('fails with one clear line on an unwritable workspace path', async () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, 'x');
    const result = await runCli(['--workspace', path.join(file, 'ws'), 'status']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: Cannot create the workspace folder/);
  });

  it('refuses a port already in use and a second serve on the same workspace, leaving the first intact', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const ws = tempDir();
    const busy = await runCli(['--workspace', ws, 'serve', '--port', String(port)]);
    blocker.close();
    expect(busy.code).not.toBe(0);
    expect(busy.stderr.trim()).toMatch(new RegExp(`^error: Port ${port} on 127.0.0.1 is already in use`));

    const first = await startServe(['--workspace', ws, 'serve', '--port', '0']);
    try {
      const second = await runCli(['--workspace', ws, 'serve', '--port', '0']);
      expect(second.code).not.toBe(0);
      expect(second.stderr.trim()).toMatch(/^error: The workspace .* is already in use by process \d+/);
      const token = new URL(first.url).searchParams.get('token');
      const res = await fetch(new URL('/api/workspace.status', first.url), {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
    } finally {
      await first.stop();
    }
    const after = await runCli(['--workspace', ws, 'status', '--json']);
    expect(after.code).toBe(0);
  });
});
