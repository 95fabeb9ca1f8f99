/**
 * The evaluation runner and the correctness check in Chromium, through the real engine worker
 * (eval.html's `window.edgeLlmEval`), with the tiny generated ONNX model and its perturbed twin
 * on transformers.js: WebGPU (SwiftShader) against ONNX Runtime's WASM backend.
 */
import type { Page } from '@playwright/test';
import type { ForcedChoices } from '../../src/shared/engine-api.ts';
import type { EvalPageOutcome, EvalPageRequest } from '../../src/eval-page.ts';
import type { StaticServer } from '../support/static-server.ts';
import { expect, test } from './test.ts';

const folder = (server: StaticServer, name: string) => ({
  model: `${server.url}/fixtures/${name}@fp32`,
  custom: { transformers: [{ url: `${server.url}/fixtures/${name}`, dtype: 'fp32' }] },
});

async function open(page: Page, server: StaticServer) {
  await page.goto(`${server.url}/eval.html`);
  await expect(page.locator('html[data-ready="true"]')).toBeAttached();
}

function runSuite(page: Page, request: EvalPageRequest): Promise<EvalPageOutcome> {
  return page.evaluate((request) => window.edgeLlmEval.run(request), request);
}

test('the tiny model computes the same next tokens on WebGPU as on the CPU, and its perturbed twin does not', async ({
  page,
  server,
}) => {
  test.setTimeout(240_000);
  await open(page, server);
  const tiny = folder(server, 'onnx-tiny');
  const check = await page.evaluate(
    (subject) => window.edgeLlmEval.correctness({ engine: 'transformers', quantization: 'fp32', ...subject }),
    tiny,
  );
  expect(check.comparison).toMatchObject({ positions: 256, agreeing: 256, agreement: 1 });
  expect(check.comparison.maxLogprobDelta).toBeLessThan(1e-3);
  expect(check.ok).toBe(true);
  expect(check.record.message).toMatch(
    /^This device computes this model like the CPU: the next token agreed with the CPU at 100% of 256 positions/,
  );

  const twin = folder(server, 'onnx-tiny-perturbed');
  const comparison = await page.evaluate(
    async ({ tiny, twin }) => {
      const base = await window.edgeLlmEval.forced({
        engine: 'transformers',
        device: 'webgpu',
        ...tiny,
        input: { text: 'The lighthouse keeper wrote in her log every evening at seven. '.repeat(8), maxTokens: 256 },
      });
      const other: ForcedChoices = await window.edgeLlmEval.forced({
        engine: 'transformers',
        device: 'webgpu',
        ...twin,
        input: { tokenIds: base.tokenIds },
      });
      return window.edgeLlmEval.compareForced(base, other);
    },
    { tiny, twin },
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
  const tiny = folder(server, 'onnx-tiny');
  const prompts = Array.from({ length: 8 }, (_, i) => `Question ${i + 1}: what colour is the sea at ${i + 6} o'clock?`);
  const jsonl = (answers: string[]) =>
    prompts.map((prompt, i) => JSON.stringify({ prompt, answer: answers[i], match: 'exact' })).join('\n');
  const request = (answers: string[]): EvalPageRequest => ({
    engine: 'transformers',
    device: 'webgpu',
    ...tiny,
    maxTokens: 8,
    suite: { jsonl: jsonl(answers), name: 'own-replies.jsonl' },
  });

  const first = await runSuite(page, request(prompts.map(() => 'placeholder')));
  expect(first.ok, first.ok ? '' : first.error.message).toBe(true);
  if (!first.ok) return;
  const replies = first.result.runs[0]!.items.map((item) => item.reply);
  expect(replies).toHaveLength(8);
  expect(replies.every((reply) => reply.trim() !== '')).toBe(true);

  const own = await runSuite(page, request(replies));
  expect(own.ok && own.result.summary[0]!.accuracy).toMatchObject({ correct: 8, total: 8, rate: 1 });

  const altered = new Set([1, 4, 6]);
  const spoiled = await runSuite(
    page,
    request(replies.map((reply, i) => (altered.has(i) ? `${reply} (altered)` : reply))),
  );
  expect(spoiled.ok).toBe(true);
  if (!spoiled.ok) return;
  expect(spoiled.result.summary[0]!.accuracy).toMatchObject({ correct: 5, total: 8, rate: 5 / 8 });
  expect(spoiled.result.runs[0]!.items.filter((item) => !item.correct).map((item) => item.id)).toEqual([
    'line-2',
    'line-5',
    'line-7',
  ]);
  expect(spoiled.result.suite).toMatchObject({ name: 'own-replies.jsonl', kind: 'user', items: 8 });
  expect(spoiled.result.device.adapter.architecture).toBe('swiftshader');
  expect(spoiled.markdown).toContain('| 63% (31–86%) | 8 |');
});

test('a malformed suite is refused line by line before any model loads', async ({ page, server }) => {
  await open(page, server);
  const outcome = await runSuite(page, {
    engine: 'transformers',
    model: 'unused',
    suite: { jsonl: '{"prompt": "x", "answer": "a", "match": "fuzzy"}\n{"prompt": "y"', name: 'bad.jsonl' },
  });
  expect(outcome).toEqual({
    ok: false,
    error: {
      title: 'bad.jsonl is not a valid suite',
      message: 'line 1: match must be one of exact, number, regex, choice, json-keys (got "fuzzy")',
      problems: [
        'line 1: match must be one of exact, number, regex, choice, json-keys (got "fuzzy")',
        expect.stringMatching(/^line 2: not valid JSON/),
      ],
    },
  });
});
