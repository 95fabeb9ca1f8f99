/**
 * Offline after one use: the service worker stores the app shell when it installs and an
 * engine's runtime when the engine is first used, the engine stores the model, and with the
 * network gone (the context offline and the server closed) the reloaded app still loads the tiny
 * model and chats. A new version replaces the stored runtime and says so.
 */
import type { Page } from '@playwright/test';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_RUNTIME_CACHE } from '../../src/core/app-assets.ts';
import { FIXTURES_DIR, tinyWebLlmRecord } from '../support/fixtures.ts';
import { writeNextVersion } from '../support/next-version.ts';
import { startStaticServer } from '../support/static-server.ts';
import { addFolder, chat, loadSelected, manager, openApp, reply, TINY, waitReady } from './storage-helpers.ts';
import { chooseModel, expect, modelRow, test } from './test.ts';

test.use({ serviceWorkers: 'allow' });

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');
const ORT_WASM = /ort-wasm-simd-threaded.*\.wasm$/;

/** URLs the service worker stored as engine runtimes. */
function storedRuntimes(page: Page): Promise<string[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return [];
    return (await (await caches.open(name)).keys()).map((request) => request.url);
  }, ENGINE_RUNTIME_CACHE);
}

const offlineEnginesLine = (page: Page) => manager(page).locator('[data-offline-engines]');

test('after the first use of an engine the app starts, loads the stored model and chats with the network gone', async ({
  page,
  context,
}) => {
  // Two loads and two replies on a shared 2-core machine.
  test.setTimeout(180_000);
  // A server of its own, so it can be closed: offline emulation alone might not cover every fetch.
  const server = await startStaticServer({ roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR } });
  const origin = server.url;
  try {
    await openApp(page, origin);
    // Installed and in control, yet no engine runtime was fetched: the first visit stays light.
    await expect(offlineEnginesLine(page)).toContainText('No engine is stored for offline use yet');
    expect(server.requests.some((request) => ORT_WASM.test(request.path))).toBe(false);

    // web-llm's first use stores its runtime (its tiny model stops at the library here: web-llm
    // 0.2.86 has no library that runs on these machines).
    await page.goto(`${origin}/?engine=webllm`);
    const record = tinyWebLlmRecord(origin, `${origin}/fixtures/libs/empty-module.wasm`);
    await page.evaluate(
      (webllm) => {
        document.querySelector('edge-llm-app')!.customModels = { webllm };
      },
      [record],
    );
    await chooseModel(page, record.model_id);
    await loadSelected(page);
    await expect(chat(page).locator('edge-llm-error-panel [role="alert"]')).toHaveAttribute(
      'data-code',
      'model-lib-invalid',
    );
    await expect(offlineEnginesLine(page)).toHaveText('Engines available offline: web-llm.');

    await openApp(page, origin);
    await loadSelected(page);
    await waitReady(page);
    expect((await reply(page, 'First visit.', 6)).outputTokens).toBe(6);
    // The engine's first use stored its runtime: ONNX Runtime's WebAssembly, fetched once.
    expect(server.requests.filter((request) => ORT_WASM.test(request.path))).toHaveLength(1);
    expect((await storedRuntimes(page)).some((url) => ORT_WASM.test(url))).toBe(true);
    await expect(offlineEnginesLine(page)).toHaveText('Engines available offline: web-llm, transformers.js.');
  } finally {
    await server.close();
  }

  await context.setOffline(true);
  await page.reload();
  await expect(manager(page).locator('[data-connection="offline"]')).toContainText(
    'Models available offline: onnx-tiny',
  );
  await expect(offlineEnginesLine(page)).toHaveText('Engines available offline: web-llm, transformers.js.');
  await addFolder(page, origin, TINY);
  // The picker marks the stored model.
  const id = `${origin}/fixtures/${TINY}@fp32`;
  await expect(modelRow(page, id).locator(`option[value="${id}"]`)).toHaveAttribute('data-cached', 'yes');
  await expect(modelRow(page, id).locator('[data-stored]')).toHaveText('stored');
  await loadSelected(page);
  await waitReady(page);
  await expect(chat(page).locator('[role="status"]')).toContainText('cache');
  const stats = await reply(page, 'Still here without a network?', 8);
  expect(stats.outputTokens).toBe(8);
  await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last()).not.toHaveText('');
  // The Markdown renderer, loaded with the first reply, came from the offline cache too.
  await expect(
    chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last().locator('.text.markdown'),
  ).toHaveCount(1);

  // Back online, the page says so.
  await context.setOffline(false);
  await expect(manager(page).locator('[data-connection="online"]')).toContainText('starts without a network');
});

test('a new version of the app removes the runtime the old one stored, says so, and stores its own on next use', async ({
  page,
}) => {
  const root = mkdtempSync(join(tmpdir(), 'edge-llm-versions-'));
  const site = join(root, 'site');
  const next = join(root, 'next');
  const runtime = writeNextVersion(DIST_DIR, next, ORT_WASM);
  cpSync(DIST_DIR, site, { recursive: true });
  const server = await startStaticServer({ roots: { '/': site, '/fixtures/': FIXTURES_DIR } });
  const origin = server.url;
  try {
    await openApp(page, origin);
    await loadSelected(page);
    await waitReady(page);
    expect(await storedRuntimes(page)).toContain(`${origin}/${runtime.old}`);
    await expect(offlineEnginesLine(page)).toHaveText('Engines available offline: transformers.js.');
    await expect(manager(page).locator('[data-updated]')).toHaveCount(0);

    // The next version is deployed; the browser finds its new service worker.
    rmSync(site, { recursive: true });
    cpSync(next, site, { recursive: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(manager(page).locator('[data-updated]')).toContainText('Updated to a new version');
    // Activation removed the old runtime: no stale WebAssembly is left behind.
    await expect.poll(() => storedRuntimes(page)).not.toContain(`${origin}/${runtime.old}`);
    await expect(offlineEnginesLine(page)).toHaveText(
      'No engine is stored for offline use yet: each is stored the first time it loads a model.',
    );

    // The new version starts on reload and stores its own runtime on the engine's next use.
    await manager(page).locator('button[data-action="reload-app"]').click();
    await addFolder(page, origin, TINY);
    await loadSelected(page);
    await waitReady(page);
    expect(await storedRuntimes(page)).toContain(`${origin}/${runtime.next}`);
    expect(server.requests.some((request) => request.path === `/${runtime.next}`)).toBe(true);
    await expect(offlineEnginesLine(page)).toHaveText('Engines available offline: transformers.js.');
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
