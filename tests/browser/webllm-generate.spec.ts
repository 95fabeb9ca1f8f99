/**
 * web-llm's real generate path, once: edge-llm's own web-llm adapter, in the real engine worker,
 * runs the real Qwen2-0.5B q4f32_1 model library (../shared/artifacts/mlc) on the Qwen2.5-0.5B twin
 * (random weights of the real shapes, generated from the library's own list of weights), all
 * served from localhost, in Chromium on SwiftShader.
 *
 * The shipped engine is web-llm 0.2.86, for which no model library can be had here; libraries run
 * only on the runtime version they were built for. So this test runs a build of the same client
 * and worker in which `@mlc-ai/web-llm` is web-llm 0.2.79 (vite.webllm-0279.config.ts), made in
 * a few seconds before the test. SwiftShader decodes about one token per 10 s: one test, few tokens.
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
const MODEL_ID = 'qwen2.5-0.5b-twin-q4f32_1-MLC';

let server: StaticServer;
let weightBytes: number;

test.beforeAll(() => {
  // The twin (309 MB of q4f32_1 weights) is written once, in about 30 s, then reused.
  test.setTimeout(300_000);
  const { mlc } = ensureTwin('qwen2.5-0.5b', ['mlc']);
  const manifest = JSON.parse(
    readFileSync(join(mlc!, 'resolve', 'main', 'tensor-cache.json'), 'utf8'),
  ) as TensorCacheManifest;
  weightBytes = manifest.metadata.ParamBytes;
  const build = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'vite.webllm-0279.config.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`the web-llm 0.2.79 test build failed:\n${build.stdout}${build.stderr}`);
});

test.beforeAll(async () => {
  server = await startStaticServer({
    roots: { '/': HARNESS_DIR, '/fixtures/': FIXTURES_DIR, '/shared-mlc/': SHARED_MLC_DIR },
  });
});
test.afterAll(async () => server?.close());

test('web-llm 0.2.79 loads the Qwen2.5-0.5B twin, streams a reply, stops, unloads, all measured', async ({ page }) => {
  // About 75 s on an idle 2-core machine (load 18 s, 27 prompt tokens at about 1 token/s, two
  // decode steps of about 10 s); several times that while other browsers share the cores.
  test.setTimeout(480_000);
  const record = {
    model: `${server.url}/fixtures/twins/qwen2.5-0.5b-mlc`,
    model_id: MODEL_ID,
    model_lib: `${server.url}/shared-mlc/${LIBRARY}`,
    overrides: { context_window_size: 4096 },
  };
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => 'edgeLlmHarness' in window);

  // Load: the library, then every weight shard, then the shaders, each reported as it happens.
  const startedLoad = Date.now();
  const { report, progress } = await page.evaluate(
    ({ id, webllm }) => window.edgeLlmHarness.load(id, { webllm: [webllm] }),
    { id: MODEL_ID, webllm: record },
  );
  const loadSeconds = (Date.now() - startedLoad) / 1000;
  const phases = progress.map((step) => step.phase);
  const firstOf = (phase: string) => phases.indexOf(phase as (typeof phases)[number]);
  expect(firstOf('downloading')).toBeGreaterThanOrEqual(0);
  expect(firstOf('loading')).toBeGreaterThan(firstOf('downloading'));
  expect(firstOf('compiling')).toBeGreaterThan(firstOf('loading'));
  expect(phases.at(-1)).toBe('done');
  const shaders = progress.filter((step) => step.phase === 'compiling');
  expect(report).toMatchObject({ modelId: MODEL_ID, engine: 'webllm', fromCache: false, contextWindow: 4096 });
  // KV cache: 24 layers x 2 KV heads x 64 dims x (K and V) x 4 bytes (q4f32_1 keeps it in float32).
  expect(report.kvBytesPerToken).toBe(24 * 2 * 64 * 2 * 4);
  // web-llm reports whole MiB: the weights it saw are the manifest's, to the MiB.
  expect(Math.abs(report.weightBytes! - weightBytes)).toBeLessThan(2 ** 21);
  expect(report.downloadedBytes).toBeGreaterThan(weightBytes);
  // web-llm allocates the KV cache for the whole context window when it loads: 96 MiB here.
  const loaded = await page.evaluate(() => window.edgeLlmHarness.memory());
  expect(loaded.currentBytes).toBeGreaterThan(weightBytes + report.kvBytesPerToken! * 4096);

  // A streamed reply with ignore_eos (so the model cannot end it), stopped as its second token
  // arrives: Stop, as the chat's button presses it, ends the reply early.
  const request = {
    // No system prompt (web-llm would add the template's): SwiftShader prefills about one token a second.
    messages: [
      { role: 'system' as const, content: '' },
      { role: 'user' as const, content: 'Hi' },
    ],
    maxTokens: 4,
    temperature: 0,
    ignoreEos: true,
  };
  const reply = await page.evaluate((r) => window.edgeLlmHarness.generate(r, 2), request);
  const text = reply.batches.map((batch) => batch.text).join('');
  expect(reply.stats.finishReason).toBe('aborted');
  // Usage may count one token fewer than the chunks streamed (ENVIRONMENT.md).
  expect(reply.stats.outputTokens).toBeGreaterThanOrEqual(1);
  expect(reply.stats.outputTokens).toBeLessThan(request.maxTokens);
  expect(reply.batches.at(-1)!.totalTokens).toBeGreaterThanOrEqual(2);
  expect(text).toMatch(/^[ a-z]+$/);
  // The figures are web-llm's own (its usage report), cross-checked against the worker's clock.
  expect(reply.stats.engine).toBeDefined();
  expect(reply.stats.ttftMs).toBe(reply.stats.engine!.ttftMs);
  expect(reply.stats.decodeTokensPerSecond).toBeGreaterThan(0);
  expect(reply.stats.prefillTokensPerSecond).toBeGreaterThan(0);
  expect(reply.stats.promptTokens).toBeGreaterThan(5);
  expect(reply.stats.wallClock.ttftMs).toBeGreaterThan(0);
  expect(reply.stats.gpuMemoryPeakBytes).toBeGreaterThan(weightBytes);

  await page.evaluate(() => window.edgeLlmHarness.unload());
  const unloaded = await page.evaluate(() => window.edgeLlmHarness.memory());
  expect(unloaded.currentBytes).toBeLessThan(loaded.currentBytes / 10);

  const mib = (bytes: number | undefined) =>
    bytes === undefined ? 'not measured' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const shaderSeconds = shaders.length > 0 ? (shaders.at(-1)!.elapsedMs - shaders[0]!.elapsedMs) / 1000 : 0;
  test.info().annotations.push({
    type: 'figures',
    description:
      `load ${loadSeconds.toFixed(1)} s (worker ${(report.durationMs / 1000).toFixed(1)} s, shaders ${shaderSeconds.toFixed(1)} s); ` +
      `reply "${text}" ${reply.stats.outputTokens} tokens after ${reply.stats.promptTokens} prompt tokens: ` +
      `TTFT ${(reply.stats.ttftMs / 1000).toFixed(1)} s, prefill ${reply.stats.prefillTokensPerSecond.toFixed(2)} tok/s, ` +
      `decode ${reply.stats.decodeTokensPerSecond.toFixed(3)} tok/s; ` +
      `weights ${mib(weightBytes)}, GPU after load ${mib(loaded.currentBytes)} (load peak ${mib(loaded.peakBytes)}), ` +
      `generating peak ${mib(reply.stats.gpuMemoryPeakBytes)}, ` +
      `after unload ${mib(unloaded.currentBytes)}`,
  });
  console.log(test.info().annotations.at(-1)!.description);
  expect(server.requests.filter((request) => request.status >= 400).map((request) => request.path)).toEqual([]);
});
