/**
 * "Measure without downloading" (issue 12, item 5) for web-llm, in the Benchmark view, as far as
 * this machine allows: the real Qwen2-0.5B q4f32_1 model library (../shared/artifacts/mlc) is built
 * for the web-llm 0.2.48-0.2.79 runtime, and the shipped web-llm (0.2.86) refuses it when it
 * instantiates it (ENVIRONMENT.md). The test shows everything up to that refusal: only the library,
 * the chat config and the tokenizer are fetched (the weight shards beside them never are), the
 * refusal is named for what it is (a runtime/library version mismatch), and no synthetic file,
 * nor any file of the real model, is left in web-llm's caches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { SHARED_MLC_DIR, TWIN_LIBRARIES } from '../../scripts/twins/index.mjs';
import { chooseModel, expect, test } from './test.ts';

const LIBRARY = TWIN_LIBRARIES['qwen2.5-0.5b']!;
const MODEL_ID = 'qwen2-0.5b-preview-q4f32_1-MLC';

/** The model folder as a host would serve it; the shard and manifest are there to be refused. */
const FOLDER: Record<string, string> = {
  'mlc-chat-config.json': JSON.stringify({
    model_type: 'qwen2',
    quantization: 'q4f32_1',
    context_window_size: 4096,
    prefill_chunk_size: 1024,
    tokenizer_files: ['tokenizer.json', 'vocab.json', 'merges.txt'],
    conv_template: { name: 'chatml', stop_str: ['<|im_end|>'], stop_token_ids: [151645] },
  }),
  'tokenizer.json': JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {}, merges: [] } }),
  'vocab.json': '{}',
  'merges.txt': '',
  'tensor-cache.json': JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin', nbytes: 4 }] }),
  'params_shard_0.bin': 'real',
};

/** Serves the library and the model folder through the context's routing (the worker's requests too). */
async function serveModel(page: Page, origin: string): Promise<{ record: object; requested: string[] }> {
  const requested: string[] = [];
  const library = readFileSync(join(SHARED_MLC_DIR, LIBRARY));
  await page.context().route(`${origin}/webllm-preview/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    requested.push(path);
    if (path === `/webllm-preview/libs/${LIBRARY}`) {
      await route.fulfill({ status: 200, body: library, headers: { 'content-type': 'application/wasm' } });
      return;
    }
    const name = path.replace('/webllm-preview/models/qwen2-0.5b/resolve/main/', '');
    const body = FOLDER[name];
    await route.fulfill(body === undefined ? { status: 404, body: 'not found' } : { status: 200, body });
  });
  // web-llm must find every synthetic file in its caches: a request for one would mean a miss.
  await page.context().route('https://edge-llm-synthetic.invalid/**', async (route) => {
    requested.push(route.request().url());
    await route.abort();
  });
  return {
    requested,
    record: {
      model: `${origin}/webllm-preview/models/qwen2-0.5b`,
      model_id: MODEL_ID,
      model_lib: `${origin}/webllm-preview/libs/${LIBRARY}`,
      overrides: { context_window_size: 4096 },
    },
  };
}

test('web-llm 0.2.86: the preview fetches no weights, names the library/runtime mismatch, and leaves nothing cached', async ({
  page,
  server,
}) => {
  test.setTimeout(180_000);
  const { record, requested } = await serveModel(page, server.url);
  await page.goto(`${server.url}/?engine=webllm&view=bench`);
  await page.evaluate((webllm) => {
    document.querySelector('edge-llm-app')!.customModels = { webllm: [webllm] } as never;
  }, record);
  await chooseModel(page, MODEL_ID);
  await expect(page.locator('edge-llm-bench input[name="model"]')).toHaveValue(MODEL_ID);

  const failure = await page.evaluate(async () => {
    const bench = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!;
    Object.assign(bench, { runs: 1, warmupRuns: 0, decodeTokens: 2, promptLengths: '16' });
    await bench.updateComplete;
    const failed = new Promise<{ code: string; title: string }>((resolve, reject) => {
      bench.addEventListener('edge-llm-error', (event) => resolve((event as CustomEvent).detail));
      bench.addEventListener('edge-llm-bench-done', () => reject(new Error('web-llm 0.2.86 ran the v0_2_48 library')));
    });
    (bench.shadowRoot!.querySelector('button[data-action="preview"]') as HTMLButtonElement).click();
    return failed;
  });

  // Only the library, the config and the one tokenizer file web-llm reads; never a weight or a manifest.
  const base = '/webllm-preview/models/qwen2-0.5b/resolve/main/';
  expect(new Set(requested)).toEqual(
    new Set([`/webllm-preview/libs/${LIBRARY}`, `${base}mlc-chat-config.json`, `${base}tokenizer.json`]),
  );

  // The refusal is named for what it is, in the view.
  expect(failure).toMatchObject({
    code: 'model-lib-invalid',
    title: 'The model library was built for another version of web-llm',
  });
  const panel = page.locator('edge-llm-bench edge-llm-error-panel [role="alert"]');
  await expect(panel).toHaveAttribute('data-code', 'model-lib-invalid');
  await expect(panel).toContainText('built for another version of web-llm');
  await expect(panel).toContainText(LIBRARY);

  // Nothing of the synthetic folder, nor of the real model, is left in any Cache API scope.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(`${name} ${request.url}`);
    }
    return urls;
  });
  expect(cached.filter((entry) => /edge-llm-synthetic|webllm-preview\/models/.test(entry))).toEqual([]);
});
