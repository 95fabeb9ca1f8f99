/**
 * The device panel and the model picker on the real SwiftShader adapter, with every engine's real
 * catalog; the CPU path for a new visitor there; and a browser without WebGPU, which is told so
 * and chats on the CPU.
 */
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { chooseModel, expect, modelRow, test } from './test.ts';

const CHAT = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

test('the device panel shows the real SwiftShader adapter and says it is software', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  const panel = page.locator('edge-llm-device-panel');
  await expect(panel.locator('[data-field="vendor"]')).toHaveText('google');
  await expect(panel.locator('[data-field="architecture"]')).toHaveText('swiftshader');
  await expect(panel.locator('[data-field="adapter-kind"]')).toHaveText('fallback (software)');
  await expect(panel.locator('[data-software-gpu]')).toContainText('expect very slow generation');
  await expect(panel.locator('[data-field="shader-f16"]')).toContainText('no');
  await expect(panel.locator('[data-field="max-storage-binding"]')).toHaveText('1.1 GB');
});

test('f16 variants are marked as needing shader-f16 and their f32 twin is offered', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  await page.locator('edge-llm-model-picker input[name="path"][value="gpu"]').check();
  // Declares required_features: ["shader-f16"].
  const smol = modelRow(page, 'SmolLM2-360M-Instruct-q4f16_1-MLC');
  await expect(smol.locator('option[value="SmolLM2-360M-Instruct-q4f16_1-MLC"]')).toHaveAttribute(
    'data-status',
    'needs-f16',
  );
  // Declares nothing, but its quantization is f16.
  const llama = modelRow(page, 'Llama-3.2-1B-Instruct-q4f16_1-MLC');
  await expect(llama.locator('option[value="Llama-3.2-1B-Instruct-q4f16_1-MLC"]')).toHaveAttribute(
    'data-status',
    'needs-f16',
  );
  await expect(llama.locator('option[value="Llama-3.2-1B-Instruct-q4f32_1-MLC"]')).toHaveAttribute(
    'data-status',
    'fits',
  );

  // Chosen anyway, the f16 variant says why it cannot run here and offers its twin.
  await chooseModel(page, 'SmolLM2-360M-Instruct-q4f16_1-MLC');
  await expect(smol).toHaveAttribute('data-verdict', 'needs-f16');
  await expect(smol.locator('.verdict')).toContainText('needs shader-f16');
  await smol.locator('button[data-alternative="SmolLM2-360M-Instruct-q4f32_1-MLC"]').click();
  await expect(smol).toHaveAttribute('data-model-id', 'SmolLM2-360M-Instruct-q4f32_1-MLC');
  await expect(smol.locator('input[name="model"]')).toBeChecked();
  await expect(page.locator('edge-llm-chat [role="status"]')).toContainText('SmolLM2-360M-Instruct-q4f32_1-MLC');
});

test('on SwiftShader a new visitor starts on the CPU, told why, with the smallest instruct model that fits there', async ({
  page,
  server,
}) => {
  await page.goto(`${server.url}/`);
  const picker = page.locator('edge-llm-model-picker');
  await expect(picker.locator('input[name="path"][value="cpu"]')).toBeChecked();
  await expect(picker.locator('[data-path-reason]')).toHaveText(
    'This GPU is a software renderer: running on the CPU is faster.',
  );
  const chosen = picker.locator('li.row.selected');
  await expect(chosen).toHaveAttribute('data-model-id', 'bartowski/SmolLM2-135M-Instruct-GGUF@Q4_0');
  await expect(chosen.locator('.title')).toHaveText('SmolLM2 135M');
  await expect(chosen.locator('[data-reason]')).toContainText('Best for this device: llama.cpp on the CPU');
  expect(await page.evaluate(`${CHAT}.device`)).toBe('wasm');
  await expect(page.locator('edge-llm-app [data-now]')).toContainText('Q4_0 · llama.cpp · CPU');

  // The visitor can override: on the GPU the same model's best variant there is chosen instead.
  await picker.locator('input[name="path"][value="gpu"]').check();
  await expect(picker.locator('[data-path-reason]')).toContainText('You chose the GPU.');
  await expect(chosen).toHaveAttribute('data-model-id', 'SmolLM2-135M-Instruct-q0f32-MLC');
  expect(await page.evaluate(`${CHAT}.device`)).toBe('webgpu');
});

test('large models are hidden until asked for', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  const picker = page.locator('edge-llm-model-picker');
  await expect(picker.locator('li.row.selected')).toHaveCount(1);
  await expect(modelRow(page, 'Llama-3.1-70B-Instruct-q3f16_1-MLC')).toHaveCount(0);
  await picker.locator('select[name="size-filter"]').selectOption('any');
  await expect(
    modelRow(page, 'Llama-3.1-70B-Instruct-q3f16_1-MLC').locator('option[value="Llama-3.1-70B-Instruct-q3f16_1-MLC"]'),
  ).toHaveAttribute('data-status', /wont-fit|needs-f16/);
});

test('a browser without navigator.gpu is told so, and loads a model on the CPU and chats', async ({
  playwright,
  server,
}) => {
  test.setTimeout(120_000);
  // An origin that is not localhost is not a secure context, and has no navigator.gpu at all.
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP edge-llm.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const origin = server.url.replace('127.0.0.1', 'edge-llm.test');
    await page.goto(`${origin}/`);
    expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false);
    const notice = page.locator('edge-llm-app [data-notice="no-navigator-gpu"]');
    await expect(notice).toHaveAttribute('role', 'status');
    await expect(notice).toContainText('This browser has no WebGPU');
    await expect(notice).toContainText('Models run on the CPU (WebAssembly) instead');
    await expect(notice).toContainText('Chrome or Edge 113+');
    // An informative notice, not an error: nothing is alerted.
    await expect(page.locator('edge-llm-app > edge-llm-error-panel, edge-llm-error-panel [role="alert"]')).toHaveCount(
      0,
    );
    await expect(page.locator('edge-llm-device-panel')).toContainText('WebGPU is not available');
    const picker = page.locator('edge-llm-model-picker');
    await expect(picker.locator('input[name="path"][value="gpu"]')).toBeDisabled();
    await expect(picker.locator('input[name="path"][value="cpu"]')).toBeChecked();
    await expect(picker.locator('[data-path-reason]')).toHaveText('This browser has no WebGPU: models run on the CPU.');
    // The default for a new visitor runs here: a CPU variant, pre-chosen with its reason. A page
    // served over plain HTTP has no private file system either, where llama.cpp keeps its models:
    // its variants say so, and transformers.js on WebAssembly is chosen.
    const chosen = picker.locator('li.row.selected');
    await expect(chosen.locator('[data-reason]')).toContainText('Best for this device: transformers.js on the CPU');
    await expect(chosen.locator('option[data-engine="llamacpp"]').first()).toHaveAttribute(
      'data-status',
      'needs-storage',
    );

    // The tiny ONNX model loads on the CPU (WebAssembly) and answers.
    const model = `${origin}/fixtures/onnx-tiny@fp32`;
    await page.evaluate((url) => {
      document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
    }, `${origin}/fixtures/onnx-tiny`);
    await chooseModel(page, model);
    expect(await page.evaluate(`${CHAT}.device`)).toBe('wasm');
    const chat = page.locator('edge-llm-chat');
    await chat.locator('button[data-action="load"]').click();
    await expect(chat.locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
    await chat.locator('summary', { hasText: 'Settings' }).click();
    await chat.locator('input[name="max-tokens"]').fill('6');
    await chat.locator('input[name="max-tokens"]').press('Tab');
    await chat.locator('textarea[name="message"]').fill('Hello without a GPU');
    await chat.locator('textarea[name="message"]').press('Enter');
    await expect(chat.locator('edge-llm-transcript article[data-role="assistant"] .meta')).toContainText('6 tokens', {
      timeout: 60_000,
    });
    await expect(page.locator('edge-llm-app [data-load-state]')).toHaveText('Ready');
    await expect(page.locator('edge-llm-app [data-now]')).toContainText('fp32 · transformers.js · self-hosted · CPU');
  } finally {
    await browser.close();
  }
});

test('a browser that offers no GPU adapter gets its own notice, and the CPU path', async ({ playwright, server }) => {
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'),
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const notice = page.locator('edge-llm-app [data-notice="no-adapter"]');
    await expect(notice).toContainText('WebGPU offered no GPU adapter');
    await expect(notice).toContainText('Models run on the CPU (WebAssembly) instead');
    await expect(page.locator('edge-llm-model-picker input[name="path"][value="cpu"]')).toBeChecked();
    await expect(page.locator('edge-llm-model-picker li.row.selected [data-reason]')).toContainText('on the CPU');
  } finally {
    await browser.close();
  }
});
