/**
 * A model of real size (one fp32 ONNX file over 300 MB, generated here, never committed):
 * - in a persistent profile (a fresh temporary directory, like a normal browser profile) its
 *   first load fetches each file once and stores it, and a load after the browser restarts
 *   fetches nothing;
 * - in a fresh non-persistent context (like a private window), where Chromium refuses to store
 *   an entry that large, the app says this window cannot keep the model, and it still answers.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import type { LoadReport } from '../../src/shared/engine-api.ts';
import { ensureLargeFixture, FIXTURES_DIR, LARGE_MODEL } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { transfersUnder } from '../support/transfers.ts';
import { loadThroughApi } from './download-cases.ts';
import { cachedEntries, chat, fixtureFiles, openApp, reply } from './storage-helpers.ts';
import { expect, test } from './test.ts';

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');
const FOLDER = `/fixtures/${LARGE_MODEL}/`;

test.describe.configure({ mode: 'serial' });
// Hundreds of MB through a software GPU on a shared 2-core machine.
test.setTimeout(15 * 60_000);

let server: StaticServer;
test.beforeAll(async () => {
  ensureLargeFixture();
  server = await startStaticServer({ roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR } });
});
test.afterAll(async () => {
  await server?.close();
});

/** Opens the app on the large model in `context` and loads it. */
async function load(context: BrowserContext): Promise<{ page: Page; report: LoadReport; from: number }> {
  const page = context.pages()[0] ?? (await context.newPage());
  await openApp(page, server.url, LARGE_MODEL, false);
  const from = server.requests.length;
  const report = await loadThroughApi(page);
  if ('failed' in report) throw new Error(`The large model did not load: ${report.failed}`);
  return { page, report, from };
}

function modelFiles(): Map<string, number> {
  return new Map([...fixtureFiles(LARGE_MODEL)].map(([path, bytes]) => [path, bytes]));
}

test('stored on its first load in a persistent profile, and read from storage after a restart', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'edge-llm-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      serviceWorkers: 'block',
    });
  const files = modelFiles();
  const total = [...files.values()].reduce((sum, bytes) => sum + bytes, 0);
  expect(files.get('onnx/model.onnx')).toBeGreaterThan(300e6);
  let context: BrowserContext | undefined;
  try {
    context = await launch();
    const cold = await load(context);
    const fetched = transfersUnder(server.requests.slice(cold.from), FOLDER);
    expect(new Map([...fetched].map(([path, seen]) => [path, seen.gets]))).toEqual(
      new Map([...files.keys()].map((path) => [path, 1])),
    );
    for (const [path, bytes] of files) expect(fetched.get(path)?.bytes, path).toBe(bytes);
    expect(cold.report).toMatchObject({ fromCache: false, downloadedBytes: total });
    expect(cold.report.notStored).toBeUndefined();
    expect(await cachedEntries(cold.page, `${server.url}${FOLDER}`)).toEqual(Object.fromEntries(files));
    expect((await reply(cold.page, 'Hello there.', 3)).outputTokens).toBe(3);
    await context.close();

    context = await launch();
    const warm = await load(context);
    expect(warm.report).toMatchObject({ fromCache: true, downloadedBytes: 0 });
    expect(transfersUnder(server.requests.slice(warm.from), FOLDER).size).toBe(0);
    await expect(chat(warm.page).locator('[role="status"]')).toContainText('Loaded from cache');
    expect((await reply(warm.page, 'Hello again.', 3)).outputTokens).toBe(3);
    await context.close();
    console.log(
      JSON.stringify({
        model: LARGE_MODEL,
        bytes: total,
        coldLoadMs: Math.round(cold.report.durationMs),
        warmLoadMs: Math.round(warm.report.durationMs),
      }),
    );
  } finally {
    // A failed step leaves the browser open: close it first, or its profile cannot be removed.
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
});

test('a window that cannot keep the model says so, and the model still answers', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const { page, report } = await load(context);
    expect(report.notStored).toMatchObject({ name: 'StorageRefusedError' });
    await expect(chat(page).locator('[role="status"]')).toContainText(
      'This window cannot keep the model: it will download again next time.',
    );
    const stored = await cachedEntries(page, `${server.url}${FOLDER}`);
    expect(stored['onnx/model.onnx']).toBeUndefined();
    expect((await reply(page, 'Still there?', 3)).outputTokens).toBe(3);
  } finally {
    await context.close();
  }
});
