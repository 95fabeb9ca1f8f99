/**
 * web-llm's "measure without downloading" all the way to generated tokens, on the one runtime this
 * machine has a library for: the web-llm 0.2.79 build of edge-llm's client and worker
 * (vite.webllm-0279.config.ts; see webllm-generate.spec.ts) loads the real Qwen2-0.5B q4f32_1
 * library with synthetic weights made in the worker from the library's own weight list. The model
 * folder served is the Qwen2.5-0.5B twin's; its weight shards and manifests are there and must
 * never be requested. SwiftShader decodes about one token per 10 s: a load and two tokens.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_MLC_DIR, TWIN_LIBRARIES } from '../../scripts/twins/index.mjs';
import type { TensorCacheManifest } from '../../scripts/twins/mlc-writer.mjs';
import { ensureTwin, FIXTURES_DIR } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import type {} from '../harness/webllm-0279/harness-api.ts';
import { expect, test } from './test.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HARNESS_DIR = join(ROOT, 'dist', 'webllm-0279');
const LIBRARY = TWIN_LIBRARIES['qwen2.5-0.5b']!;
const MODEL_ID = 'qwen2.5-0.5b-preview-q4f32_1-MLC';

let server: StaticServer;
let weightBytes: number;

test.beforeAll(() => {
  test.setTimeout(300_000);
  const { mlc } = ensureTwin('qwen2.5-0.5b', ['mlc']);
  const manifest = JSON.parse(
    readFileSync(join(mlc!, 'resolve', 'main', 'tensor-cache.json'), 'utf8'),
  ) as TensorCacheManifest;
  weightBytes = manifest.metadata.ParamBytes;
  const build = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'vite.webllm-0279.config.ts'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`the web-llm 0.2.79 test build failed:\n${build.stdout}${build.stderr}`);
});

test.beforeAll(async () => {
  server = await startStaticServer({
    roots: { '/': HARNESS_DIR, '/fixtures/': FIXTURES_DIR, '/shared-mlc/': SHARED_MLC_DIR },
  });
});
test.afterAll(async () => server?.close());

test('web-llm 0.2.79 loads synthetic weights made from the library, fetches no weight, generates, keeps nothing', async ({
  page,
}) => {
  test.setTimeout(480_000);
  const folder = '/fixtures/twins/qwen2.5-0.5b-mlc';
  const record = {
    model: `${server.url}${folder}`,
    model_id: MODEL_ID,
    model_lib: `${server.url}/shared-mlc/${LIBRARY}`,
    overrides: { context_window_size: 4096 },
  };
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => 'edgeLlmHarness' in window);
  const before = server.requests.length;

  const { report, progress } = await page.evaluate(
    ({ id, webllm }) => window.edgeLlmHarness.load(id, { webllm: [webllm] }, 'synthetic'),
    { id: MODEL_ID, webllm: record },
  );
  const paths = server.requests
    .slice(before)
    .map((request) => request.path)
    .filter((path) => !path.startsWith('/assets/'));
  // Besides the app's own scripts: the library, the config and the tokenizer; no shard, no manifest.
  expect(new Set(paths)).toEqual(
    new Set([
      `/shared-mlc/${LIBRARY}`,
      `${folder}/resolve/main/mlc-chat-config.json`,
      `${folder}/resolve/main/tokenizer.json`,
    ]),
  );
  expect(report).toMatchObject({ modelId: MODEL_ID, engine: 'webllm', fromCache: false, contextWindow: 4096 });
  // The synthetic weights are the library's own list: the twin's bytes, made from the same list.
  expect(report.weightBytes).toBe(weightBytes);
  expect(report.downloadedBytes).toBeLessThan(weightBytes / 10);
  expect(progress.some((step) => step.detail.includes('synthetic weights'))).toBe(true);

  // Once loaded, nothing synthetic (nor anything of the model folder) is left in the caches.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(`${name} ${request.url}`);
    }
    return urls;
  });
  expect(cached.filter((entry) => /edge-llm-synthetic|qwen2\.5-0\.5b-mlc/.test(entry))).toEqual([]);

  const reply = await page.evaluate((r) => window.edgeLlmHarness.generate(r, 2), {
    messages: [
      { role: 'system' as const, content: '' },
      { role: 'user' as const, content: 'Hi' },
    ],
    maxTokens: 2,
    temperature: 0,
    ignoreEos: true,
  });
  expect(reply.batches.at(-1)!.totalTokens).toBeGreaterThanOrEqual(1);
  expect(reply.stats.decodeTokensPerSecond).toBeGreaterThan(0);
  expect(reply.stats.prefillTokensPerSecond).toBeGreaterThan(0);
  const text = reply.batches.map((batch) => batch.text).join('');
  test.info().annotations.push({
    type: 'figures',
    description:
      `synthetic load ${(report.durationMs / 1000).toFixed(1)} s, fetched ${report.downloadedBytes} bytes; reply "${text}": ` +
      `prefill ${reply.stats.prefillTokensPerSecond.toFixed(2)} tok/s, decode ${reply.stats.decodeTokensPerSecond.toFixed(3)} tok/s`,
  });
  console.log(test.info().annotations.at(-1)!.description);
  await page.evaluate(() => window.edgeLlmHarness.unload());
});
