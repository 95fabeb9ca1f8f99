/**
 * The Evaluate view end to end, through its form: two builds of the tiny generated ONNX model on
 * transformers.js (SwiftShader WebGPU), then the table, the scatter and its Pareto front, the
 * recommendation at a speed the user sets, export and re-import; the user's own suite refused
 * line by line, kept across a reload and forgotten; results kept per device and cleared; the
 * crash marker; axe-core. The engine double answers where only the view is under test.
 */
import type { Download, Locator, Page } from '@playwright/test';
import axe from 'axe-core';
import { readFileSync } from 'node:fs';
import { parseEvalResult } from '../../src/core/eval-schema.ts';
import type { StaticServer } from '../support/static-server.ts';
import { expect, guardLocalhost, test } from './test.ts';

const view = (page: Page) => page.locator('edge-llm-eval');
const rows = (page: Page) => view(page).locator('table[data-table="eval"] tbody tr');

async function open(page: Page, server: StaticServer, engine: 'transformers' | 'double') {
  await page.goto(`${server.url}/?view=eval&engine=${engine}`);
  if (engine === 'transformers') {
    await page.evaluate(
      (urls) => {
        document.querySelector('edge-llm-app')!.customModels = {
          transformers: urls.map((url) => ({ url, dtype: 'fp32' })),
        };
      },
      ['onnx-tiny', 'onnx-tiny-perturbed'].map((name) => `${server.url}/fixtures/${name}`),
    );
  }
  await expect(view(page).locator('button[data-action="run"]')).toBeEnabled();
  // The app's chosen model is put into the "Model to add" field once the catalog is listed: typed
  // before that, a name ran into it on a busy machine ("double-short-contextdouble-slow-load").
  await expect(view(page).locator('input[name="model"]')).not.toHaveValue('');
}

async function addModels(page: Page, models: string[]) {
  for (const model of models) {
    await view(page).locator('input[name="model"]').fill(model);
    await view(page).locator('button[data-action="add-model"]').click();
  }
  await expect(view(page).locator('ul[data-models] li')).toHaveCount(models.length);
}

function suiteFile(name: string, lines: string[]) {
  return { name, mimeType: 'application/jsonl', buffer: Buffer.from(lines.join('\n')) };
}

async function setNumber(field: Locator, value: string) {
  await field.fill(value);
  await field.blur();
}

async function saved(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

test('two models through the form: table, scatter with its Pareto front, the recommendation at a set speed; export and re-import', async ({
  page,
  server,
  browser,
}) => {
  test.setTimeout(300_000);
  const guard = await guardLocalhost(page);
  await open(page, server, 'transformers');
  const tiny = `${server.url}/fixtures/onnx-tiny@fp32`;
  const twin = `${server.url}/fixtures/onnx-tiny-perturbed@fp32`;
  await addModels(page, [tiny, twin]);
  await view(page)
    .locator('input[name="suite-file"]')
    .setInputFiles(
      suiteFile('colours.jsonl', [
        '{"prompt": "Name a colour.", "answer": "blue", "match": "exact"}',
        '{"prompt": "How many legs has a cat?", "answer": 4, "match": "number"}',
        '{"prompt": "Happy or sad?", "answer": "happy", "match": "choice", "choices": ["happy", "sad"]}',
      ]),
    );
  await expect(view(page).locator('select[name="suite"]')).toHaveValue('user:colours.jsonl');
  await setNumber(view(page).locator('input[name="max-tokens"]'), '4');

  await view(page).locator('button[data-action="run"]').click();
  await expect(view(page).locator('[role="status"] progress')).toBeVisible();
  await expect(view(page).locator('button[data-action="cancel"]')).toBeVisible();
  await expect(rows(page)).toHaveCount(2, { timeout: 240_000 });
  await expect(view(page).locator('button[data-action="cancel"]')).toHaveCount(0);

  // The table: one row per model, accuracy with its interval, measured speed and memory.
  for (const [i, name] of ['onnx-tiny@fp32', 'onnx-tiny-perturbed@fp32'].entries()) {
    const row = rows(page).nth(i);
    await expect(row.locator('th')).toContainText(`${i + 1}. ${name} · transformers.js`);
    await expect(row.locator('td[data-metric="accuracy"]')).toHaveText(/^\d+% \(\d+–\d+%\)$/);
    await expect(row.locator('td[data-metric="decode"]')).toHaveText(/^\d+(\.\d)?$/);
    await expect(row.locator('td').nth(2)).toHaveText(/^[\d.]+ (KB|MB)$/);
  }

  // Export: a valid edge-llm/eval@1 file with both runs.
  const json = await saved(page, view(page).locator('button[data-export="json"]'));
  expect(json.name).toMatch(/^edge-llm-eval-.*\.json$/);
  const parsed = parseEvalResult(json.text);
  expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
  if (!parsed.ok) return;
  const result = parsed.value;
  expect(result.suite).toMatchObject({ name: 'colours.jsonl', kind: 'user', items: 3 });
  expect(result.settings).toEqual({ maxTokens: 4, temperature: 0 });
  expect(result.runs.map((run) => [run.model, run.complete, run.items.length])).toEqual([
    [tiny, true, 3],
    [twin, true, 3],
  ]);

  // The front, worked out here from the exported figures: no other run at least as accurate, as
  // fast and as small, and better at one.
  const figures = result.summary.map((summary) => {
    // WebGPU memory was measured for this engine: the front's third figure.
    expect(summary.peakGpuMemoryBytes).toBeGreaterThan(0);
    return {
      accuracy: summary.accuracy.rate,
      speed: summary.decodeTokensPerSecond.median,
      memory: summary.peakGpuMemoryBytes!,
    };
  });
  const front = figures.map(
    (p, i) =>
      !figures.some(
        (q, j) =>
          j !== i &&
          q.accuracy >= p.accuracy &&
          q.speed >= p.speed &&
          q.memory <= p.memory &&
          (q.accuracy > p.accuracy || q.speed > p.speed || q.memory < p.memory),
      ),
  );
  expect(front).toContain(true);
  expect(await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-front')))).toEqual(
    front.map(String),
  );

  // The scatter: a dot per run, the front's dots filled, and a summary as its accessible name.
  const scatter = view(page).locator('svg[part="scatter"]');
  const points = scatter.locator('g[data-point]');
  await expect(points).toHaveCount(2);
  expect(await points.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-front')))).toEqual(front.map(String));
  await expect(scatter.locator('circle.on-front')).toHaveCount(front.filter(Boolean).length);
  await expect(scatter.locator('polyline[data-front-line]')).toHaveCount(front.filter(Boolean).length > 1 ? 1 : 0);
  await expect(scatter).toHaveAttribute('role', 'img');
  await expect(scatter).toHaveAttribute(
    'aria-label',
    /^Accuracy against decode speed for 2 model runs, dot size by memory; on the Pareto front: onnx-tiny/,
  );
  await expect(points.first().locator('title')).toContainText('1. onnx-tiny@fp32 · transformers.js: ');

  // The recommendation: nothing reaches an impossible speed, and it names the fastest that fits.
  const speed = view(page).locator('input[name="min-speed"]');
  const fastest = figures[0]!.speed >= figures[1]!.speed ? 0 : 1;
  const fastestName = ['onnx-tiny@fp32', 'onnx-tiny-perturbed@fp32'][fastest]!;
  const fastestRate = figures[fastest]!.speed;
  await setNumber(speed, '1000000');
  await expect(view(page).locator('[data-recommendation]')).toHaveText(
    `No model that fits this device decodes at 1000000 tok/s or more; the fastest that fits, ${fastestName} · transformers.js, reaches ${fastestRate >= 100 ? Math.round(fastestRate) : fastestRate.toFixed(1)} tok/s. Lower the speed you need, or try a smaller model.`,
  );
  // Any speed: the most accurate of the two, with the reason.
  await setNumber(speed, '0');
  await expect(view(page).locator('[data-recommendation]')).toHaveText(
    /^onnx-tiny(-perturbed)?@fp32 · transformers\.js is the most accurate of the 2 models that fit this device and decode at 0\.0 tok\/s or more: \d+% right \(95% interval \d+–\d+%, 3 items\) at [\d.]+ tok\/s\. It fits: Needs [\d.]+ (KB|MB) of about [\d.]+ GB\./,
  );

  // CSV and Markdown: every run shown.
  const csv = await saved(page, view(page).locator('button[data-export="csv"]'));
  expect(csv.name).toMatch(/^edge-llm-eval-.*\.csv$/);
  expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(3);
  const markdown = await saved(page, view(page).locator('button[data-export="markdown"]'));
  expect(markdown.text).toContain('| Device | Suite | Engine | Model | Accuracy (95% CI) |');
  expect(markdown.text).toContain('| colours.jsonl |');

  // The same file again on this page is already shown.
  const file = { name: 'laptop.json', mimeType: 'application/json', buffer: Buffer.from(json.text) };
  await view(page).locator('input[name="import"]').setInputFiles(file);
  await expect(view(page).locator('[data-import-errors] li')).toHaveText('laptop.json: this result is already shown');

  // Re-import elsewhere: the same rows and figures, from the file.
  const accuracies = await rows(page).locator('td[data-metric="accuracy"]').allTextContents();
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const other = await context.newPage();
  await open(other, server, 'transformers');
  await view(other).locator('input[name="import"]').setInputFiles(file);
  await expect(rows(other)).toHaveCount(2);
  expect(await rows(other).locator('td[data-metric="accuracy"]').allTextContents()).toEqual(accuracies);
  await expect(rows(other).first().locator('.source')).toContainText('laptop.json');
  await expect(view(other).locator('li[data-source="laptop.json"]')).toBeVisible();
  await context.close();
  expect(guard.outside).toEqual([]);
});

test('a malformed JSONL is refused with line and field messages; a good suite is kept across a reload and forgotten on request', async ({
  page,
  server,
}) => {
  await open(page, server, 'double');
  const file = view(page).locator('input[name="suite-file"]');
  await file.setInputFiles(
    suiteFile('bad.jsonl', [
      '{"prompt": "2+2?", "answer": "four", "match": "number"}',
      '{"prompt": "x", "answer": "a", "match": "choice", "choices": ["a"]}',
      '',
      '{"prompt": "y", "answer": "z", "match": "exact"',
    ]),
  );
  await expect(view(page).locator('[data-suite-errors] li')).toHaveText([
    'bad.jsonl: line 1: answer must be a number for match "number" (got "four")',
    'bad.jsonl: line 2: choices must list 2 to 50 answers (got 1)',
    /^bad\.jsonl: line 4: not valid JSON \(/,
  ]);
  await expect(view(page).locator('select[name="suite"] option[value^="user:"]')).toHaveCount(0);

  await file.setInputFiles(
    suiteFile('mine.jsonl', ['{"prompt": "echo:42", "answer": 42, "match": "number", "note": "mine"}']),
  );
  await expect(view(page).locator('[data-suite-errors]')).toHaveCount(0);
  await expect(view(page).locator('[data-suite-warnings] li')).toHaveText('line 1: unknown field "note" is ignored');
  await expect(view(page).locator('select[name="suite"]')).toHaveValue('user:mine.jsonl');

  // Kept in this browser: still offered after a reload.
  await page.reload();
  const option = view(page).locator('select[name="suite"] option[value="user:mine.jsonl"]');
  await expect(option).toHaveCount(1);
  await expect(option).toHaveText('mine.jsonl');

  // Forgotten on request, and still forgotten after a reload.
  await view(page).locator('select[name="suite"]').selectOption('user:mine.jsonl');
  await view(page).locator('button[data-action="forget-suite"]').click();
  await expect(option).toHaveCount(0);
  await expect(view(page).locator('select[name="suite"]')).toHaveValue('arithmetic');
  await page.reload();
  await expect(view(page).locator('button[data-action="run"]')).toBeEnabled();
  await expect(view(page).locator('select[name="suite"] option')).toHaveCount(4);
  await expect(option).toHaveCount(0);
});

test('results are kept per device and shown on the next visit until cleared; names from files stay text; no axe violations', async ({
  page,
  server,
}) => {
  test.setTimeout(120_000);
  await open(page, server, 'double');
  const hostile = '<img src=x onerror="window.__pwned=1">.jsonl';
  await view(page)
    .locator('input[name="suite-file"]')
    .setInputFiles(
      suiteFile(hostile, [
        '{"prompt": "echo:42", "answer": "42", "match": "number"}',
        '{"prompt": "echo:blue", "answer": "red", "match": "exact"}',
      ]),
    );
  await addModels(page, ['double-timed', 'double-paced']);
  await view(page).locator('input[name="check-correctness"]').check();
  await view(page).locator('button[data-action="run"]').click();
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await expect(rows(page).locator('td[data-metric="accuracy"]')).toHaveText(['50% (9–91%)', '50% (9–91%)']);
  await expect(rows(page).locator('td[data-metric="agreement"]')).toHaveText(['100%', '100%']);
  await expect(view(page).locator('[data-correctness] li')).toHaveText([
    /^1\. double-timed · Engine double: This device computes this model like the CPU/,
    /^2\. double-paced · Engine double: This device computes this model like the CPU/,
  ]);
  await expect(view(page).getByText(`Suite: ${hostile}, 2 items`)).toBeVisible();
  // Every reply was one token: no decode speed, so no dot to place and no model held to a speed.
  await expect(rows(page).locator('td[data-metric="decode"]')).toHaveText(['–', '–']);
  await expect(view(page).locator('[data-no-scatter]')).toBeVisible();
  await expect(view(page).locator('[data-recommendation]')).toHaveText(
    /^No decode speed was measured: every reply was shorter than two tokens\./,
  );
  expect(await view(page).locator('img, script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // A second suite whose replies take several tokens: speeds, the scatter and a recommendation.
  await view(page)
    .locator('input[name="suite-file"]')
    .setInputFiles(
      suiteFile('long.jsonl', [
        '{"prompt": "echo:The answer is 42.", "answer": "42", "match": "number"}',
        '{"prompt": "echo:A clear blue sky.", "answer": "red", "match": "exact"}',
      ]),
    );
  await view(page).locator('button[data-action="run"]').click();
  await expect(view(page).getByText('Suite shown')).toBeVisible({ timeout: 60_000 });
  await expect(view(page).locator('select[name="group"] option')).toHaveText([
    'long.jsonl, 2 items',
    `${hostile}, 2 items`,
  ]);
  await expect(rows(page).locator('td[data-metric="decode"]')).toHaveText([/^[\d.]+$/, /^[\d.]+$/]);
  await expect(view(page).locator('svg[part="scatter"] g[data-point]')).toHaveCount(2);
  await expect(view(page).locator('[data-recommendation]')).toHaveText(/^double-(timed|paced) · Engine double is/);

  // With the form, the table, the scatter and the recommendation on screen, axe-core finds nothing to fix.
  // Evaluated rather than added as a script tag: the app's Content-Security-Policy refuses inline script.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run({
      include: [{ fromShadowDom: ['edge-llm-app', 'edge-llm-eval'] }],
    });
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
  expect(violations).toEqual([]);

  // The next visit on this device shows them again, the newest suite first; the other on request.
  await page.reload();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).first().locator('.source')).toContainText('This device');
  await expect(view(page).locator('svg[part="scatter"] g[data-point]')).toHaveCount(2);
  const suites = await view(page)
    .locator('select[name="group"] option')
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
  await view(page).locator('select[name="group"]').selectOption(suites[1]!);
  await expect(view(page).locator('[data-no-scatter]')).toBeVisible();

  // Clear forgets them, here and for the next visit.
  await view(page).locator('button[data-action="clear"]').click();
  await expect(rows(page)).toHaveCount(0);
  await expect(view(page).getByText('Evaluate models or import result files to see them here.')).toBeVisible();
  await page.reload();
  await expect(view(page).locator('button[data-action="run"]')).toBeEnabled();
  await expect(view(page).locator('button[data-action="clear"]')).toBeDisabled();
  await expect(rows(page)).toHaveCount(0);
});

test('an evaluation cut short by a closed tab is reported on the next visit', async ({ page, server }) => {
  const context = page.context();
  await open(page, server, 'double');
  await addModels(page, ['double-slow-load']);
  await setNumber(view(page).locator('input[name="count"]'), '2');
  await view(page).locator('button[data-action="run"]').click();
  await expect(view(page).locator('[role="status"]')).toContainText('Loading double-slow-load', { timeout: 60_000 });
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('edge-llm:run-intents')))
    .toMatch(/"kind":"eval".*"model":"double-slow-load"/);

  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await next.goto(`${server.url}/?engine=double`);
  const notice = next.locator('edge-llm-crash-notice [part="notice"]');
  await expect(notice).toBeVisible();
  await expect(notice.locator('h2')).toHaveText('The last evaluation did not finish');
  await expect(notice.locator('.message')).toContainText('while evaluating double-slow-load');
});

test('Cancel stops the run after the item in flight and keeps what was answered', async ({ page, server }) => {
  await open(page, server, 'double');
  await addModels(page, ['double-timed', 'double-paced']);
  await setNumber(view(page).locator('input[name="max-tokens"]'), '8');
  await view(page).locator('button[data-action="run"]').click();
  await expect(view(page).locator('[role="status"]')).toContainText(
    'Model 1 of 2, double-timed · Engine double: Item 3 of 60',
    {
      timeout: 30_000,
    },
  );
  await view(page).locator('button[data-action="cancel"]').click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).locator('th')).toContainText(/double-timed · Engine double\s+\(cancelled after \d+\)/);
  const answered = Number(await rows(page).locator('td').nth(5).textContent());
  expect(answered).toBeGreaterThanOrEqual(2);
  expect(answered).toBeLessThan(60);
  await expect(view(page).locator('button[data-action="run"]')).toBeEnabled();
  await expect(view(page).locator('edge-llm-error-panel')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('edge-llm:run-intents'))).toBeNull();
});
