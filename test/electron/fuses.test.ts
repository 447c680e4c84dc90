import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Fuses are flipped in the Electron binary by electron-builder at packaging time (`build.electronFuses` in
// package.json, applied with @electron/fuses right before signing). No Electron binary is installed here, so
// the last test runs electron-builder's own mapping and @electron/fuses on a file laid out like one: the
// sentinel, wire version 1, wire length 8 and Electron's default states.
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { build: { electronFuses?: Record<string, boolean> } };

type FusesModule = {
  FuseV1Options: Record<string, number | string>;
  FuseState: Record<string, number>;
  flipFuses(file: string, config: Record<string, unknown>): Promise<number>;
  getCurrentFuseWire(file: string): Promise<Record<string, unknown>>;
};
const fuses = require('@electron/fuses') as FusesModule;
const { SENTINEL, FuseState } = require('@electron/fuses/dist/constants') as { SENTINEL: string; FuseState: Record<string, number> };
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(options: unknown): Promise<Record<string, unknown>> } };
};

let dir: string;
beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-fuses-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Electron fuses', () => {
  it('are configured for packaging: no run-as-node, no NODE_OPTIONS, no --inspect, encrypted cookies, integrity-checked app.asar only', () => {
    expect(pkg.build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('use only options that this electron-builder’s schema knows (it refuses unknown ones when packaging)', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    expect(known).toContain('runAsNode');
    for (const key of Object.keys(pkg.build.electronFuses ?? {})) expect(known, key).toContain(key);
  });

  it('are written into the binary by electron-builder’s mapping and @electron/fuses', async () => {
    const binary = path.join(dir, 'toolsmith');
    const defaults = [1, 0, 1, 1, 0, 0, 0, 1].map((on) => (on ? FuseState.ENABLE! : FuseState.DISABLE!));
    fs.writeFileSync(
      binary,
      Buffer.concat([
        Buffer.alloc(4096, 0x41),
        Buffer.from(SENTINEL, 'ascii'),
        Buffer.from([1, defaults.length, ...defaults]),
        Buffer.alloc(4096, 0x42),
      ]),
    );
    const config = await PlatformPackager.prototype.generateFuseConfig.call(null, pkg.build.electronFuses);
    await fuses.flipFuses(binary, { ...config, strictlyRequireAllFuses: true });
    const wire = await fuses.getCurrentFuseWire(binary);
    const state = (name: string) => wire[fuses.FuseV1Options[name] as number];
    expect(state('RunAsNode')).toBe(FuseState.DISABLE);
    expect(state('EnableCookieEncryption')).toBe(FuseState.ENABLE);
    expect(state('EnableNodeOptionsEnvironmentVariable')).toBe(FuseState.DISABLE);
    expect(state('EnableNodeCliInspectArguments')).toBe(FuseState.DISABLE);
    expect(state('EnableEmbeddedAsarIntegrityValidation')).toBe(FuseState.ENABLE);
    expect(state('OnlyLoadAppFromAsar')).toBe(FuseState.ENABLE);
    expect(state('GrantFileProtocolExtraPrivileges')).toBe(FuseState.DISABLE);
  });
});
