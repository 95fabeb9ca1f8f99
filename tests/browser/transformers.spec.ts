/**
 * Real token generation on WebGPU in every test run: the transformers.js engine, in the real
 * worker, chats with the tiny ONNX model that `npm run fixtures` generates, served from localhost.
 */
import type { Page } from '@playwright/test';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import type { StaticServer } from '../support/static-server.ts';
import { chooseModel, expect, guardLocalhost, modelRow, test } from './test.ts';

const TINY = 'onnx-tiny';

/** Broken copies of the tiny model, each missing or spoiling one file. */
function makeBrokenFolders() {
  const source = join(FIXTURES_DIR, TINY);
  const variants: Record<string, (dir: string) => void> = {
    'broken-no-config': (dir) => rmSync(join(dir, 'config.json')),
    'broken-no-tokenizer': (dir) => rmSync(join(dir, 'tokenizer.json')),
    'broken-corrupt-onnx': (dir) => writeFileSync(join(dir, 'onnx', 'model.onnx'), 'this is not a protobuf model'),
  };
  for (const [name, spoil] of Object.entries(variants)) {
    const dir = join(FIXTURES_DIR, name);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    cpSync(source, dir, { recursive: true });
    spoil(dir);
  }
}

const chat = (page: Page) => page.locator('edge-llm-chat');
const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

async function openWithFolders(page: Page, server: StaticServer, folders: string[]) {
  await page.goto(`${server.url}/?engine=transformers`);
  await page.evaluate(
    (transformers) => {
      document.querySelector('edge-llm-app')!.customModels = { transformers };
    },
    folders.map((name) => ({ url: `${server.url}/fixtures/${name}`, dtype: 'fp32' })),
  );
  await expect(modelRow(page, `${server.url}/fixtures/${folders[0]}@fp32`)).toBeVisible();
}

/** Loads a folder's model where the visitor chose: the GPU path runs it on WebGPU, the CPU path on WASM. */
async function load(page: Page, server: StaticServer, folder: string, device: 'webgpu' | 'wasm' = 'webgpu') {
  await chooseModel(page, `${server.url}/fixtures/${folder}@fp32`, device === 'webgpu' ? 'gpu' : 'cpu');
  expect(await page.evaluate(`${chatHandle}.device`)).toBe(device);
  await chat(page).locator('button[data-action="load"]').click();
}

async function reply(page: Page, text: string, maxTokens: number) {
  return page.evaluate(
    async ({ text, maxTokens, handle }) => {
      const element = (0, eval)(handle) as HTMLElement & {
        maxTokens: number;
        temperature: number;
        send(text: string): Promise<Record<string, number>>;
        outputTokenIds(): Promise<number[]>;
      };
      element.maxTokens = maxTokens;
      element.temperature = 0;
      let events = 0;
      element.addEventListener('edge-llm-token', () => (events += 1));
      const stats = await element.send(text);
      return { stats, events, ids: await element.outputTokenIds() };
    },
    { text, maxTokens, handle: chatHandle },
  );
}

test.beforeAll(() => makeBrokenFolders());

test('chats with the tiny model on WebGPU: tokens stream, stats are real, GPU memory is measured and freed', async ({
  page,
  server,
}) => {
  await openWithFolders(page, server, [TINY]);
  await load(page, server, TINY);
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });

  const { stats, events } = await reply(page, 'Hello, tiny model.', 24);
  expect(stats.outputTokens).toBe(24);
  expect(events).toBeGreaterThan(1);
  expect(stats.promptTokens).toBeGreaterThan(5);
  expect(stats.ttftMs).toBeGreaterThan(0);
  expect(stats.prefillTokensPerSecond).toBeGreaterThan(0);
  expect(stats.decodeTokensPerSecond).toBeGreaterThan(0);
  expect(stats.gpuMemoryPeakBytes).toBeGreaterThan(0);
  await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"]')).not.toHaveText('');

  // Where it computed: ONNX Runtime's own device, or ours without subgroups where they are too
  // narrow for its flash attention (SwiftShader's have 4 lanes: src/core/ort-subgroups.ts).
  // (The test files are typed without the WebGPU types: the adapter is read untyped.)
  const lanes = await page.evaluate<number | undefined>(
    `navigator.gpu.requestAdapter().then((a) => a?.info.subgroupMinSize)`,
  );
  const compute = chat(page).locator('edge-llm-stats [data-stat="compute"] dd');
  await expect(compute).toContainText('ONNX Runtime Web on the GPU (WebGPU)');
  if (lanes !== undefined && lanes < 8) {
    await expect(compute.locator('[data-compute-reason]')).toContainText(`this GPU's subgroups have ${lanes} lanes`);
  } else {
    await expect(compute).not.toContainText('subgroup');
  }

  const memory = chat(page).locator('edge-llm-stats [data-stat="gpu-memory"] dd');
  await expect(memory).not.toContainText(/^\s*0 B \//);
  const before = Number((await memory.innerText()).match(/^([\d.]+) (KB|MB)/)?.[1]);
  expect(before).toBeGreaterThan(0);
  await chat(page).locator('button[data-action="unload"]').click();
  await expect(memory).toContainText(/^\s*0 B \//);
});

test('Stop interrupts a long reply from the real engine', async ({ page, server }) => {
  await openWithFolders(page, server, [TINY]);
  await load(page, server, TINY);
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  await page.evaluate(`${chatHandle}.maxTokens = 400`);
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill('Keep talking.');
  await input.press('Enter');
  await expect(chat(page).locator('edge-llm-stats [data-stat="tokens-out"] dd')).toHaveText(/^[1-9]\d*$/, {
    timeout: 30_000,
  });
  await chat(page).locator('button[data-action="stop"]').click();
  const meta = chat(page).locator('edge-llm-transcript article[data-role="assistant"] .meta');
  await expect(meta).toContainText('stopped');
  expect(Number((await meta.innerText()).split(' ')[0])).toBeLessThan(400);
});

test('greedy decoding gives the same token ids on WebGPU and on WASM', async ({ page, server }) => {
  await openWithFolders(page, server, [TINY]);
  await load(page, server, TINY, 'webgpu');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const gpu = await reply(page, 'Same prompt, same answer.', 20);
  await chat(page).locator('button[data-action="new-conversation"]').click();

  await load(page, server, TINY, 'wasm');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const cpu = await reply(page, 'Same prompt, same answer.', 20);
  expect(gpu.ids).toHaveLength(20);
  expect(cpu.ids).toEqual(gpu.ids);
});

for (const [folder, code, words] of [
  ['broken-no-config', 'model-file-missing', 'config.json'],
  ['broken-no-tokenizer', 'model-file-missing', 'tokenizer.json'],
  ['broken-corrupt-onnx', 'model-file-invalid', 'onnx/model.onnx'],
] as const) {
  test(`a model folder that is ${folder.slice('broken-'.length)} ends in a specific message`, async ({
    page,
    server,
  }) => {
    await openWithFolders(page, server, [folder]);
    await load(page, server, folder);
    const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
    await expect(error).toHaveAttribute('data-code', code, { timeout: 60_000 });
    await expect(error).toContainText(words);
    // Still usable: the load button is back.
    await expect(chat(page).locator('button[data-action="load"]')).toBeEnabled();
  });
}

test('no request leaves localhost while the transformers.js engine loads and chats', async ({ page, server }) => {
  const { outside, seen } = await guardLocalhost(page);
  await openWithFolders(page, server, [TINY]);
  await load(page, server, TINY);
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  await reply(page, 'Stay local.', 5);
  // The route saw the worker's requests for the model, so nothing could have slipped past it.
  expect(seen).toContain(`/fixtures/${TINY}/onnx/model.onnx`);
  expect(outside).toEqual([]);
  const served = server.requests.map((request) => request.path);
  expect(served.some((path) => /ort-wasm-simd-threaded.*\.wasm$/.test(path))).toBe(true);
});

test('a visitor adds a self-hosted model folder by URL, loads it and chats, all through the UI', async ({
  page,
  server,
}) => {
  await page.goto(`${server.url}/`);
  const form = page.locator('edge-llm-app form.folder');
  await form.getByLabel('Self-hosted model folder URL').fill('not a url');
  await form.getByRole('button', { name: 'Add model' }).click();
  // The browser's own URL validation keeps a non-URL out.
  await expect(page.locator('edge-llm-model-picker option[value$="onnx-tiny@fp32"]')).toHaveCount(0);

  await form.getByLabel('Self-hosted model folder URL').fill(`${server.url}/fixtures/${TINY}/`);
  await form.getByLabel('Weights').selectOption('fp32');
  await form.getByRole('button', { name: 'Add model' }).click();
  const row = modelRow(page, `${server.url}/fixtures/${TINY}@fp32`);
  await expect(row.locator('input[type="radio"]')).toBeChecked();
  await expect(row).toHaveAttribute('data-model-id', `${server.url}/fixtures/${TINY}@fp32`);
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  await chat(page).locator('summary', { hasText: 'Settings' }).click();
  await chat(page).locator('input[name="max-tokens"]').fill('8');
  await chat(page).locator('input[name="max-tokens"]').press('Tab');
  await chat(page).locator('textarea[name="message"]').fill('Hello from the form.');
  await chat(page).locator('textarea[name="message"]').press('Enter');
  await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"] .meta')).toContainText(
    '8 tokens',
    {
      timeout: 30_000,
    },
  );

  // The added folder is kept on this device: after a reload it is listed (and still chosen).
  await page.reload();
  await expect(row.locator('input[type="radio"]')).toBeChecked();
});

test('models several engines have are marked, so a visitor can compare them', async ({ page, server }) => {
  await page.goto(`${server.url}/?engine=transformers`);
  await page.locator('edge-llm-model-picker input[name="path"][value="gpu"]').check();
  const row = modelRow(page, 'HuggingFaceTB/SmolLM2-360M-Instruct@q4');
  await expect(row.locator('[data-engines]')).toHaveText('in web-llm, transformers.js and llama.cpp');
  await expect(row.locator('option[value="HuggingFaceTB/SmolLM2-360M-Instruct@q4"]')).toHaveAttribute(
    'data-status',
    'fits',
  );
  await expect(row.locator('option[value="HuggingFaceTB/SmolLM2-360M-Instruct@q4f16"]')).toHaveAttribute(
    'data-status',
    'needs-f16',
  );
  // Filtered to web-llm, the row still names the other engines that have the model.
  await page.locator('edge-llm-model-picker select[name="engine-filter"]').selectOption('webllm');
  const webllm = modelRow(page, 'SmolLM2-360M-Instruct-q4f32_1-MLC');
  await expect(webllm.locator('[data-engines]')).toHaveText('in web-llm, transformers.js and llama.cpp');
  await expect(webllm.locator('option[data-engine="transformers"]')).toHaveCount(0);
});
