/**
 * Offline after one visit: the service worker stores the app and its engine assets, the engine
 * stores the model, and with the network gone (the context offline and the server closed) the
 * reloaded app still loads the tiny model and chats.
 */
import { join } from 'node:path';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import { startStaticServer } from '../support/static-server.ts';
import { addFolder, chat, loadSelected, manager, openApp, reply, TINY, waitReady } from './storage-helpers.ts';
import { expect, modelRow, test } from './test.ts';

test.use({ serviceWorkers: 'allow' });

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');

test('after one visit the app starts, loads the stored model and chats with the network gone', async ({
  page,
  context,
}) => {
  // A server of its own, so it can be closed: offline emulation alone might not cover every fetch.
  const server = await startStaticServer({ roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR } });
  const origin = server.url;
  try {
    await openApp(page, origin);
    await loadSelected(page);
    await waitReady(page);
    expect((await reply(page, 'First visit.', 6)).outputTokens).toBe(6);
    const served = server.requests.map((request) => request.path);
    // The service worker stored ONNX Runtime's WebAssembly, not only the shell.
    expect(served.some((path) => /ort-wasm-simd-threaded.*\.wasm$/.test(path))).toBe(true);
  } finally {
    await server.close();
  }

  await context.setOffline(true);
  await page.reload();
  await expect(manager(page).locator('[data-connection="offline"]')).toContainText(
    'Models available offline: onnx-tiny',
  );
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
