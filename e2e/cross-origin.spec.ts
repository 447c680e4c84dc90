import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type ServedApp } from './fixtures';

/**
 * Cross-site request forgery and WebSocket hijacking in a real browser: after the user opened Toolsmith (so
 * its token cookie is set, and SameSite=Strict sends it to every port of 127.0.0.1), a page served from
 * ANOTHER port of 127.0.0.1 tries to write a setting with a text/plain POST (no preflight) and through a
 * WebSocket. Both must fail, while the app on its own port keeps working.
 */
function attackerPage(target: number): string {
  return `<!doctype html><title>elsewhere</title><script>
  const report = {};
  const done = () => { document.title = 'done'; window.report = report; };
  fetch('http://127.0.0.1:${target}/api/settings.set', {
    method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ key: 'csrf', value: 'written by another origin' }),
  }).then(() => { report.fetch = 'sent'; }, (e) => { report.fetch = 'failed: ' + e.message; }).finally(() => {
    const ws = new WebSocket('ws://127.0.0.1:${target}/ws');
    ws.onopen = () => { report.ws = 'open'; ws.send(JSON.stringify({ id: 1, method: 'settings.set', params: { key: 'hijack', value: 'written over a WebSocket' } })); };
    ws.onmessage = (m) => { if (JSON.parse(m.data).id === 1) { report.wsAnswer = String(m.data); done(); } };
    ws.onclose = () => { report.wsClosed = true; done(); };
  });
</script>`;
}

async function setting(app: ServedApp, key: string): Promise<unknown> {
  const res = await fetch(`${app.origin}/api/settings.get`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { value: unknown } }).result.value;
}

test('a page on another 127.0.0.1 port can neither POST text/plain nor open a WebSocket to Toolsmith', async ({ page, app }) => {
  // The user opens the app: it works over its WebSocket under connect-src 'self', and the cookie is set.
  await page.goto(app.url);
  await expect(page.getByTestId('count-samples')).toContainText('0');
  const target = Number(new URL(app.origin).port);

  const elsewhere = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackerPage(target));
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  try {
    const port = (elsewhere.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/`);
    await expect(page).toHaveTitle('done');
    const report = (await page.evaluate(() => (globalThis as unknown as { report: Record<string, unknown> }).report)) as Record<
      string,
      unknown
    >;
    expect(report.ws).toBeUndefined(); // the upgrade was refused: the socket never opened
    expect(report.wsAnswer).toBeUndefined();
    expect(await setting(app, 'csrf')).toBeNull();
    expect(await setting(app, 'hijack')).toBeNull();
  } finally {
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  }

  // Back on its own origin (by the cookie alone, no token in the URL) the app still works.
  await page.goto(`${app.origin}/settings`);
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  await page.goto(app.url);
  await expect(page.getByTestId('count-samples')).toContainText('0');
});
