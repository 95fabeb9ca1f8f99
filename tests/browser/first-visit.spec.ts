/**
 * A first visit is light: before the visitor picks an engine, the page (its service worker's
 * install included) transfers at most 500 KB, and no engine runtime or model byte.
 */
import { join } from 'node:path';
import { runtimeEngineOf } from '../../src/core/app-assets.ts';
import { startStaticServer } from '../support/static-server.ts';
import { settled, totalBytes } from '../support/transfers.ts';
import { expect, test } from './test.ts';

test.use({ serviceWorkers: 'allow' });

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');
const BUDGET_BYTES = 500 * 1024;

test('a first visit transfers at most 500 KB, service worker included, and no engine runtime', async ({ page }) => {
  const server = await startStaticServer({ roots: { '/': DIST_DIR } });
  try {
    await page.goto(`${server.url}/`);
    // The default engine's catalog is listed and the service worker has installed and activated.
    await expect(page.locator('edge-llm-model-picker li.row').first()).toBeAttached({ timeout: 30_000 });
    await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
    await settled(server);

    const bytes = totalBytes(server.requests);
    const paths = server.requests.map((request) => request.path);
    console.log(JSON.stringify({ firstVisitBytes: bytes, responses: server.requests.length }));
    expect(paths).toContain('/sw.js');
    // No engine's runtime (as the service worker's plan names them: src/core/app-assets.ts).
    expect(paths.filter((path) => runtimeEngineOf(path) !== undefined)).toEqual([]);
    expect(paths.filter((path) => path.startsWith('/fixtures/'))).toEqual([]);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  } finally {
    await server.close();
  }
});
