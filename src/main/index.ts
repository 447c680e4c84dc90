/**
 * The Electron shell, and nothing more: window, security settings, and IPC wired to the engine.
 * Everything else lives in the engine, which runs (and is tested) under plain Node.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { openEngine, type Engine } from './engine/api';
import { jobRunner } from './engine/jobs/runner';
import { WorkspaceError } from './engine/db/errors';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

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
  // No navigation away from the app and no new windows; external links open in the browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
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
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
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

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  void app.whenReady().then(start);
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void engine?.close();
  });
}
