/**
 * Self-hosted models, the way an air-gapped user gets them: `npm run mirror` copies a model from
 * a (local, imitated) hub into a folder, the folder is served on another origin with CORS, the
 * mirror base URL is set in the app and the mirror's model list imported, and a chat completes
 * on WebGPU with every model file coming from the mirror.
 */
import type { Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, TINY_MODEL_DIR, ensureFixtures } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { manager, usageKeys } from './storage-helpers.ts';
import { chooseModel, expect, guardLocalhost, modelRow, test } from './test.ts';

const REPO = join(import.meta.dirname, '..', '..');
const MODEL = 'edge-test/onnx-tiny';
/** A web-llm record on the public hosts' URLs, as a model list from a colleague would have it. */
const WEBLLM_RECORD = {
  model_id: 'edge-tiny-mirrored-q4f32_1-MLC',
  model: 'https://huggingface.co/edge-test/edge-tiny-mirrored-q4f32_1-MLC',
  // The smallest valid WebAssembly module: enough to see where the library is fetched from.
  model_lib: 'https://raw.githubusercontent.com/edge-test/libs/main/empty-module.wasm',
  vram_required_MB: 16,
  low_resource_required: true,
  overrides: { context_window_size: 512 },
};
const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

let mirrorDir: string;
let mirror: StaticServer;

test.beforeAll(async () => {
  ensureFixtures();
  mirrorDir = mkdtempSync(join(tmpdir(), 'edge-llm-mirror-'));
  const hub = await startStaticServer({
    roots: {
      [`/${MODEL}/resolve/main/`]: join(FIXTURES_DIR, 'onnx-tiny'),
      '/edge-test/edge-tiny-mirrored-q4f32_1-MLC/resolve/main/': TINY_MODEL_DIR,
      '/lib-host/edge-test/libs/main/': join(FIXTURES_DIR, 'libs'),
    },
  });
  const recordFile = join(mirrorDir, 'record.json');
  writeFileSync(recordFile, JSON.stringify(WEBLLM_RECORD));
  const runs = [
    ['--engine', 'transformers', '--model', MODEL, '--dtype', 'fp32'],
    ['--engine', 'webllm', '--record', recordFile, '--lib-host', `${hub.url}/lib-host/`],
  ];
  for (const args of runs) {
    const run = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        process.execPath,
        [join(REPO, 'scripts', 'mirror.mjs'), ...args, '--out', mirrorDir, '--hub', hub.url],
        { cwd: REPO },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }),
      ),
    );
    expect(run.code, run.output).toBe(0);
  }
  await hub.close();
  mirror = await startStaticServer({ roots: { '/': mirrorDir }, cors: true });
});

test.afterAll(async () => {
  await mirror?.close();
  if (mirrorDir) rmSync(mirrorDir, { recursive: true, force: true });
});

const sources = (page: Page) => page.locator('edge-llm-model-sources');

async function openSources(page: Page, server: StaticServer, engine: 'transformers' | 'webllm') {
  await page.goto(`${server.url}/?engine=${engine}`);
  await sources(page).getByText('Self-hosted models: mirror and model list').click();
}

test('a mirrored model loads through the mirror base URL and a chat completes on WebGPU', async ({ page, server }) => {
  test.setTimeout(120_000);
  const { outside } = await guardLocalhost(page);
  await openSources(page, server, 'transformers');

  await sources(page).getByLabel('transformers.js mirror base URL').fill(mirror.url);
  await sources(page).getByRole('button', { name: 'Save mirrors' }).click();
  await expect(sources(page).locator('details form [role="status"]')).toHaveText(
    `Models load transformers.js from ${mirror.url}/.`,
  );
  await sources(page)
    .getByLabel(/Import a model list/)
    .setInputFiles(join(mirrorDir, 'edge-llm-models.json'));
  await expect(sources(page).locator('.import [role="status"]')).toContainText(
    `Imported 2 models: ${WEBLLM_RECORD.model_id}, ${MODEL} (fp32)`,
  );

  // On WebGPU: the GPU path, which SwiftShader's default (the CPU) is not.
  await chooseModel(page, `${MODEL}@fp32`, 'gpu');
  const chat = page.locator('edge-llm-chat');
  await chat.locator('button[data-action="load"]').click();
  await expect(chat.locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });

  const stats = await page.evaluate(async (handle) => {
    const element = (0, eval)(handle) as HTMLElement & {
      maxTokens: number;
      temperature: number;
      send(text: string): Promise<{ outputTokens: number; decodeTokensPerSecond: number }>;
    };
    element.maxTokens = 12;
    element.temperature = 0;
    return element.send('Hello from the intranet.');
  }, chatHandle);
  expect(stats.outputTokens).toBe(12);
  expect(stats.decodeTokensPerSecond).toBeGreaterThan(0);

  // Every model file came from the mirror, across origins (so with CORS), and nothing left localhost.
  const folder = `/${MODEL}/resolve/main/`;
  const fetched = mirror.requests.filter((request) => request.method === 'GET' && request.status === 200);
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
    expect(
      fetched.some((request) => request.path === `${folder}${file}` && request.origin === server.url),
      file,
    ).toBe(true);
  }
  expect(server.requests.some((request) => request.path.includes(MODEL))).toBe(false);
  expect(outside).toEqual([]);

  // Stored under the mirror's URLs, and its last use recorded under that same folder.
  const row = manager(page).locator(`tr[data-key="${mirror.url}${folder}"]`);
  await expect(row.locator('[data-last-used]')).toHaveText('just now');
  expect(await usageKeys(page)).toEqual([`transformers|${mirror.url}${folder}`]);
});

test('a web-llm model on the public hosts is fetched from the mirror once the web-llm base URL is set', async ({
  page,
  server,
}) => {
  const { outside } = await guardLocalhost(page);
  await openSources(page, server, 'webllm');
  await sources(page).getByLabel('web-llm mirror base URL').fill(`${mirror.url}/`);
  await sources(page).getByRole('button', { name: 'Save mirrors' }).click();
  await sources(page)
    .getByLabel(/Import a model list/)
    .setInputFiles(join(mirrorDir, 'edge-llm-models.json'));
  await chooseModel(page, WEBLLM_RECORD.model_id);
  await page.locator('edge-llm-chat button[data-action="load"]').click();

  // The library is a valid but empty module, so web-llm cannot start it: the message names the
  // mirror's copy, which shows where the real worker fetched it from.
  const error = page.locator('edge-llm-chat edge-llm-error-panel [role="alert"]');
  await expect(error).toHaveAttribute('data-code', 'model-lib-invalid', { timeout: 30_000 });
  await expect(error).toContainText(`${mirror.url}/libs/empty-module.wasm`);
  const paths = mirror.requests.filter((request) => request.status === 200).map((request) => request.path);
  expect(paths).toContain('/edge-test/edge-tiny-mirrored-q4f32_1-MLC/resolve/main/mlc-chat-config.json');
  expect(paths).toContain('/libs/empty-module.wasm');
  expect(outside).toEqual([]);
});

test('a mirror base URL that is not an absolute http(s) URL is refused, saying what is wrong', async ({
  page,
  server,
}) => {
  await openSources(page, server, 'webllm');
  const field = sources(page).getByLabel('web-llm mirror base URL');
  await field.fill('mirror.example/models');
  await sources(page).getByRole('button', { name: 'Save mirrors' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expect(sources(page).locator('[data-field="webllm"]')).toHaveText(
    '"mirror.example/models" is not an absolute URL: start it with http:// or https://, e.g. https://models.intranet.example/models/.',
  );
  await field.fill('ftp://mirror.example/models/');
  await field.press('Enter');
  await expect(sources(page).locator('[data-field="webllm"]')).toContainText('a mirror must be served over http');
  await field.fill('https://mirror.example/models');
  await field.press('Enter');
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await expect(field).toHaveValue('https://mirror.example/models/');
});

test('model list import: a malformed file names each bad field and adds nothing; a good one adds its models, as text, and is remembered', async ({
  page,
  server,
}) => {
  const hostile = '<img src=x onerror="window.pwned=1">';
  const webllm = {
    model_id: 'imported-tiny-q4f32_1-MLC',
    model: 'https://huggingface.co/edge-test/imported-tiny-q4f32_1-MLC',
    model_lib: 'https://raw.githubusercontent.com/edge-test/libs/imported-tiny.wasm',
    vram_required_MB: 16,
  };
  const file = (list: unknown) => ({
    name: 'models.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(list)),
  });
  await openSources(page, server, 'transformers');
  const input = sources(page).getByLabel(/Import a model list/);

  await input.setInputFiles(
    file({
      schema: 'edge-llm/models@1',
      webllm: [{ ...webllm, model_lib: 'imported-tiny.wasm' }],
      transformers: [{ model: 'edge-test/hostile', dtype: 'q3', name: hostile }],
    }),
  );
  const errors = sources(page).locator('[role="alert"] li');
  await expect(errors).toHaveText([
    'webllm[0].model_lib must be an absolute http(s) URL (it is "imported-tiny.wasm").',
    'transformers[0].dtype must be one of q4, q4f16, int8, fp16, fp32 (it is "q3").',
  ]);
  await expect(page.locator('edge-llm-model-picker option[value="edge-test/hostile@q3"]')).toHaveCount(0);

  await input.setInputFiles(
    file({
      schema: 'edge-llm/models@1',
      webllm: [webllm],
      transformers: [{ model: 'edge-test/hostile', dtype: 'q4', name: hostile }],
    }),
  );
  await expect(errors).toHaveCount(0);
  await expect(sources(page).locator('.import [role="status"]')).toContainText('Imported 2 models');
  const row = modelRow(page, 'edge-test/hostile@q4');
  await expect(row).toContainText(hostile);
  await expect(page.locator('edge-llm-model-picker img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();

  // The web-llm entry is listed with the other engine's models; both survive a reload.
  await page.reload();
  await expect(row).toBeVisible();
  await page.locator('edge-llm-model-picker select[name="engine-filter"]').selectOption('webllm');
  await expect(modelRow(page, webllm.model_id)).toBeVisible();
});
