/**
 * The renderer's Content-Security-Policy, sent by the app:// protocol (and, in development, on the dev
 * server's responses). The same string is the `<meta>` policy in src/renderer/index.html, which a test
 * keeps in step. `connect-src 'self'` and nothing more: the desktop renderer talks to the engine over IPC,
 * not the network (Chromium counts a WebSocket to the page's own host and port, Vite's HMR, as 'self').
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/** The policy as directive name → sources, for checks. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}
