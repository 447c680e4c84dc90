import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, repoRoot, test } from './fixtures';

const STORIES = path.resolve(repoRoot, '..', 'shared', 'models', 'stories260K.gguf');

/** A real HTTP server for the download: serves the GGUF slowly (64 KiB every 60 ms) so the progress bar shows. */
async function slowFileServer(data: Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const end = match && match[2] ? Number(match[2]) : data.length - 1;
    res.writeHead(match ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      ...(match ? { 'content-range': `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    let at = start;
    const timer = setInterval(() => {
      const next = Math.min(end + 1, at + 64 * 1024);
      const piece = data.subarray(at, next);
      at = next;
      if (at > end) {
        clearInterval(timer);
        res.end(piece);
      } else res.write(piece);
    }, 60);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/tiny-stories.gguf`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

test('models: import, download with progress, details, load and unload, lineage', async ({ page, app }) => {
  test.setTimeout(120_000);
  const files = await slowFileServer(fs.readFileSync(STORIES));
  try {
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Views' }).getByText('Models', { exact: true }).click();
    await expect(page.getByTestId('empty-state')).toContainText('No models yet');

    // Import from disk.
    await page.getByTestId('import-path').fill(STORIES);
    await page.getByTestId('import-button').click();
    await expect(page.getByTestId('model-row-stories260K')).toBeVisible();
    await expect(page.getByTestId('model-fact-architecture')).toHaveText('llama');
    await expect(page.getByTestId('model-fact-quantisation')).not.toHaveText('—');

    // Download over HTTP: a progress bar while it runs, then the model in the list.
    await page.getByTestId('download-ref').fill(files.url);
    await page.getByTestId('download-button').click();
    await expect(page.getByTestId('download-progress')).toBeVisible();
    await expect(page.getByRole('progressbar', { name: /Downloading tiny-stories\.gguf/ })).toBeVisible();
    await expect(page.getByTestId('download-done')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('model-row-tiny-stories')).toBeVisible();
    await expect(page.getByTestId('model-fact-source')).toHaveText(files.url);

    // Lineage: both are roots (neither has a parent).
    await expect(page.getByTestId('lineage-node-stories260K')).toHaveAttribute('data-depth', '0');
    await expect(page.getByTestId('lineage-node-tiny-stories')).toHaveAttribute('data-depth', '0');

    // Load and unload.
    await page.getByTestId('model-row-stories260K').click();
    await page.getByTestId('model-load').click();
    await expect(page.getByTestId('runtime-loaded')).toHaveText('stories260K', { timeout: 30_000 });
    await expect(page.getByTestId('runtime-device')).not.toHaveText('…');
    await expect(page.getByTestId('model-row-stories260K')).toContainText('loaded');
    await page.getByTestId('model-unload').click();
    await expect(page.getByTestId('runtime-loaded')).toHaveText('none');

    // A bad path says what is wrong.
    await page.getByTestId('import-path').fill('/nonexistent/model.gguf');
    await page.getByTestId('import-button').click();
    await expect(page.getByTestId('models-error')).toContainText('/nonexistent/model.gguf');
  } finally {
    await files.close();
  }
});
