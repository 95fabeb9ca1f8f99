/**
 * The browser tests' fixtures: a localhost server for the built app and the generated model
 * files, and a record of every request that leaves the page.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES_DIR, ensureFixtures } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';

export const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');
/** wllama's own build, for tests that run it in the page to compare with the worker. */
export const WLLAMA_DIR = join(import.meta.dirname, '..', '..', 'node_modules', '@wllama', 'wllama', 'esm');

interface WorkerFixtures {
  server: StaticServer;
}

interface TestFixtures {
  /** Console errors the page printed, for tests that check nothing is swallowed. */
  consoleErrors: string[];
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      ensureFixtures();
      const server = await startStaticServer({
        roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR, '/wllama/': WLLAMA_DIR },
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await use(errors);
  },
});

export { expect };

/** Opens the app with the engine double behind the worker interface. */
export async function openAppWithDouble(page: Page, server: StaticServer): Promise<void> {
  await page.goto(`${server.url}/?engine=double`);
  // Listed (on a narrow screen the picker is in the closed sheet).
  await expect(modelRow(page, 'double-timed')).toBeAttached();
}

/** The picker's row (one per model) that lists a variant (a catalog id) in its variant control. */
export function modelRow(page: Page, modelId: string): Locator {
  return page
    .locator('edge-llm-model-picker li.row')
    .filter({ has: page.locator(`select[name="variant"] option[value="${modelId}"]`) });
}

/**
 * Chooses a variant in the picker, as a visitor does: where models run first when `path` is given
 * ("gpu" to run a transformers.js model on WebGPU on SwiftShader, whose default is the CPU), then
 * the variant in its row's control, which also selects the row. On a narrow screen the picker is
 * in the app's sheet: it is opened for the choice and closed after, as a visitor would.
 */
export async function chooseModel(page: Page, modelId: string, path?: 'gpu' | 'cpu'): Promise<void> {
  const sheet = page.locator('edge-llm-app dialog.sheet');
  const opened = (await sheet.count()) > 0 && !(await sheet.evaluate((dialog: HTMLDialogElement) => dialog.open));
  if (opened) await page.locator('edge-llm-app button[data-action="open-sheet"]').click();
  if (path) await page.locator(`edge-llm-model-picker input[name="path"][value="${path}"]`).check();
  const row = modelRow(page, modelId);
  await row.locator('select[name="variant"]').selectOption(modelId);
  await expect(row.locator('input[name="model"]')).toBeChecked();
  await expect(row).toHaveAttribute('data-model-id', modelId);
  if (opened) await sheet.locator('button[data-action="close-sheet"]').click();
}

/**
 * Aborts every request from the page or its workers that leaves localhost, and records them.
 * `seen` lists every path requested, so a test can show the guard saw the worker's traffic too.
 */
export async function guardLocalhost(page: Page): Promise<{ outside: string[]; seen: string[] }> {
  const outside: string[] = [];
  const seen: string[] = [];
  await page.context().route('**/*', async (route) => {
    const url = new URL(route.request().url());
    seen.push(url.pathname);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      outside.push(route.request().url());
      await route.abort();
    } else {
      await route.continue();
    }
  });
  return { outside, seen };
}
