/**
 * The Benchmark view's "Compare engines" card: the user adds the chosen model on two devices,
 * runs the comparison, and reads one table with each figure's ratio to the best, under axe-core.
 */
import axe from 'axe-core';
import { chooseModel, expect, test } from './test.ts';

test('compares the chosen model on WebGPU and on the CPU in one run, each figure beside its ratio to the best', async ({
  page,
  server,
}) => {
  test.setTimeout(240_000);
  await page.goto(`${server.url}/?engine=transformers&view=bench`);
  const model = `${server.url}/fixtures/onnx-tiny@fp32`;
  await page.evaluate(
    ({ url, probe }) => {
      document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
      customElements.whenDefined('edge-llm-bench').then(() => {
        document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!.probeOptions = probe;
      });
    },
    {
      url: `${server.url}/fixtures/onnx-tiny`,
      probe: { runs: 3, bandwidthBytes: 8 * 2 ** 20, matmulSize: 128, matvecRows: 512, matvecCols: 1024 },
    },
  );
  await chooseModel(page, model);
  const bench = page.locator('edge-llm-bench');
  await expect(bench.locator('input[name="model"]')).toHaveValue(model);
  await bench.locator('input[name="runs"]').fill('1');
  await bench.locator('input[name="decode-tokens"]').fill('8');
  await bench.locator('input[name="prompt-lengths"]').fill('64');
  await bench.locator('input[name="prompt-lengths"]').blur();

  await expect(bench.locator('[data-compare-empty]')).toBeVisible();
  await expect(bench.locator('button[data-action="compare"]')).toBeDisabled();
  await bench.locator('select[name="device"]').selectOption('webgpu');
  await bench.locator('button[data-action="compare-add"]').click();
  await bench.locator('select[name="device"]').selectOption('wasm');
  await bench.locator('button[data-action="compare-add"]').click();
  await expect(bench.locator('[data-compare-variants] li')).toHaveCount(2);
  await expect(bench.locator('[data-compare-variants] li').first()).toContainText('transformers.js · WebGPU · fp32');

  await bench.locator('button[data-action="compare"]').click();
  const table = bench.locator('table[data-table="compare"]');
  await expect(table).toBeVisible({ timeout: 200_000 });
  const rows = table.locator('tbody tr[data-entry]');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('(ran on webgpu)');
  await expect(rows.nth(1)).toContainText('(ran on wasm)');
  // One of the two is the fastest decoder: its ratio is 1.00×, the other's is not above it.
  const decode = await rows.locator('[data-column="decodeTokensPerSecond"] .muted').allTextContents();
  expect(decode.map((text) => text.trim())).toContain('1.00×');
  // Real weights: no synthetic label, and no note about twins.
  await expect(bench.locator('[data-synthetic-note]')).toHaveCount(0);

  // Evaluated rather than added as a script tag: the app's Content-Security-Policy refuses inline script.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run({
      include: [{ fromShadowDom: ['edge-llm-app', 'edge-llm-bench'] }],
    });
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
  expect(violations).toEqual([]);
});
