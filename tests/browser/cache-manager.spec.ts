/**
 * The cache manager against the real engine and the tiny ONNX model: what it lists is what the
 * Cache API holds, deleting leaves nothing behind, a download the quota cannot hold is refused
 * up front, and a corrupt stored file is never used.
 *
 * The page's service worker is blocked here (the default in playwright.config.ts), so storage
 * usage is the model's alone.
 */
import type { Page } from '@playwright/test';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../src/core/format.ts';
import { FIXTURES_DIR, tinyWebLlmRecord } from '../support/fixtures.ts';
import {
  cachedEntries,
  chat,
  fixtureFiles,
  loadSelected,
  manager,
  openApp,
  reply,
  TINY,
  usageKeys,
  waitReady,
} from './storage-helpers.ts';
import { expect, modelRow, test } from './test.ts';

const error = (page: Page) => chat(page).locator('edge-llm-error-panel [role="alert"]');

test('lists the stored tiny model with the bytes its files hold, and deleting it leaves no file behind', async ({
  page,
  server,
}) => {
  const folder = `${server.url}/fixtures/${TINY}/`;
  await openApp(page, server.url, TINY, false);
  await expect(manager(page).locator('[data-empty]')).toBeVisible();
  await loadSelected(page);
  await waitReady(page);

  // What was fetched from the model folder is what is stored, byte for byte.
  const files = fixtureFiles(TINY);
  const fetched = new Set(
    server.requests
      .filter(
        (request) =>
          request.method === 'GET' && request.status === 200 && request.path.startsWith(`/fixtures/${TINY}/`),
      )
      .map((request) => request.path.slice(`/fixtures/${TINY}/`.length)),
  );
  const stored = await cachedEntries(page, folder);
  expect(Object.keys(stored).sort()).toEqual([...fetched].sort());
  for (const [path, bytes] of Object.entries(stored)) expect(bytes).toBe(files.get(path));
  const total = [...fetched].reduce((sum, path) => sum + files.get(path)!, 0);
  expect(fetched.has('onnx/model.onnx')).toBe(true);

  const row = manager(page).locator(`tr[data-key="${folder}"]`);
  await expect(row).toHaveAttribute('data-bytes', String(total));
  await expect(row.locator('[data-size]')).toHaveText(formatBytes(total));
  await expect(row).toHaveAttribute('data-engine', 'transformers');
  await expect(row.locator('th')).toContainText('onnx-tiny (fp32)');
  await expect(row.locator('[data-last-used]')).toHaveText('just now');
  expect(await usageKeys(page)).toEqual([`transformers|${folder}`]);

  // Keyboard: the row's Delete button is reachable and named after the model.
  const remove = row.getByRole('button', { name: `Delete onnx-tiny (${formatBytes(total)})` });
  await remove.focus();
  await page.keyboard.press('Enter');
  await expect(manager(page).locator('[data-message]')).toContainText(
    `Deleted onnx-tiny (${formatBytes(total)} freed)`,
  );
  await expect(row).toHaveCount(0);
  expect(await cachedEntries(page, folder)).toEqual({});
  expect(await usageKeys(page)).toEqual([]);
  // The picker no longer marks it as stored.
  const id = `${server.url}/fixtures/${TINY}@fp32`;
  await expect(modelRow(page, id).locator(`option[value="${id}"]`)).toHaveAttribute('data-cached', 'no');
  await expect(modelRow(page, id).locator('[data-stored]')).toHaveCount(0);
});

test('"Delete all" asks once more, then removes every stored model', async ({ page, server }) => {
  const copy = 'onnx-tiny-copy';
  if (existsSync(join(FIXTURES_DIR, copy))) rmSync(join(FIXTURES_DIR, copy), { recursive: true });
  cpSync(join(FIXTURES_DIR, TINY), join(FIXTURES_DIR, copy), { recursive: true });
  await openApp(page, server.url, TINY, false);
  await loadSelected(page);
  await waitReady(page);
  await openApp(page, server.url, copy, false);
  await loadSelected(page);
  await waitReady(page);
  await expect(manager(page).locator('tbody tr')).toHaveCount(2);

  await manager(page).getByRole('button', { name: 'Delete all stored models' }).click();
  await manager(page)
    .getByRole('button', { name: /^Delete 2 models/ })
    .click();
  await expect(manager(page).locator('[data-empty]')).toBeVisible();
  expect(await cachedEntries(page, `${server.url}/fixtures/`)).toEqual({});
});

test('shows usage against the quota and asks for persistent storage', async ({ page, server }) => {
  await openApp(page, server.url, TINY, false);
  const estimate = await page.evaluate(() => navigator.storage.estimate());
  await expect(manager(page).locator('[data-usage]')).toContainText(`of this site's ${formatBytes(estimate.quota)}`);
  await manager(page).getByRole('button', { name: 'Keep models when storage runs low' }).click();
  const persisted = await page.evaluate(() => navigator.storage.persisted());
  await expect(manager(page).locator('[data-persisted]')).toHaveAttribute('data-persisted', persisted ? 'yes' : 'no');
  await expect(manager(page).locator('[data-message]')).toContainText(
    persisted ? 'Persistent storage granted' : 'did not grant persistent storage',
  );
});

test('a download the quota cannot hold is refused before it starts, with the numbers', async ({
  page,
  server,
  context,
}) => {
  // The quota is made small twice over. Chromium's quota manager enforces it on real writes
  // (CDP Storage.overrideQuotaForOrigin), but its estimate() keeps reporting the disk-based quota,
  // so estimate() is wrapped to report it too: in the page by an init script, and in the engine
  // workers (where init scripts do not run) by prepending the same wrapper to the worker script.
  await page.goto(`${server.url}/favicon.svg`);
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  const quota = (usage ?? 0) + 200_000;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: quota });
  const wrapper = `{ const estimate = StorageManager.prototype.estimate;
    StorageManager.prototype.estimate = async function () { return { ...(await estimate.call(this)), quota: ${quota} }; }; }\n`;
  await context.addInitScript(wrapper);
  await context.route(/\/assets\/engine\.worker-[^/]+\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: wrapper + (await response.text()) });
  });
  await openApp(page, server.url, TINY, false);
  await expect(manager(page).locator('[data-usage]')).toContainText(`storage quota`);
  const before = server.requests.length;
  await loadSelected(page);
  await expect(error(page)).toHaveAttribute('data-code', 'storage-insufficient', { timeout: 60_000 });
  const files = fixtureFiles(TINY);
  const needed = files.get('config.json')! + files.get('tokenizer.json')! + files.get('onnx/model.onnx')!;
  const free = quota - (await page.evaluate(() => navigator.storage.estimate())).usage!;
  await expect(error(page)).toContainText(
    `it needs ${formatBytes(needed)}, and ${formatBytes(free)} is free of this site's ${formatBytes(quota)} storage quota`,
  );
  // Only HEAD requests reached the model folder: not one byte of the weights was downloaded.
  const modelRequests = server.requests
    .slice(before)
    .filter((request) => request.path.startsWith(`/fixtures/${TINY}/`));
  expect(modelRequests.length).toBeGreaterThan(0);
  expect(modelRequests.every((request) => request.method === 'HEAD')).toBe(true);
  expect(await cachedEntries(page, `${server.url}/fixtures/${TINY}/`)).toEqual({});
  await expect(chat(page).locator('button[data-action="load"]')).toBeEnabled();
});

/** Replaces the stored model.onnx with its first 1000 bytes, as an interrupted write would leave it. */
async function truncateStoredWeights(page: Page, url: string) {
  await page.evaluate(async (url) => {
    const cache = await caches.open('transformers-cache');
    const stored = await cache.match(url);
    const bytes = (await stored!.arrayBuffer()).slice(0, 1000);
    await cache.put(url, new Response(bytes, { headers: { 'content-length': '1000' } }));
  }, url);
}

test('a truncated stored weights file is detected, deleted and fetched again', async ({ page, server }) => {
  const weights = `${server.url}/fixtures/${TINY}/onnx/model.onnx`;
  await openApp(page, server.url, TINY, false);
  await loadSelected(page);
  await waitReady(page);
  await truncateStoredWeights(page, weights);
  expect((await cachedEntries(page, `${server.url}/fixtures/${TINY}/`))['onnx/model.onnx']).toBe(1000);

  await page.reload();
  const before = server.requests.length;
  await openApp(page, server.url, TINY, false);
  await loadSelected(page);
  await waitReady(page);
  const refetched = server.requests
    .slice(before)
    .filter((request) => request.method === 'GET' && request.path === `/fixtures/${TINY}/onnx/model.onnx`);
  expect(refetched.length).toBeGreaterThan(0);
  expect((await cachedEntries(page, `${server.url}/fixtures/${TINY}/`))['onnx/model.onnx']).toBe(
    fixtureFiles(TINY).get('onnx/model.onnx'),
  );
  expect((await reply(page, 'Whole again?', 4)).outputTokens).toBe(4);
});

test('a stored file corrupted in place is reported, deleted, and fetched again when the engine restarts', async ({
  page,
  server,
}) => {
  const folder = `${server.url}/fixtures/${TINY}/`;
  const weights = `${folder}onnx/model.onnx`;
  await openApp(page, server.url, TINY, false);
  await loadSelected(page);
  await waitReady(page);
  // Same size, different bytes: only reading the file can tell.
  await page.evaluate(async (url) => {
    const cache = await caches.open('transformers-cache');
    const size = (await (await cache.match(url))!.arrayBuffer()).byteLength;
    await cache.put(url, new Response(new Uint8Array(size).fill(0x5a)));
  }, weights);

  await page.reload();
  await openApp(page, server.url, TINY, false);
  await loadSelected(page);
  await expect(error(page)).toHaveAttribute('data-code', 'cached-file-corrupt', { timeout: 60_000 });
  await expect(error(page)).toContainText(`(${weights}) could not be read`);
  await expect(error(page)).toContainText('every stored file of the model was deleted');
  expect(await cachedEntries(page, folder)).toEqual({});

  const before = server.requests.length;
  await error(page).getByRole('button', { name: 'Restart the engine' }).click();
  await waitReady(page);
  expect(
    server.requests
      .slice(before)
      .filter((request) => request.method === 'GET' && request.path === `/fixtures/${TINY}/onnx/model.onnx`),
  ).not.toHaveLength(0);
  expect((await cachedEntries(page, folder))['onnx/model.onnx']).toBe(fixtureFiles(TINY).get('onnx/model.onnx'));
});

test('a stored web-llm model is listed with its files and deleted through web-llm, library included', async ({
  page,
  server,
}) => {
  // The fixture library cannot run a model, so a load never completes: the files are stored
  // where web-llm stores them (config and tensor cache in webllm/config, shards in
  // webllm/model, the library in webllm/wasm, each under its URL), from the fixtures' bytes.
  const library = `${server.url}/fixtures/libs/empty-module.wasm`;
  const record = { ...tinyWebLlmRecord(server.url, library), model_id: 'edge-tiny-stored-MLC' };
  const folder = `${server.url}/fixtures/mlc-tiny/resolve/main/`;
  const files = {
    'webllm/config': [`${folder}mlc-chat-config.json`, `${folder}tensor-cache.json`],
    'webllm/model': [`${folder}params_shard_0.bin`, `${folder}params_shard_1.bin`],
    'webllm/wasm': [library],
  };
  await page.goto(`${server.url}/favicon.svg`);
  const total = await page.evaluate(async (files) => {
    let bytes = 0;
    for (const [scope, urls] of Object.entries(files)) {
      const cache = await caches.open(scope);
      for (const url of urls) {
        const body = await (await fetch(url)).arrayBuffer();
        bytes += body.byteLength;
        await cache.put(url, new Response(body));
      }
    }
    return bytes;
  }, files);

  await page.goto(`${server.url}/`);
  await page.evaluate(
    (webllm) => {
      document.querySelector('edge-llm-app')!.customModels = { webllm };
    },
    [record],
  );
  await expect(modelRow(page, record.model_id)).toBeVisible();
  await manager(page).evaluate((element) => (element as HTMLElement & { refresh(): Promise<void> }).refresh());
  const row = manager(page).locator(`tr[data-key="${folder}"]`);
  await expect(row).toHaveAttribute('data-engine', 'webllm');
  await expect(row).toHaveAttribute('data-bytes', String(total));

  await row.locator('button[data-action="delete"]').click();
  await expect(row).toHaveCount(0);
  const left = await page.evaluate(async (scopes) => {
    const keys: string[] = [];
    for (const scope of scopes) {
      if (await caches.has(scope)) keys.push(...(await (await caches.open(scope)).keys()).map((r) => r.url));
    }
    return keys;
  }, Object.keys(files));
  expect(left).toEqual([]);
});
