/**
 * The real web-llm loading path, in the real worker, against model folders served from
 * localhost (no model host is reachable here). web-llm reads the chat config, then the model
 * library, before any weights: a missing library and a file that is not a model library each end
 * in their own message, and the app stays usable.
 */
import type { Page } from '@playwright/test';
import { tinyWebLlmRecord } from '../support/fixtures.ts';
import type { StaticServer } from '../support/static-server.ts';
import { chooseModel, expect, guardLocalhost, modelRow, test } from './test.ts';

const MISSING = 'edge-tiny-missing-lib-q4f32_1-MLC';
const NOT_WASM = 'edge-tiny-not-wasm-q4f32_1-MLC';
const NOT_A_LIBRARY = 'edge-tiny-empty-module-q4f32_1-MLC';

async function openWithTinyModels(page: Page, server: StaticServer) {
  const records = [
    { ...tinyWebLlmRecord(server.url, `${server.url}/fixtures/libs/missing.wasm`), model_id: MISSING },
    { ...tinyWebLlmRecord(server.url, `${server.url}/fixtures/libs/not-a-library.wasm`), model_id: NOT_WASM },
    { ...tinyWebLlmRecord(server.url, `${server.url}/fixtures/libs/empty-module.wasm`), model_id: NOT_A_LIBRARY },
  ];
  await page.goto(`${server.url}/`);
  await page.evaluate((webllm) => {
    document.querySelector('edge-llm-app')!.customModels = { webllm };
  }, records);
  await expect(modelRow(page, MISSING)).toBeVisible();
  // Progress events as the page saw them, in order.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    document.addEventListener('edge-llm-progress', (event) => seen.push(event.detail.phase));
  });
}

async function loadModel(page: Page, modelId: string) {
  await chooseModel(page, modelId);
  await page.locator('edge-llm-chat button[data-action="load"]').click();
}

const errorPanel = (page: Page) => page.locator('edge-llm-chat edge-llm-error-panel [role="alert"]');
const requestedPaths = (server: StaticServer) => server.requests.map((request) => request.path);

test('a model library that is missing (404) ends in its own message after real progress', async ({
  page,
  server,
  consoleErrors,
}) => {
  await openWithTinyModels(page, server);
  const before = server.requests.length;
  await loadModel(page, MISSING);

  await expect(errorPanel(page)).toHaveAttribute('data-code', 'model-lib-missing');
  await expect(errorPanel(page)).toContainText('The model library is missing');
  await expect(errorPanel(page)).toContainText('/fixtures/libs/missing.wasm');
  await expect(errorPanel(page)).toContainText('HTTP 404');

  // The config was fetched first, then the library; no weights were asked for.
  const paths = requestedPaths(server).slice(before);
  const config = paths.indexOf('/fixtures/mlc-tiny/resolve/main/mlc-chat-config.json');
  const library = paths.indexOf('/fixtures/libs/missing.wasm');
  expect(config).toBeGreaterThanOrEqual(0);
  expect(library).toBeGreaterThan(config);
  expect(paths.some((path) => path.includes('params_shard') || path.includes('tensor-cache'))).toBe(false);
  // The progress shown came from those steps.
  expect(await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)).toEqual([
    'preparing',
    'downloading',
  ]);
  // Nothing swallowed: the original error is on the console.
  expect(consoleErrors.some((line) => line.includes('ModelLibraryMissingError'))).toBe(true);
});

test('a file that is not WebAssembly, and WebAssembly that is not a model library, each say so', async ({
  page,
  server,
}) => {
  await openWithTinyModels(page, server);
  await loadModel(page, NOT_WASM);
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'model-lib-invalid');
  await expect(errorPanel(page)).toContainText('not a WebAssembly file');
  await expect(errorPanel(page)).toContainText('/fixtures/libs/not-a-library.wasm');

  // The app is still usable: pick another model and load it.
  await loadModel(page, NOT_A_LIBRARY);
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'model-lib-invalid');
  await expect(errorPanel(page)).toContainText('could not be started');
  await expect(errorPanel(page)).toContainText('/fixtures/libs/empty-module.wasm');

  // Try again repeats the real load (the library is requested again) and fails the same way.
  const before = server.requests.length;
  await errorPanel(page).locator('button[data-action="retry"]').click();
  await expect(page.locator('edge-llm-chat [role="status"]')).toContainText('Not loaded');
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'model-lib-invalid');
  expect(requestedPaths(server).slice(before)).toContain('/fixtures/libs/empty-module.wasm');
});

test('no request leaves localhost while the app lists and loads models', async ({ page, server }) => {
  const { outside, seen } = await guardLocalhost(page);
  await openWithTinyModels(page, server);
  await loadModel(page, MISSING);
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'model-lib-missing');
  // The route saw the worker's own requests too, so nothing could have slipped past it.
  expect(seen).toContain('/fixtures/libs/missing.wasm');
  expect(outside).toEqual([]);
});
