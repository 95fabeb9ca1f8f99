/**
 * The Bench view end to end: the GPU probe, the full model protocol and the correctness check on
 * the tiny generated ONNX model through the transformers.js engine on SwiftShader WebGPU, then
 * export, import, compare and share, and imports that must be refused.
 */
import type { Download, Locator, Page } from '@playwright/test';
import axe from 'axe-core';
import { readFileSync } from 'node:fs';
import { parseBenchResult } from '../../src/core/bench-schema.ts';
import { sampleResult } from '../unit/bench-fixture.ts';
import type { StaticServer } from '../support/static-server.ts';
import { chooseModel, expect, guardLocalhost, test } from './test.ts';

const bench = (page: Page) => page.locator('edge-llm-bench');
const QUICK_PROBE = { runs: 3, bandwidthBytes: 8 * 2 ** 20, matmulSize: 128, matvecRows: 512, matvecCols: 1024 };

async function openBench(page: Page, server: StaticServer) {
  await page.goto(`${server.url}/?engine=transformers&view=bench`);
  const model = `${server.url}/fixtures/onnx-tiny@fp32`;
  await page.evaluate(
    ({ url, probe }) => {
      document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
      customElements.whenDefined('edge-llm-bench').then(() => {
        document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!.probeOptions = probe;
      });
    },
    { url: `${server.url}/fixtures/onnx-tiny`, probe: QUICK_PROBE },
  );
  // On the GPU: the benchmark measures where the chat runs (SwiftShader's default is the CPU).
  await chooseModel(page, model, 'gpu');
  await expect(bench(page).locator('input[name="model"]')).toHaveValue(model);
  await expect(bench(page).locator('select[name="device"]')).toHaveValue('webgpu');
  return model;
}

async function saved(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

test('runs the full protocol on the tiny model and shows the table, chart and roofline; export, import, compare and share round-trip', async ({
  page,
  server,
}) => {
  test.setTimeout(240_000);
  const guard = await guardLocalhost(page);
  const model = await openBench(page, server);
  await bench(page).locator('input[name="runs"]').fill('2');
  await bench(page).locator('input[name="decode-tokens"]').fill('16');
  // 1,024 does not fit the tiny model's 512-token context with 16 output tokens: it is capped.
  await bench(page).locator('input[name="prompt-lengths"]').fill('64 1024');
  await bench(page).locator('input[name="prompt-lengths"]').blur();

  const steps: string[] = [];
  await page.exposeFunction('recordStep', (message: string) => steps.push(message));
  await page.evaluate(() =>
    document.addEventListener('edge-llm-bench-progress', (event) =>
      (window as unknown as { recordStep(m: string): void }).recordStep(event.detail.message),
    ),
  );
  await bench(page).locator('button[data-action="run"]').click();
  await expect(bench(page).locator('[role="status"] progress')).toBeVisible();
  await expect(bench(page).locator('table[data-table="runs"] tbody tr')).toHaveCount(2, { timeout: 200_000 });

  // The probe: every kernel that ran passed its CPU check and reported a positive speed.
  for (const id of ['bandwidth', 'copy', 'matmulF32', 'matvecQ4']) {
    const row = bench(page).locator(`table[data-table="probe"] tr[data-kernel="${id}"]`);
    await expect(row.locator('td.num')).toHaveText(
      /^[\d.]+ \([\d.]+–[\d.]+\) (GB|GFLOP)\/s( · [\d.]+ \([\d.]+–[\d.]+\) GFLOP\/s)?$/,
    );
    if (id !== 'copy') await expect(row).toContainText('passed');
  }
  await expect(bench(page).locator('[data-figure="kernel-to-copy"]')).toHaveText(/^\d+%$/);

  // The protocol's steps, in order.
  expect(steps[0]).toBe('Reading the GPU adapter');
  const order = [
    'Cold load',
    'Warm load',
    'Calibrating',
    'Warm-up 1 of 1 at 64',
    'Run 2 of 2 at 64',
    'Run 2 of 2 at 488',
  ];
  let at = 0;
  for (const prefix of order) {
    const found = steps.findIndex((step, i) => i >= at && step.startsWith(prefix));
    expect(found, `${prefix} in ${steps.join(' | ')}`).toBeGreaterThanOrEqual(at);
    at = found;
  }

  // The table: measured figures, both prompt lengths, cold and warm loads.
  const rows = bench(page).locator('table[data-table="runs"] tbody tr');
  await expect(rows.nth(0).locator('td').nth(2)).toHaveText(/^(6[3-5])$/);
  await expect(rows.nth(1).locator('td').nth(2)).toHaveText(/^(4[89]\d)$/);
  for (const i of [0, 1]) {
    await expect(rows.nth(i).locator('td[data-metric="decode"]')).toHaveText(/^[\d.]+ \([\d.]+–[\d.]+\)$/);
    await expect(rows.nth(i).locator('td').nth(3)).not.toHaveText('–');
    await expect(rows.nth(i).locator('td').nth(4)).not.toHaveText('–');
    await expect(rows.nth(i).locator('td[data-metric="roofline"]')).toHaveText(/^[\d.]+%$/);
  }
  await expect(bench(page).locator('[data-notes]')).toContainText('caps the longest prompt at 488 tokens');

  // The correctness check ran last: WebGPU chose the CPU's next token at every position.
  expect(steps.at(-1)).toBe('Correctness: the same 256 tokens on this device and on the CPU');
  const correctness = bench(page).locator('section[data-correctness]');
  await expect(correctness).toHaveAttribute('data-correctness', 'agrees');
  await expect(correctness.locator('[data-verdict]')).toHaveText(
    /^This device computes this model like the CPU: the next token agreed with the CPU at 100% of 256 positions/,
  );
  await expect(correctness).toContainText('256 of 256 positions agreed (100%)');
  await expect(rows.locator('td[data-metric="agreement"]')).toHaveText(['100%', '100%']);

  // The chart has a bar per run, with spread; the roofline shows its formula and its arithmetic.
  const chart = bench(page).locator('edge-llm-bench-chart');
  await expect(chart.locator('g[data-bar]')).toHaveCount(2);
  await expect(chart.locator('svg')).toHaveAttribute('aria-label', /^Decode tokens\/s, median with p10 to p90:/);
  await expect(bench(page).locator('[data-formula]')).toHaveText(
    'decode tokens/s ≤ memory bandwidth ÷ bytes read per token',
  );
  await expect(bench(page).locator('[data-roofline] li').first()).toContainText(
    /GB\/s ÷ that = at most\s+\d+\s+tokens\/s; measured\s+[\d.]+ = [\d.]+%/,
  );

  // Export: the JSON is a valid edge-llm/bench@2 file with the raw samples and the check.
  const json = await saved(page, bench(page).locator('button[data-export="json"]'));
  expect(json.name).toMatch(/^edge-llm-bench-.*\.json$/);
  const parsed = parseBenchResult(json.text);
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (!parsed.ok) return;
  const result = parsed.value;
  expect(result.device.adapter.architecture).toBe('swiftshader');
  expect(result.protocol).toMatchObject({ version: 'edge-llm/protocol@1', runs: 2, warmupRuns: 1, decodeTokens: 16 });
  expect(result.runs).toHaveLength(2);
  expect(result.correctness).toMatchObject({
    engine: 'transformers',
    model,
    computeDevice: 'webgpu',
    quantization: 'fp32',
    checked: true,
    reference: 'wasm',
    positions: 256,
    agreeing: 256,
  });
  for (const run of result.runs) {
    expect(run).toMatchObject({ engine: 'transformers', model, computeDevice: 'webgpu', decodeTokens: 16 });
    expect(run.decodeTokensPerSecond).toHaveLength(2);
    expect(run.outputTokens).toEqual([16, 16]);
    expect(run.coldLoadMs).toBeGreaterThan(0);
    expect(run.warmLoadMs).toBeGreaterThan(0);
    expect(run.weightBytes).toBe(readFileSync('tests/fixtures/generated/onnx-tiny/onnx/model.onnx').byteLength);
    // 2 layers · 4 KV heads · 16 dims · K and V · 4 bytes.
    expect(run.kvBytesPerToken).toBe(2 * 2 * 4 * 16 * 4);
    for (const metric of ['ttftMs', 'prefillTokensPerSecond', 'decodeTokensPerSecond', 'peakGpuMemoryBytes'] as const) {
      expect(Math.min(...run[metric]), metric).toBeGreaterThan(0);
    }
  }
  const csv = await saved(page, bench(page).locator('button[data-export="csv"]'));
  expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(3);
  const markdown = await saved(page, bench(page).locator('button[data-export="markdown"]'));
  expect(markdown.text).toContain('| Device | Engine | Model |');
  expect(markdown.text).toMatch(/\| Agreement with CPU \|\n/);

  // Import the exported file back: two sources side by side, four rows, four bars.
  await bench(page)
    .locator('input[name="import"]')
    .setInputFiles({ name: 'laptop.json', mimeType: 'application/json', buffer: Buffer.from(json.text) });
  await expect(bench(page).locator('li[data-source="laptop.json"]')).toBeVisible();
  await expect(rows).toHaveCount(4);
  await expect(chart.locator('g[data-bar]')).toHaveCount(4);

  // Share: the link carries the result in its fragment and opens it elsewhere.
  await bench(page).locator('button[data-action="share"]').click();
  const link = await bench(page).locator('.share input').inputValue();
  expect(new URL(link).hash).toMatch(/^#r=[\w-]+$/);
  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.locator('edge-llm-bench li[data-source="Shared link"]')).toBeVisible();
  await expect(other.locator('edge-llm-bench table[data-table="runs"] tbody tr')).toHaveCount(2);
  expect(guard.outside).toEqual([]);
});

test('the benchmark measures where the chat runs: the CPU on SwiftShader by default, the GPU once chosen', async ({
  page,
  server,
}) => {
  await page.goto(`${server.url}/?engine=transformers&view=bench`);
  const model = `${server.url}/fixtures/onnx-tiny@fp32`;
  await page.evaluate((url) => {
    document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
  }, `${server.url}/fixtures/onnx-tiny`);
  await expect(bench(page).locator('input[name="model"]')).toHaveValue(model);
  await expect(bench(page).locator('select[name="device"]')).toHaveValue('wasm');
  await chooseModel(page, model, 'gpu');
  await expect(bench(page).locator('select[name="device"]')).toHaveValue('webgpu');
});

test('bad imports get a specific message each and never become markup', async ({ page, server }) => {
  await page.goto(`${server.url}/?engine=double&view=bench`);
  const good = sampleResult();
  const hostile = JSON.parse(JSON.stringify(good));
  hostile.runs[0].model = '<img src=x onerror="window.__pwned=1">';
  hostile.device.adapter.description = '<script>window.__pwned=1</script>';
  const files = [
    { name: 'wrong-schema.json', text: JSON.stringify({ ...good, schema: 'other/thing@1' }) },
    { name: 'truncated.json', text: JSON.stringify(good).slice(0, 120) },
    { name: 'bad-field.json', text: JSON.stringify({ ...good, runs: [{ ...good.runs[0], ttftMs: ['fast'] }] }) },
    { name: 'hostile.json', text: JSON.stringify(hostile) },
  ];
  await bench(page)
    .locator('input[name="import"]')
    .setInputFiles(files.map(({ name, text }) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) })));
  const errors = bench(page).locator('[data-import-errors] li');
  await expect(errors).toHaveCount(3);
  await expect(errors.nth(0)).toHaveText(
    'wrong-schema.json: not an edge-llm benchmark file (schema "other/thing@1", expected "edge-llm/bench@2")',
  );
  await expect(errors.nth(1)).toContainText('truncated.json: the file is truncated or not JSON');
  await expect(errors.nth(2)).toHaveText('bad-field.json: runs[0].ttftMs[0] must be a finite number');

  // The hostile file is valid data: shown as text, never as elements.
  const row = bench(page).locator('table[data-table="runs"] tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').nth(1)).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await bench(page).locator('img, script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // With results, errors and the chart on screen, axe-core finds nothing to fix in the view.
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

  // Settings out of range are refused before anything runs, naming the setting.
  await bench(page).locator('input[name="runs"]').fill('0');
  await bench(page).locator('input[name="runs"]').blur();
  await bench(page).locator('button[data-action="probe"]').click();
  await expect(bench(page).locator('.actions [role="alert"]')).toHaveText(
    'Check the settings: runs must be a whole number from 1 to 100 (got 0).',
  );
  await expect(bench(page).locator('table[data-table="probe"]')).toHaveCount(0);

  // A broken share link says why, and the page stays usable.
  await page.goto(`${server.url}/?view=bench#r=not-a-result!`);
  await expect(bench(page).locator('[data-import-errors] li')).toHaveText(
    'Shared link: the link is garbled: its result is not valid base64url (was it cut or edited?)',
  );
  await expect(bench(page).locator('button[data-action="probe"]')).toBeEnabled();
});

test('a benchmark cut short by a closed tab is reported on the next visit', async ({ page, server }) => {
  const context = page.context();
  await page.goto(`${server.url}/?engine=double&view=bench`);
  await chooseModel(page, 'double-slow-load');
  await expect(bench(page).locator('input[name="model"]')).toHaveValue('double-slow-load');
  await page.evaluate((probe) => {
    document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!.probeOptions = probe;
  }, QUICK_PROBE);
  await bench(page).locator('button[data-action="run"]').click();
  await expect(bench(page).locator('[role="status"]')).toContainText('Cold load', { timeout: 60_000 });
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('edge-llm:run-intents')))
    .toMatch(/"kind":"bench".*"model":"double-slow-load"/);

  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await next.goto(`${server.url}/?engine=double`);
  const notice = next.locator('edge-llm-crash-notice [part="notice"]');
  await expect(notice).toBeVisible();
  await expect(notice.locator('h2')).toHaveText('The last benchmark did not finish');
});
