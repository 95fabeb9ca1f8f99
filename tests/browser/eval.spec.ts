/**
 * The evaluation runner and the correctness check in Chromium, through the real engine worker
 * and the app's <edge-llm-eval> element, with the tiny generated ONNX model and its perturbed
 * twin on transformers.js: WebGPU (SwiftShader) against ONNX Runtime's WASM backend.
 */
import type { Page } from '@playwright/test';
import type { EvalResult } from '../../src/core/eval-schema.ts';
import type { StaticServer } from '../support/static-server.ts';
import { expect, test } from './test.ts';

const folder = (server: StaticServer, name: string) => `${server.url}/fixtures/${name}`;

/** The Evaluate view with the tiny model and its twin in the transformers.js catalog. */
async function open(page: Page, server: StaticServer) {
  await page.goto(`${server.url}/?view=eval&engine=transformers`);
  await page.evaluate(
    (urls) => {
      document.querySelector('edge-llm-app')!.customModels = {
        transformers: urls.map((url) => ({ url, dtype: 'fp32' })),
      };
    },
    [folder(server, 'onnx-tiny'), folder(server, 'onnx-tiny-perturbed')],
  );
  await expect(page.locator('edge-llm-eval button[data-action="run"]')).toBeEnabled();
  await page.evaluate(() => customElements.whenDefined('edge-llm-eval'));
}

/** Evaluates `models` on a JSONL suite through the element's API; resolves with the result file. */
function evaluate(
  page: Page,
  request: { models: string[]; jsonl: string; name: string; maxTokens: number; checkCorrectness?: boolean },
): Promise<{ result: EvalResult; markdown: string }> {
  return page.evaluate(async ({ models, jsonl, name, maxTokens, checkCorrectness }) => {
    const view = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-eval')!;
    Object.assign(view, { models, maxTokens, checkCorrectness: checkCorrectness ?? false });
    const read = await view.useSuiteText(jsonl, name);
    if (!read.ok) throw new Error(read.errors.join('\n'));
    const result = await view.run();
    return { result, markdown: view.exportText('markdown') };
  }, request);
}

test('the tiny model computes the same next tokens on WebGPU as on the CPU, and its perturbed twin does not', async ({
  page,
  server,
}) => {
  test.setTimeout(240_000);
  await open(page, server);
  const tiny = `${folder(server, 'onnx-tiny')}@fp32`;
  const { result } = await evaluate(page, {
    models: [tiny],
    jsonl: JSON.stringify({ prompt: 'Say yes.', answer: 'yes', match: 'exact' }),
    name: 'one.jsonl',
    maxTokens: 2,
    checkCorrectness: true,
  });
  const check = result.runs[0]!.correctness!;
  expect(check).toMatchObject({ reference: 'wasm', positions: 256, agreeing: 256 });
  expect(check.maxLogprobDelta).toBeLessThan(1e-3);
  expect(check.message).toMatch(
    /^This device computes this model like the CPU: the next token agreed with the CPU at 100% of 256 positions/,
  );
  // The view says so too, for the run it lists.
  await expect(page.locator('edge-llm-eval [data-correctness] li')).toContainText(
    'This device computes this model like the CPU',
  );

  const twin = `${folder(server, 'onnx-tiny-perturbed')}@fp32`;
  const comparison = await page.evaluate(
    ({ tiny, twin, custom }) => {
      const view = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-eval')!;
      const subject = (model: string) => ({
        engine: 'transformers' as const,
        model,
        device: 'webgpu' as const,
        custom,
      });
      return view.agreement(subject(tiny), subject(twin));
    },
    {
      tiny,
      twin,
      custom: {
        transformers: [folder(server, 'onnx-tiny'), folder(server, 'onnx-tiny-perturbed')].map((url) => ({
          url,
          dtype: 'fp32',
        })),
      },
    },
  );
  expect(comparison.positions).toBe(256);
  expect(comparison.agreement).toBeLessThan(1);
  // Weights 2% apart still agree on most positions: a near twin, not another model.
  expect(comparison.agreement).toBeGreaterThan(0.5);
  expect(comparison.maxLogprobDelta).toBeGreaterThan(0);
});

test('a suite of the model’s own greedy replies scores 100%, and with 3 of 8 answers altered exactly 5/8', async ({
  page,
  server,
}) => {
  test.setTimeout(300_000);
  await open(page, server);
  const tiny = `${folder(server, 'onnx-tiny')}@fp32`;
  const prompts = Array.from({ length: 8 }, (_, i) => `Question ${i + 1}: what colour is the sea at ${i + 6} o'clock?`);
  const jsonl = (answers: string[]) =>
    prompts.map((prompt, i) => JSON.stringify({ prompt, answer: answers[i], match: 'exact' })).join('\n');
  const run = (answers: string[]) =>
    evaluate(page, { models: [tiny], jsonl: jsonl(answers), name: 'own-replies.jsonl', maxTokens: 8 });

  const first = await run(prompts.map(() => 'placeholder'));
  const replies = first.result.runs[0]!.items.map((item) => item.reply);
  expect(replies).toHaveLength(8);
  expect(replies.every((reply) => reply.trim() !== '')).toBe(true);

  const own = await run(replies);
  expect(own.result.summary[0]!.accuracy).toMatchObject({ correct: 8, total: 8, rate: 1 });

  const altered = new Set([1, 4, 6]);
  const spoiled = await run(replies.map((reply, i) => (altered.has(i) ? `${reply} (altered)` : reply)));
  expect(spoiled.result.summary[0]!.accuracy).toMatchObject({ correct: 5, total: 8, rate: 5 / 8 });
  expect(spoiled.result.runs[0]!.items.filter((item) => !item.correct).map((item) => item.id)).toEqual([
    'line-2',
    'line-5',
    'line-7',
  ]);
  expect(spoiled.result.suite).toMatchObject({ name: 'own-replies.jsonl', kind: 'user', items: 8 });
  expect(spoiled.result.device.adapter.architecture).toBe('swiftshader');
  expect(spoiled.markdown).toContain('| 63% (31–86%) | 8 |');
  // The table shows the suite last run: its accuracy with the interval.
  await expect(page.locator('edge-llm-eval table[data-table="eval"] td[data-metric="accuracy"]')).toHaveText(
    '63% (31–86%)',
  );
});

test('a malformed suite is refused line by line before any model loads', async ({ page, server }) => {
  await open(page, server);
  const read = await page.evaluate(() => {
    const view = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-eval')!;
    return view.useSuiteText('{"prompt": "x", "answer": "a", "match": "fuzzy"}\n{"prompt": "y"', 'bad.jsonl');
  });
  expect(read).toEqual({
    ok: false,
    errors: [
      'line 1: match must be one of exact, number, regex, choice, json-keys (got "fuzzy")',
      expect.stringMatching(/^line 2: not valid JSON/),
    ],
    warnings: [],
  });
  const problems = page.locator('edge-llm-eval [data-suite-errors] li');
  await expect(problems).toHaveText([
    'bad.jsonl: line 1: match must be one of exact, number, regex, choice, json-keys (got "fuzzy")',
    /^bad\.jsonl: line 2: not valid JSON/,
  ]);
  // Refused, so not offered: the suite picker still holds only the built-in suites.
  await expect(page.locator('edge-llm-eval select[name="suite"] option[value^="user:"]')).toHaveCount(0);
});
