/**
 * The picker of models, not files, on the real SwiftShader adapter with every engine's real
 * catalog: one row per model with its variants in a control, the best variant for this device
 * pre-chosen with its reason and never one this GPU cannot run, and the filters.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './test.ts';

const picker = (page: Page) => page.locator('edge-llm-model-picker');

/** Every row: its key, its variants with their engine and status, the best one, and what it says. */
function rows(page: Page) {
  return picker(page)
    .locator('li.row')
    .evaluateAll((items) =>
      items.map((item) => ({
        key: item.getAttribute('data-model-key')!,
        current: item.getAttribute('data-model-id')!,
        best: item.getAttribute('data-best')!,
        reason: item.querySelector('[data-reason]')?.textContent?.trim() ?? '',
        variants: Array.from(item.querySelectorAll('option')).map((option) => ({
          id: option.value,
          engine: option.dataset.engine!,
          status: option.dataset.status!,
        })),
      })),
    );
}

test('one row per model: each model once, its variants from every engine in one control', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  await picker(page).locator('select[name="size-filter"]').selectOption('any');
  await expect(picker(page).locator('li.row').first()).toBeVisible();
  const all = await rows(page);
  const keys = all.map((row) => row.key);
  expect(new Set(keys).size).toBe(keys.length);
  const ids = all.flatMap((row) => row.variants.map((variant) => variant.id));
  expect(new Set(ids).size).toBe(ids.length);
  expect(all.length).toBeLessThan(ids.length / 2);
  const smol = all.find((row) => row.key === 'smollm2-360m-instruct')!;
  expect(new Set(smol.variants.map((variant) => variant.engine))).toEqual(
    new Set(['webllm', 'transformers', 'llamacpp']),
  );
  await expect(picker(page).locator('li.row[data-model-key="smollm2-360m-instruct"] .title')).toHaveText(
    'SmolLM2 360M',
  );
});

for (const path of ['cpu', 'gpu'] as const) {
  test(`on SwiftShader, ${path} path: no variant that needs shader-f16 is pre-chosen, and the best variant's reason is shown`, async ({
    page,
    server,
  }) => {
    await page.goto(`${server.url}/`);
    await picker(page).locator(`input[name="path"][value="${path}"]`).check();
    await picker(page).locator('select[name="size-filter"]').selectOption('any');
    await expect(picker(page).locator('li.row').first()).toHaveAttribute('data-verdict', /./);
    const all = await rows(page);
    let withF16 = 0;
    for (const row of all) {
      if (row.variants.some((variant) => variant.status === 'needs-f16')) withF16 += 1;
      if (!row.best) continue;
      const best = row.variants.find((variant) => variant.id === row.best)!;
      expect(['fits', 'tight', 'size-unknown'], `${row.key}: ${best.id}`).toContain(best.status);
      expect(best.status).not.toBe('needs-f16');
      // No row was chosen by the visitor: each shows its best variant and says why.
      expect(row.current).toBe(row.best);
      expect(row.reason).toMatch(/^Best for this device: /);
    }
    // The rule was put to the test: many models have variants this GPU cannot run.
    expect(withF16).toBeGreaterThan(10);
  });
}

test('filters: by engine, by size, and what is stored on this device', async ({ page, server }) => {
  test.setTimeout(120_000);
  const folder = `${server.url}/fixtures/onnx-tiny`;
  await page.goto(`${server.url}/`);
  await page.evaluate((url) => {
    document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
  }, folder);
  const count = picker(page).locator('.count');
  // Every engine's catalog is listed (the count reads "0 models shown" until it is).
  await expect(count).toHaveText(/^[1-9]\d* models? shown$/);
  await expect(picker(page).locator('li.row[data-model-key="onnx-tiny"]')).toBeAttached();

  await picker(page).locator('select[name="engine-filter"]').selectOption('llamacpp');
  const llama = await rows(page);
  expect(llama.length).toBeGreaterThan(3);
  expect(llama.every((row) => row.variants.every((variant) => variant.engine === 'llamacpp'))).toBe(true);
  // The engines a model is in are still named, so it can be compared.
  await expect(picker(page).locator('li.row[data-model-key="smollm2-360m-instruct"] [data-engines]')).toHaveText(
    'in web-llm, transformers.js and llama.cpp',
  );
  await picker(page).locator('select[name="engine-filter"]').selectOption('all');

  await picker(page).locator('select[name="size-filter"]').selectOption('tiny');
  const tiny = await rows(page);
  expect(tiny.map((row) => row.key)).not.toContain('smollm2-1.7b-instruct');
  await picker(page).locator('select[name="size-filter"]').selectOption('small');

  // Nothing stored yet; then the tiny model, loaded once, is the one stored model.
  await picker(page).getByLabel('Stored on this device').check();
  await expect(count).toHaveText('0 models shown');
  await picker(page).getByLabel('Stored on this device').uncheck();
  const row = picker(page).locator('li.row[data-model-key="onnx-tiny"]');
  await row.locator('select[name="variant"]').selectOption(`${folder}@fp32`);
  // A model of unknown size says so, never "Needs 0 B".
  await expect(row.locator('.verdict')).toContainText(/size unknown/i);
  await expect(row).not.toContainText('0 B');
  await page.locator('edge-llm-chat button[data-action="load"]').click();
  await expect(page.locator('edge-llm-chat [role="status"]')).toContainText('ready', { timeout: 60_000 });
  // Loading stored it: the picker marks it without a reload.
  await picker(page).getByLabel('Stored on this device').check();
  await expect(count).toHaveText('1 model shown');
  await expect(row.locator('[data-stored]')).toHaveText('stored');
});
