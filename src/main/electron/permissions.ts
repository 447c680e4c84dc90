/**
 * Permissions for web content: none. The renderer needs no camera, microphone, notifications, clipboard
 * read, geolocation, HID/USB/serial, fullscreen or anything else a page can ask for, so every request and
 * every check is refused, whatever the origin (even the app's own). Should one be needed later, it goes in
 * ALLOWED with the origin that may have it, and the test lists it.
 */
const ALLOWED: ReadonlyMap<string, ReadonlySet<string>> = new Map();

export function isPermissionAllowed(permission: string, requestingOrigin: string): boolean {
  return ALLOWED.get(permission)?.has(requestingOrigin) ?? false;
}

/** Origin of a URL (`app://toolsmith`), or '' for one that does not parse: nothing is allowed for ''. */
function originOf(url: string | undefined): string {
  if (!url) return '';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '';
  }
}

/** The parts of Electron's Session the guard sets (structural, so that plain Node can call it). */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: { deviceType?: string; origin?: string }) => boolean): void;
}

/** Installs deny-by-default handlers on a session: requests, synchronous checks and device (HID/USB/serial) grants. */
export function installPermissionGuards(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, originOf(details.requestingUrl))),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, originOf(requestingOrigin)),
  );
  session.setDevicePermissionHandler((details) => isPermissionAllowed(`device:${details.deviceType ?? ''}`, originOf(details.origin)));
}
