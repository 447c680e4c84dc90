import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page, type WebSocketRoute } from '@playwright/test';
import { repoRoot, serve } from './fixtures';

/**
 * Paging of a long list in the Samples view (30 k samples, the accepted third of them filtered): what the view
 * asks the engine for while a person drags the scrollbar and scrolls. The engine's answers are held back
 * 250 ms on their way to the page, as a deep page of a million filtered samples takes, so that a drag
 * outruns them.
 */
const TOTAL = 30_000;
let workspace: string;
let server: ChildProcess;
let url: string;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'toolsmith-e2e-scale-'));
  const fill = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'e2e', 'support', 'fill-many.ts'), workspace, String(TOTAL)],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (fill.status !== 0) throw new Error(`filling the workspace failed:\n${fill.stdout}\n${fill.stderr}`);
  ({ child: server, url } = await serve(workspace));
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server.once('exit', r));
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

interface PageAsk {
  offset: number;
  after?: unknown;
}

/** Records every samples.page call the view sends, and delays every answer by `delayMs`. */
async function slowEngine(page: Page, delayMs: number): Promise<PageAsk[]> {
  const asks: PageAsk[] = [];
  await page.routeWebSocket(/\/ws/, (ws: WebSocketRoute) => {
    const engine = ws.connectToServer();
    ws.onMessage((message) => {
      const call = JSON.parse(String(message)) as { method?: string; params?: PageAsk };
      if (call.method === 'samples.page' && call.params) asks.push(call.params);
      engine.send(message);
    });
    engine.onMessage((message) => void setTimeout(() => ws.send(message), delayMs));
  });
  return asks;
}

async function openAccepted(page: Page) {
  await page.goto(url.replace('/?', '/samples?'));
  await page.getByTestId('filter-status').click();
  await page.locator('[data-combobox-option][value="accepted"]').click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sample-list')).toHaveJSProperty('scrollHeight', (TOTAL / 3) * 56);
  await expect(page.locator('[data-testid^="sample-row-"]').first()).toBeVisible();
}

test('a scrollbar drag fetches the rows where it stopped, not every page it passed', async ({ page }) => {
  const asks = await slowEngine(page, 250);
  await openAccepted(page);
  const list = page.getByTestId('sample-list');
  asks.length = 0;
  // The thumb dragged over 60 % of the list in 30 moves, one every 16 ms.
  const { passed, ms } = await list.evaluate(async (el) => {
    const pages = new Set<number>();
    const end = el.scrollHeight * 0.6;
    const started = performance.now();
    for (let i = 1; i <= 30; i++) {
      el.scrollTop = (end * i) / 30;
      pages.add(Math.floor(el.scrollTop / 56 / 100));
      await new Promise((r) => setTimeout(r, 16));
    }
    return { passed: pages.size, ms: performance.now() - started };
  });
  await expect(list.locator('.sample-row-loading')).toHaveCount(0, { timeout: 10_000 });
  const jumps = asks.filter((a) => a.after === undefined);
  expect(passed).toBeGreaterThanOrEqual(25);
  // One jump in flight at a time (each answer takes 250 ms), then the pages on screen where it stopped (and a
  // neighbour): about 5 for a half-second drag. A loaded machine drags slower, so the bound follows its length.
  expect(jumps.length).toBeLessThanOrEqual(Math.ceil(ms / 250) + 4);
  expect(jumps.length).toBeLessThan(passed / 2);
  // The rows shown are the accepted samples at that depth, in order.
  const shown = list.locator('[data-testid^="sample-row-"]').first();
  const index = Number(await shown.getAttribute('data-index'));
  const id = Number((await shown.getAttribute('data-testid'))!.replace('sample-row-', ''));
  expect(index).toBeGreaterThan(TOTAL / 3 / 2);
  const truth = await page.evaluate(
    async ({ base, offset }) => {
      const token = new URL(base).searchParams.get('token');
      const res = await fetch(new URL('/api/samples.page', base), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ filter: { status: ['accepted'] }, offset, limit: 1 }),
      });
      return ((await res.json()) as { result: { rows: { id: number }[] } }).result.rows[0]!.id;
    },
    { base: url, offset: index },
  );
  expect(id).toBe(truth);
});

test('scrolling on from a page fetches each next page after its cursor, not by offset', async ({ page }) => {
  const asks = await slowEngine(page, 0);
  await openAccepted(page);
  const list = page.getByTestId('sample-list');
  asks.length = 0;
  await list.evaluate(async (el) => {
    while (el.scrollTop < 56 * 450) {
      el.scrollTop += 56 * 8;
      await new Promise((r) => setTimeout(r, 16));
      // Wait while the row on screen is still loading, as a person scrolling reads what comes.
      while (el.querySelector('.sample-row-loading')) await new Promise((r) => setTimeout(r, 20));
    }
  });
  expect(asks.length).toBeGreaterThanOrEqual(4);
  expect(asks.filter((a) => a.after === undefined)).toEqual([]);
});
