import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../src/main/electron/app-protocol';
import { installPermissionGuards, isPermissionAllowed, type PermissionSession } from '../../src/main/electron/permissions';

/** Every permission name this Electron's typings list for a request handler and for a check handler. */
function electronPermissions(handler: 'setPermissionRequestHandler' | 'setPermissionCheckHandler'): string[] {
  const typings = path.join(path.dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'electron.d.ts');
  const source = fs.readFileSync(typings, 'utf8');
  const line = source.split('\n').find((l) => l.includes(`${handler}(handler:`));
  const union = line?.match(/permission: ((?:'[^']+'(?: \| )?)+)/)?.[1];
  if (!union) throw new Error(`no permission union for ${handler} in ${typings}`);
  return [...union.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

const requestPermissions = electronPermissions('setPermissionRequestHandler');
const checkPermissions = electronPermissions('setPermissionCheckHandler');
const origins = [APP_ORIGIN, 'http://localhost:5173', 'https://example.com', 'file://', ''];

describe('web-content permissions', () => {
  it('reads the permission names from the installed Electron', () => {
    // Guards the parsing above: these are in every Electron since 30.
    expect(requestPermissions).toEqual(expect.arrayContaining(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']));
    expect(checkPermissions).toEqual(expect.arrayContaining(['hid', 'serial', 'usb', 'media', 'clipboard-read']));
  });

  it('allows nothing, to any origin, the app’s own included', () => {
    for (const permission of new Set([...requestPermissions, ...checkPermissions, 'device:hid', 'device:usb', 'device:serial'])) {
      for (const origin of origins) expect(isPermissionAllowed(permission, origin), `${permission} for ${origin}`).toBe(false);
    }
  });

  it('installs request, check and device handlers that deny', () => {
    // Electron's Session is not available here; this records what the shell hands it and calls it as Electron would.
    const handlers: Partial<{ request: unknown; check: unknown; device: unknown }> = {};
    const session: PermissionSession = {
      setPermissionRequestHandler: (handler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler) => (handlers.check = handler),
      setDevicePermissionHandler: (handler) => (handlers.device = handler),
    };
    installPermissionGuards(session);
    const request = handlers.request as Parameters<PermissionSession['setPermissionRequestHandler']>[0];
    const check = handlers.check as Parameters<PermissionSession['setPermissionCheckHandler']>[0];
    const device = handlers.device as Parameters<PermissionSession['setDevicePermissionHandler']>[0];
    expect(typeof request).toBe('function');

    for (const permission of requestPermissions) {
      const answers: boolean[] = [];
      request(null, permission, (granted) => answers.push(granted), { requestingUrl: `${APP_ORIGIN}/index.html` });
      // Answered exactly once, with no: an unanswered request would hang the page's promise.
      expect(answers, permission).toEqual([false]);
    }
    for (const permission of checkPermissions) expect(check(null, permission, APP_ORIGIN, {}), permission).toBe(false);
    for (const deviceType of ['hid', 'usb', 'serial']) expect(device({ deviceType, origin: APP_ORIGIN }), deviceType).toBe(false);
  });
});
