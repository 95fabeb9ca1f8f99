/**
 * Stored GGUF models (wllama's cache in the origin private file system): the cache manager lists
 * them with their bytes and deletes them, the quota check refuses a download that cannot fit, a
 * damaged stored file is never loaded, and a stored model loads and chats with the network gone.
 */
import type { Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Wllama from '@wllama/wllama';
import { ENGINE_RUNTIME_CACHE } from '../../src/core/app-assets.ts';
import { formatBytes } from '../../src/core/format.ts';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import { startStaticServer } from '../support/static-server.ts';
import { ggufUrl, loadGguf, openWithGguf, reply } from './llamacpp-helpers.ts';
import { chooseModel, DIST_DIR, expect, modelRow, test, WLLAMA_DIR } from './test.ts';

const MODEL = 'gguf-tiny/edge-tiny-q8_0.gguf';
const WLLAMA_WASM = /\/assets\/wllama-[\w-]+\.wasm$/;
const chat = (page: Page) => page.locator('edge-llm-chat');
const manager = (page: Page) => page.locator('edge-llm-cache-manager');
const waitReady = (page: Page) =>
  expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });

/** wllama's own view of its cache, from the page: [original URL, stored bytes] per complete file. */
async function storedGguf(page: Page): Promise<[string, number][]> {
  return page.evaluate(async () => {
    const modulePath = '/wllama/index.js';
    const { CacheManager } = (await import(/* @vite-ignore */ modulePath)) as typeof Wllama;
    const entries = await new CacheManager().list();
    return entries.map((entry) => [entry.metadata.originalURL, entry.size] as [string, number]);
  });
}

test('the cache manager lists a stored GGUF model with its bytes and engine, and deletes it', async ({
  page,
  server,
}) => {
  const url = ggufUrl(server, MODEL);
  const size = statSync(join(FIXTURES_DIR, MODEL)).size;
  await openWithGguf(page, server, [MODEL]);
  await expect(manager(page).locator('[data-empty]')).toBeVisible();
  await loadGguf(page, server, MODEL);
  await waitReady(page);
  expect(await storedGguf(page)).toEqual([[url, size]]);

  const row = manager(page).locator(`tr[data-key="${url}"]`);
  await expect(row).toHaveAttribute('data-bytes', String(size));
  await expect(row).toHaveAttribute('data-engine', 'llamacpp');
  await expect(row.locator('[data-size]')).toHaveText(formatBytes(size));
  await expect(row.locator('th')).toContainText('edge-tiny-q8_0.gguf');

  await row.locator('button[data-action="delete"]').click();
  await expect(row).toHaveCount(0);
  expect(await storedGguf(page)).toEqual([]);
});

test('a GGUF download the quota cannot hold is refused before it starts, with the numbers', async ({
  page,
  server,
  context,
}) => {
  // As in cache-manager.spec.ts: the quota is made small for real writes (CDP) and for estimate()
  // in the page and in the engine worker.
  await page.goto(`${server.url}/favicon.svg`);
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  const quota = (usage ?? 0) + 50_000;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: quota });
  const wrapper = `{ const estimate = StorageManager.prototype.estimate;
    StorageManager.prototype.estimate = async function () { return { ...(await estimate.call(this)), quota: ${quota} }; }; }\n`;
  await context.addInitScript(wrapper);
  await context.route(/\/assets\/engine\.worker-[^/]+\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: wrapper + (await response.text()) });
  });
  await openWithGguf(page, server, [MODEL]);
  const before = server.requests.length;
  await loadGguf(page, server, MODEL);
  const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(error).toHaveAttribute('data-code', 'storage-insufficient', { timeout: 60_000 });
  await expect(error).toContainText(`it needs ${formatBytes(statSync(join(FIXTURES_DIR, MODEL)).size)}`);
  const requests = server.requests.slice(before).filter((request) => request.path === `/fixtures/${MODEL}`);
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((request) => request.method === 'HEAD')).toBe(true);
  // Nothing was written to wllama's folder (read without creating it: the quota is full).
  const files = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('cache').catch(() => undefined);
    const names: string[] = [];
    if (folder)
      for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names.length;
  });
  expect(files).toBe(0);
});

test('a stored GGUF file that is damaged is never loaded: it is deleted and fetched again', async ({
  page,
  server,
}) => {
  const url = ggufUrl(server, MODEL);
  const bytes = readFileSync(join(FIXTURES_DIR, MODEL));
  await openWithGguf(page, server, [MODEL]);
  // A cut-off copy stored as if it were complete (its metadata claims the cut size), as a server
  // that dropped the connection without an error would leave it.
  await page.evaluate(
    async ({ url, cut }) => {
      const modulePath = '/wllama/index.js';
      const { CacheManager } = (await import(/* @vite-ignore */ modulePath)) as typeof Wllama;
      const cache = new CacheManager();
      const name = await cache.getNameFromURL(url);
      const blob = new Blob([new Uint8Array(cut)]);
      await cache.write(name, blob.stream(), { originalURL: url, originalSize: blob.size, etag: '' });
    },
    { url, cut: [...bytes.subarray(0, Math.floor(bytes.length / 2))] },
  );
  // The server serves every test of this worker: count from here.
  const before = server.requests.length;
  const gets = () =>
    server.requests.slice(before).filter((r) => r.method === 'GET' && r.path === `/fixtures/${MODEL}`).length;
  await loadGguf(page, server, MODEL);
  await waitReady(page);
  expect(gets()).toBe(1);
  expect(await storedGguf(page)).toEqual([[url, bytes.length]]);
  expect((await reply(page, 'Hello there', 4)).stats.outputTokens).toBe(4);
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });

  test('after one visit a stored GGUF model loads and chats with the network gone', async ({ page, context }) => {
    const server = await startStaticServer({
      roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR, '/wllama/': WLLAMA_DIR },
    });
    const origin = server.url;
    try {
      await page.goto(`${origin}/?engine=llamacpp`);
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 });
      await openWithGguf(page, server, [MODEL]);
      await loadGguf(page, server, MODEL);
      await waitReady(page);
      expect((await reply(page, 'First visit', 4)).stats.outputTokens).toBe(4);
      // The engine's first use stored llama.cpp's WebAssembly as its runtime (fetched by wllama's
      // own worker, through the app's service worker): once from the host, not at install.
      const runtimes = await page.evaluate(async (name) => {
        const cache = await caches.open(name);
        return (await cache.keys()).map((request) => request.url);
      }, ENGINE_RUNTIME_CACHE);
      expect(runtimes.filter((url) => WLLAMA_WASM.test(url))).toHaveLength(1);
      expect(
        server.requests.filter((request) => request.method === 'GET' && WLLAMA_WASM.test(request.path)),
      ).toHaveLength(1);
      await expect(manager(page).locator('[data-offline-engines]')).toHaveText('Engines available offline: llama.cpp.');
    } finally {
      await server.close();
    }
    await context.setOffline(true);
    await page.reload();
    await page.evaluate(
      (llamacpp) => {
        document.querySelector('edge-llm-app')!.customModels = { llamacpp };
      },
      [{ url: `${origin}/fixtures/${MODEL}` }],
    );
    const id = `${origin}/fixtures/${MODEL}`;
    await expect(modelRow(page, id).locator(`option[value="${id}"]`)).toHaveAttribute('data-cached', 'yes');
    await expect(manager(page).locator('[data-offline-engines]')).toHaveText('Engines available offline: llama.cpp.');
    await chooseModel(page, id);
    await chat(page).locator('button[data-action="load"]').click();
    await waitReady(page);
    await expect(chat(page).locator('[role="status"]')).toContainText('cache');
    expect((await reply(page, 'Still here?', 6)).stats.outputTokens).toBe(6);
  });
});
