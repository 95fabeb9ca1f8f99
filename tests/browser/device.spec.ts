/**
 * The device panel and the model picker on the real SwiftShader adapter, with web-llm's real
 * catalog; and the specific messages when WebGPU is absent.
 */
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { expect, test } from './test.ts';

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

test('f16 models are marked as needing shader-f16 and their f32 twin is offered', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  const picker = page.locator('edge-llm-model-picker');
  // Declares required_features: ["shader-f16"].
  const smol = picker.locator('tr[data-model-id="SmolLM2-360M-Instruct-q4f16_1-MLC"]');
  await expect(smol).toHaveAttribute('data-verdict', 'needs-f16');
  await expect(smol).toContainText('needs shader-f16');
  // Declares nothing, but its quantization is f16.
  const llama = picker.locator('tr[data-model-id="Llama-3.2-1B-Instruct-q4f16_1-MLC"]');
  await expect(llama).toHaveAttribute('data-verdict', 'needs-f16');
  await expect(picker.locator('tr[data-model-id="Llama-3.2-1B-Instruct-q4f32_1-MLC"]')).toHaveAttribute(
    'data-verdict',
    'fits',
  );

  await smol.locator('button[data-alternative="SmolLM2-360M-Instruct-q4f32_1-MLC"]').click();
  await expect(
    picker.locator('tr[data-model-id="SmolLM2-360M-Instruct-q4f32_1-MLC"] input[type="radio"]'),
  ).toBeChecked();
  await expect(page.locator('edge-llm-chat [role="status"]')).toContainText('SmolLM2-360M-Instruct-q4f32_1-MLC');
});

test('the default model is the smallest instruct model that fits, and large models are hidden until asked', async ({
  page,
  server,
}) => {
  await page.goto(`${server.url}/`);
  const picker = page.locator('edge-llm-model-picker');
  // On SwiftShader (no shader-f16) the smallest f32 instruct model in web-llm 0.2.86's catalog.
  await expect(picker.locator('input[type="radio"]:checked')).toHaveValue('SmolLM2-360M-Instruct-q4f32_1-MLC');
  await expect(picker.locator('tr[data-model-id="Llama-3.1-70B-Instruct-q3f16_1-MLC"]')).toHaveCount(0);
  await picker.getByLabel(/Show all models/).check();
  await expect(picker.locator('tr[data-model-id="Llama-3.1-70B-Instruct-q3f16_1-MLC"]')).toHaveAttribute(
    'data-verdict',
    /wont-fit|needs-f16/,
  );
});

test('a browser without navigator.gpu gets the specific WebGPU message', async ({ playwright, server }) => {
  // An origin that is not localhost is not a secure context, and has no navigator.gpu at all.
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP edge-llm.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url.replace('127.0.0.1', 'edge-llm.test') + '/');
    expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false);
    const error = page
      .locator('edge-llm-app > edge-llm-error-panel [role="alert"], edge-llm-error-panel [role="alert"]')
      .first();
    await expect(error).toHaveAttribute('data-code', 'no-webgpu');
    await expect(error).toContainText('This browser has no WebGPU');
    await expect(error).toContainText('Chrome or Edge 113+');
    await expect(page.locator('edge-llm-device-panel')).toContainText('WebGPU is not available');
  } finally {
    await browser.close();
  }
});

test('a browser that offers no GPU adapter gets its own message', async ({ playwright, server }) => {
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'),
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const error = page.locator('edge-llm-error-panel [role="alert"]').first();
    await expect(error).toHaveAttribute('data-code', 'no-adapter');
    await expect(error).toContainText('No GPU adapter was offered');
  } finally {
    await browser.close();
  }
});
