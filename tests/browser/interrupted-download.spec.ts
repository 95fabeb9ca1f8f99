/**
 * Downloads that stop: the host dies halfway through the real-size model's 329 MB file and
 * comes back; the app says what happened and offers Try again, which fetches only what is
 * missing (the finished files are kept, the cut file resumes with a range request). A download
 * cancelled halfway leaves nothing a later load would trust: the next load fetches the file whole.
 * llama.cpp's GGUF downloads (wllama's own) are never trusted when cut, but cannot resume.
 */
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { formatBytes } from '../../src/core/format.ts';
import { ensureLargeFixture, FIXTURES_DIR, LARGE_MODEL } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { totalBytes, transfersUnder } from '../support/transfers.ts';
import { loadGguf, openWithGguf } from './llamacpp-helpers.ts';
import { cachedEntries, chat, fixtureFiles, loadSelected, openApp, reply, waitReady } from './storage-helpers.ts';
import { chooseModel, expect, test } from './test.ts';

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');
const FOLDER = `/fixtures/${LARGE_MODEL}/`;
const WEIGHTS = `${FOLDER}onnx/model.onnx`;

test.describe.configure({ mode: 'serial' });
test.setTimeout(15 * 60_000);

let server: StaticServer;
test.beforeAll(async () => {
  ensureLargeFixture();
  server = await startStaticServer({ roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR } });
});
test.afterAll(async () => {
  await server?.close();
});

const errorPanel = (page: Page) => chat(page).locator('edge-llm-error-panel [role="alert"]');

test('the host dies halfway through the weights: the app says so, and Try again fetches only the rest', async ({
  page,
}) => {
  const files = fixtureFiles(LARGE_MODEL);
  const size = files.get('onnx/model.onnx')!;
  const modelBytes = [...files.values()].reduce((sum, bytes) => sum + bytes, 0);
  const half = Math.floor(size / 2);
  await openApp(page, server.url, LARGE_MODEL, false);
  const from = server.requests.length;
  const cut = server.cutNext({ path: WEIGHTS, afterBytes: half });
  await loadSelected(page);
  expect(await cut).toEqual({ path: WEIGHTS, bytes: half });

  // What happened, and the way forward. The browser keeps what reached it: the server sent `half`
  // bytes, and the last of them may die with the connection.
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'download-failed', { timeout: 120_000 });
  const details = (await errorPanel(page).textContent()) ?? '';
  const kept = Number(/stopped after (\d+) of \d+ bytes/.exec(details)?.[1]);
  expect(kept).toBeGreaterThan(half * 0.9);
  expect(kept).toBeLessThanOrEqual(half);
  await expect(errorPanel(page)).toContainText(
    `The connection was lost after ${formatBytes(kept)} of ${formatBytes(size)} of model.onnx`,
  );
  await expect(errorPanel(page)).toContainText(`Try again to download only the rest (${formatBytes(size - kept)})`);
  const retry = errorPanel(page).locator('button[data-action="retry"]');
  await expect(retry).toBeVisible();

  await server.restart();
  const retryFrom = server.requests.length;
  await retry.click();
  await waitReady(page);
  // The browser's count: only the rest was downloaded.
  await expect(chat(page).locator('[role="status"]')).toContainText(`Downloaded ${formatBytes(size - kept)}`);
  expect((await reply(page, 'Back again?', 3)).outputTokens).toBe(3);

  // The retry asked for the rest of the weights only, and for no finished file.
  const again = server.requests.slice(retryFrom).filter((request) => request.path.startsWith(FOLDER));
  expect(again.filter((request) => request.method === 'GET').map((r) => [r.path, r.range, r.status, r.bytes])).toEqual([
    [WEIGHTS, `bytes=${kept}-`, 206, size - kept],
  ]);
  // Each file was fetched whole once, and the weights once more from where the browser's bytes
  // ended: the total is the model's size plus what died with the connection, within the bound of
  // the model plus the interrupted part.
  const all = server.requests.slice(from).filter((request) => request.path.startsWith(FOLDER));
  const total = totalBytes(all);
  expect(total).toBe(modelBytes + (half - kept));
  expect(total).toBeLessThanOrEqual(modelBytes + half);
  for (const [path, seen] of transfersUnder(all, FOLDER)) {
    if (path !== 'onnx/model.onnx') expect(seen, path).toEqual({ gets: 1, bytes: files.get(path) });
  }
  console.log(
    JSON.stringify({ modelBytes, cutAtBytes: half, keptByBrowser: kept, retryBytes: size - kept, totalBytes: total }),
  );
});

test('a download cancelled halfway leaves nothing a later load trusts: the next load fetches the file whole', async ({
  page,
}) => {
  const size = fixtureFiles(LARGE_MODEL).get('onnx/model.onnx')!;
  await openApp(page, server.url, LARGE_MODEL, false);
  const stalled = server.stallNext({ path: WEIGHTS, afterBytes: Math.floor(size / 2) });
  await loadSelected(page);
  await stalled;
  await chat(page).locator('edge-llm-load-progress').locator('button').click();
  await expect(chat(page).locator('[role="status"]')).toContainText('Loading cancelled.');

  // No partial weights in storage; the files that finished before are whole.
  const stored = await cachedEntries(page, `${server.url}${FOLDER}`);
  expect(stored['onnx/model.onnx']).toBeUndefined();
  for (const [path, bytes] of Object.entries(stored)) expect(bytes, path).toBe(fixtureFiles(LARGE_MODEL).get(path));

  const from = server.requests.length;
  await loadSelected(page);
  await waitReady(page);
  const weights = server.requests.slice(from).filter((request) => request.path === WEIGHTS && request.method === 'GET');
  expect(weights.map((request) => [request.range, request.status, request.bytes])).toEqual([[undefined, 200, size]]);
});

test('an external data file cut off midway ends in the same message, where transformers.js alone would wait forever', async ({
  page,
}) => {
  const folder = 'onnx-tiny-external';
  const data = `/fixtures/${folder}/onnx/model.onnx_data`;
  const size = fixtureFiles(folder).get('onnx/model.onnx_data')!;
  await openApp(page, server.url, folder, false);
  // On WebGPU, the path this case was written for (the CPU path is the default on SwiftShader).
  await chooseModel(page, `${server.url}/fixtures/${folder}@fp32`, 'gpu');
  const cut = server.cutNext({ path: data, afterBytes: 200_000 });
  await loadSelected(page);
  await cut;
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'download-failed', { timeout: 60_000 });
  await expect(errorPanel(page)).toContainText(`of ${formatBytes(size)} of model.onnx_data`);

  // What the first attempt received whole, the cut file aside (transformers.js fetches a folder's files in parallel,
  // so which ones were done when the host died depends on timing).
  const received = new Set(
    server.requests
      .filter(
        (request) =>
          request.method === 'GET' && request.status === 200 && request.path.startsWith(`/fixtures/${folder}/`),
      )
      .map((request) => request.path)
      .filter((path) => path !== data),
  );
  await server.restart();
  const from = server.requests.length;
  await errorPanel(page).locator('button[data-action="retry"]').click();
  await waitReady(page);
  const retried = server.requests
    .slice(from)
    .filter((request) => request.method === 'GET' && request.path.startsWith(`/fixtures/${folder}/`));
  // The cut file resumes with a range request; nothing received whole is fetched again.
  expect(retried.filter((request) => request.path === data).map((request) => request.status)).toEqual([206]);
  expect(retried.filter((request) => received.has(request.path)).map((request) => request.path)).toEqual([]);
});

test('llama.cpp: a GGUF file cut off midway ends in the download message, and Try again fetches it whole once', async ({
  page,
}) => {
  // wllama downloads each GGUF file itself with one plain GET into the origin private file
  // system and writes the file's metadata only after its last byte: a cut file is never trusted,
  // and since wllama sends no range request it cannot resume one. Try again fetches the whole
  // file once more, within the bound of the file plus the interrupted part.
  const path = 'gguf-tiny/edge-tiny-f32.gguf';
  const file = `/fixtures/${path}`;
  const size = fixtureFiles('gguf-tiny').get('edge-tiny-f32.gguf')!;
  const half = Math.floor(size / 2);
  await openWithGguf(page, server, [path]);
  const from = server.requests.length;
  const cut = server.cutNext({ path: file, afterBytes: half });
  await loadGguf(page, server, path);
  expect(await cut).toEqual({ path: file, bytes: half });
  await expect(errorPanel(page)).toHaveAttribute('data-code', 'download-failed', { timeout: 60_000 });

  await server.restart();
  const retryFrom = server.requests.length;
  await errorPanel(page).locator('button[data-action="retry"]').click();
  await waitReady(page);
  const gets = (start: number) =>
    server.requests.slice(start).filter((request) => request.path === file && request.method === 'GET');
  expect(gets(retryFrom).map((request) => [request.range, request.status, request.bytes])).toEqual([
    [undefined, 200, size],
  ]);
  const total = totalBytes(gets(from));
  expect(total).toBe(size + half);
  console.log(JSON.stringify({ engine: 'llamacpp', fileBytes: size, cutAtBytes: half, totalBytes: total }));
});
