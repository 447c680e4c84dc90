/**
 * The Electron shell, and nothing more: window, security settings, and IPC wired to the engine.
 * Everything else lives in the engine, which runs (and is tested) under plain Node.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, type Engine } from './engine/api';
import { jobRunner } from './engine/jobs/runner';
import { trainerChildConfig } from './engine/train/native/desktop-entry';
import { WorkspaceError } from './engine/db/errors';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './electron/app-protocol';
import { RENDERER_CSP } from './web/csp';
import { guardNavigation, guardWindowOpen } from './electron/navigation';
import { installPermissionGuards } from './electron/permissions';
import { rendererEntry } from './electron/renderer-url';

/** Set by electron.vite.config.ts: true only in `electron-vite dev`. */
declare const __TOOLSMITH_DEV_BUILD__: boolean | undefined;
const devBuild = typeof __TOOLSMITH_DEV_BUILD__ !== 'undefined' && __TOOLSMITH_DEV_BUILD__ === true;

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index >= 0) return process.argv[index + 1];
  const prefixed = process.argv.find((a) => a.startsWith(`${name}=`));
  return prefixed?.slice(name.length + 1);
}

/** better-sqlite3 built for Electron's ABI (see scripts/electron-native.mjs); Node's build stays for tests. */
function sqliteBinding(): string | undefined {
  const candidates = [
    process.env.TOOLSMITH_SQLITE_BINDING,
    path.join(app.getAppPath(), '.cache', 'electron-native', 'better_sqlite3.node'),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(p));
}

interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
}

const stateFile = () => path.join(app.getPath('userData'), 'window-state.json');
function loadWindowState(): WindowState {
  try {
    return { width: 1280, height: 820, ...(JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as Partial<WindowState>) };
  } catch {
    return { width: 1280, height: 820 };
  }
}
function saveWindowState(win: BrowserWindow): void {
  const bounds = win.getNormalBounds();
  fs.writeFileSync(stateFile(), JSON.stringify({ ...bounds, maximized: win.isMaximized() }));
}

let engine: Engine | undefined;
let mainWindow: BrowserWindow | undefined;

function createWindow(): void {
  const state = loadWindowState();
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    x: state.x,
    y: state.y,
    show: false,
    title: 'Toolsmith',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  mainWindow = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveWindowState(win));
  const entry = rendererEntry({ isPackaged: app.isPackaged, devBuild, devUrl: process.env.ELECTRON_RENDERER_URL });
  if (entry.ignored) console.error(`warning: ${entry.ignored}; loading ${entry.url}`);
  void win.loadURL(entry.url);
}

function start(): void {
  const dir = argValue('--workspace') ?? path.join(app.getPath('userData'), 'workspace');
  try {
    engine = openEngine(dir, {
      lock: 'Toolsmith desktop',
      nativeBinding: sqliteBinding(),
      onMigrate: (from, to) => console.log(`Updating the workspace database from schema ${from} to ${to}…`),
    });
  } catch (error) {
    const message = error instanceof WorkspaceError ? error.message : String(error);
    console.error(`error: ${message}`);
    app.exit(1);
    return;
  }
  const current = engine;
  // The desktop app hosts the job runner: interrupted jobs resume now.
  jobRunner(current.ctx);
  installPermissionGuards(session.defaultSession);
  // The built renderer, from out/renderer only; its responses carry the CSP themselves.
  protocol.handle(APP_SCHEME, appProtocolHandler(path.join(__dirname, '../renderer')));
  // The dev server's pages (development builds only) get the same CSP.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  // The contract's only way in: every payload is validated by the engine before a handler sees it.
  ipcMain.handle('toolsmith:call', async (event, method: unknown, params: unknown) => {
    if (event.senderFrame !== mainWindow?.webContents.mainFrame) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted from the app window only.' } };
    }
    if (typeof method !== 'string') return { ok: false, error: { code: 'invalid_input', message: 'method must be a string' } };
    return current.call(method, params);
  });
  current.subscribe((name, payload) => mainWindow?.webContents.send('toolsmith:event', name, payload));
  createWindow();
}

/** Started by the app itself as its native trainer (RunAsNode is fused off): run only that, then exit. */
function runTrainerChild(configFile: string | null): void {
  app.dock?.hide();
  if (!configFile) {
    console.error('usage: toolsmith --toolsmith-native-trainer <config.json>');
    app.exit(2);
    return;
  }
  void import('./engine/train/native/child')
    .then((child) => child.runNativeContractProcess(configFile))
    .then(
      (code) => app.exit(code),
      (error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        app.exit(1);
      },
    );
}

const trainerConfig = trainerChildConfig(process.argv);
if (trainerConfig !== undefined) {
  runTrainerChild(trainerConfig);
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Before ready: app:// is a standard, secure origin of its own.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  // Every WebContents, not just the main window: no webviews, no navigation away, no new windows;
  // http(s) links open in the user's browser.
  const openExternal = (url: string) => void shell.openExternal(url);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event, url) => guardNavigation(event, url, openExternal));
    contents.setWindowOpenHandler((details) => guardWindowOpen(details, openExternal));
  });
  void app.whenReady().then(start);
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void engine?.close();
  });
}
