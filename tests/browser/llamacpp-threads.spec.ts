/**
 * llama.cpp's threads: under cross-origin isolation (COOP same-origin + COEP require-corp) two
 * threads really run and give the same greedy tokens as one; a host page on another origin that
 * is not isolated runs one thread and says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, ensureFixtures } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { chatHandle, loadGguf, openWithGguf, reply } from './llamacpp-helpers.ts';
import { DIST_DIR, expect, test } from './test.ts';

let isolated: StaticServer;
let host: StaticServer;
let hostDir: string;

test.beforeAll(async () => {
  ensureFixtures();
  isolated = await startStaticServer({
    roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR },
    isolate: true,
    cors: true,
  });
  hostDir = mkdtempSync(join(tmpdir(), 'edge-llm-host-'));
  host = await startStaticServer({ roots: { '/': hostDir }, host: 'localhost' });
});

test.afterAll(async () => {
  await isolated.close();
  await host.close();
  rmSync(hostDir, { recursive: true, force: true });
});

const MODEL = 'gguf-tiny/edge-tiny-q8_0.gguf';

test('under cross-origin isolation llama.cpp runs two threads, with the same greedy tokens as one', async ({
  page,
}) => {
  await openWithGguf(page, isolated, [MODEL]);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const chat = page.locator('edge-llm-chat');

  await loadGguf(page, isolated, MODEL, { threads: 2 });
  await expect(chat.locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const two = await reply(page, 'Hello there', 24);
  // The count llama.cpp itself logs when it starts its thread pool.
  expect(two.stats.compute).toMatchObject({ device: 'cpu', threads: 2 });
  expect(String((two.stats.compute as { reason?: string }).reason)).not.toMatch(/isolated/);
  await expect(chat.locator('edge-llm-stats [data-stat="compute"]')).toContainText('2 threads');

  await chat.locator('button[data-action="unload"]').click();
  // A new conversation, so the second reply reads the same prompt as the first.
  await page.evaluate((handle) => ((0, eval)(handle) as { reset(): void }).reset(), chatHandle);
  await loadGguf(page, isolated, MODEL, { threads: 1 });
  await expect(chat.locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const one = await reply(page, 'Hello there', 24);
  expect(one.stats.compute).toMatchObject({ device: 'cpu', threads: 1 });
  expect(one.ids).toHaveLength(24);
  expect(two.ids).toEqual(one.ids);
});

test('embedded in a host page on another origin that is not isolated, llama.cpp runs one thread and says why', async ({
  page,
}) => {
  const model = `${isolated.url}/fixtures/${MODEL}`;
  writeFileSync(
    join(hostDir, 'host.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A host page</title>
    <script type="module" src="${isolated.url}/lib/edge-llm.js"></script>
  </head>
  <body>
    <edge-llm-chat id="chat" engine="llamacpp" model="${model}" threads="2" max-tokens="6" temperature="0"></edge-llm-chat>
  </body>
</html>`,
  );
  await page.goto(`${host.url}/host.html`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const stats = await page.evaluate(async (url) => {
    const element = document.getElementById('chat') as HTMLElement & {
      customModels: unknown;
      updateComplete: Promise<unknown>;
      load(): Promise<unknown>;
      send(text: string): Promise<Record<string, unknown>>;
    };
    await customElements.whenDefined('edge-llm-chat');
    element.customModels = { llamacpp: [{ url }] };
    await element.load();
    return element.send('Hello there');
  }, model);
  expect(stats.outputTokens).toBe(6);
  expect(stats.compute).toMatchObject({ device: 'cpu', threads: 1 });
  expect(String((stats.compute as { reason: string }).reason)).toMatch(/not cross-origin isolated/);
  await expect(page.locator('#chat edge-llm-stats [data-stat="compute"]')).toContainText('1 thread');
});
