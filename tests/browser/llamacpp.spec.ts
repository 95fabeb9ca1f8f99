/**
 * llama.cpp (wllama) in the real worker of the built app: the tiny GGUF models `npm run fixtures`
 * writes, served from localhost. On SwiftShader there is no shader-f16, so llama.cpp runs on the
 * CPU, and the app must say so.
 */
import type { Page } from '@playwright/test';
import type * as Wllama from '@wllama/wllama';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chatHandle, ggufUrl, loadGguf, openWithGguf, reply } from './llamacpp-helpers.ts';
import { DIST_DIR, expect, guardLocalhost, test } from './test.ts';

type WllamaModule = typeof Wllama;

const chat = (page: Page) => page.locator('edge-llm-chat');

test('chats with the tiny GGUF model: tokens stream, stats come from llama.cpp, and the app says it runs on the CPU and why', async ({
  page,
  server,
}) => {
  const guard = await guardLocalhost(page);
  await openWithGguf(page, server, ['gguf-tiny/edge-tiny-q8_0.gguf']);
  await loadGguf(page, server, 'gguf-tiny/edge-tiny-q8_0.gguf');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });

  const { stats, events, ids } = await reply(page, 'Hello there', 32);
  expect(stats.outputTokens).toBe(32);
  expect(stats.finishReason).toBe('length');
  expect(ids).toHaveLength(32);
  expect(events).toBeGreaterThan(1);
  // llama.cpp's own figures, cross-checked against the worker's clock.
  const engine = stats.engine as Record<string, number>;
  expect(engine.ttftMs).toBeGreaterThan(0);
  expect(engine.decodeTokensPerSecond).toBeGreaterThan(0);
  expect((stats.wallClock as Record<string, number>).decodeTokensPerSecond).toBeGreaterThan(0);
  expect(stats.promptTokens).toBeGreaterThan(5);
  // SwiftShader has no shader-f16: llama.cpp ran every layer on the CPU, and says so.
  expect(stats.compute).toMatchObject({ device: 'cpu', threads: 1, gpuLayers: 0, totalLayers: 5 });
  expect(String((stats.compute as { reason: string }).reason)).toMatch(/shader-f16/);
  expect(stats.gpuMemoryPeakBytes).toBeUndefined();

  const panel = chat(page).locator('edge-llm-stats');
  await expect(panel.locator('[data-stat="compute"]')).toContainText('llama.cpp on the CPU');
  await expect(panel.locator('[data-stat="compute"]')).toContainText('shader-f16');
  await expect(panel.locator('[data-stat="gpu-memory"]')).toContainText('not measured for this engine');
  await expect(panel.locator('[data-stat="engine-ram"]')).toContainText(/\d/);
  // The transcript shows the reply (never as markup).
  await expect(chat(page).locator('edge-llm-transcript')).toContainText('Hello there');
  expect(guard.outside).toEqual([]);
  expect(guard.seen.some((path) => path.endsWith('.wasm') && /wllama/.test(path))).toBe(true);
});

test('Stop ends a llama.cpp reply early and the model answers the next message', async ({ page, server }) => {
  await openWithGguf(page, server, ['gguf-tiny/edge-tiny-q4_0.gguf']);
  await loadGguf(page, server, 'gguf-tiny/edge-tiny-q4_0.gguf');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const stopped = page.evaluate(async (handle) => {
    const element = (0, eval)(handle) as HTMLElement & {
      maxTokens: number;
      send(text: string): Promise<{ outputTokens: number; finishReason: string }>;
      stop(): void;
    };
    element.maxTokens = 1800;
    let tokens = 0;
    element.addEventListener('edge-llm-token', () => {
      tokens += 1;
      if (tokens === 3) element.stop();
    });
    return element.send('Tell me a long story');
  }, chatHandle);
  const stats = await stopped;
  expect(stats.finishReason).toBe('aborted');
  expect(stats.outputTokens).toBeLessThan(1800);
  const again = await reply(page, 'Again', 8);
  expect(again.stats.outputTokens).toBe(8);
});

test('greedy token ids are the same in the page (wllama directly) and in the worker', async ({ page, server }) => {
  await openWithGguf(page, server, ['gguf-tiny/edge-tiny-f32.gguf']);
  await loadGguf(page, server, 'gguf-tiny/edge-tiny-f32.gguf');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const worker = await reply(page, 'Hello there', 24);

  // The same file through wllama in the page itself, with the app's own bundled wasm.
  const file = readdirSync(join(DIST_DIR, 'assets')).find((name) => /^wllama-.*\.wasm$/.test(name));
  expect(file).toBeTruthy();
  const wasm = `${server.url}/assets/${file}`;
  const inPage = await page.evaluate(
    async ({ url, wasm }) => {
      // A path the page resolves, not a bare specifier: kept out of the bundler's and compiler's sight.
      const modulePath = '/wllama/index.js';
      const { Wllama } = (await import(/* @vite-ignore */ modulePath)) as WllamaModule;
      const quiet = { debug() {}, log() {}, warn() {}, error() {} };
      const wllama = new Wllama({ default: wasm }, { logger: quiet });
      wllama.setCompat(null);
      const blob = await (await fetch(url)).blob();
      await wllama.loadModel([blob], { n_ctx: 4096, n_threads: 1, n_gpu_layers: 0, n_parallel: 1 });
      const ids: number[] = [];
      await wllama.createChatCompletion({
        messages: [
          { role: 'system', content: 'You are a helpful, concise assistant.' },
          { role: 'user', content: 'Hello there' },
        ],
        max_tokens: 24,
        temperature: 0,
        stream: true,
        logprobs: true,
        top_logprobs: 1,
        onData: (chunk) => {
          for (const token of chunk.choices[0]?.logprobs?.content ?? [])
            ids.push((token as unknown as { id: number }).id);
        },
      });
      await wllama.exit();
      return ids;
    },
    { url: ggufUrl(server, 'gguf-tiny/edge-tiny-f32.gguf'), wasm },
  );
  expect(inPage).toHaveLength(24);
  expect(worker.ids).toEqual(inPage);
});

test('a split GGUF model loads from its first part and answers as the whole file does', async ({ page, server }) => {
  const split = 'gguf-tiny/edge-tiny-q8_0-split-00001-of-00002.gguf';
  const whole = 'gguf-tiny/edge-tiny-q8_0.gguf';
  await openWithGguf(page, server, [split, whole]);
  await loadGguf(page, server, split);
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const fromParts = await reply(page, 'Hello there', 16);
  expect(server.requests.some((r) => r.path === '/fixtures/gguf-tiny/edge-tiny-q8_0-split-00002-of-00002.gguf')).toBe(
    true,
  );
  // Both parts are stored, and listed as one model.
  const row = page.locator(`edge-llm-cache-manager tr[data-key="${ggufUrl(server, split)}"]`);
  await expect(row).toHaveAttribute('data-engine', 'llamacpp');

  await page.evaluate((handle) => ((0, eval)(handle) as { reset(): void }).reset(), chatHandle);
  await loadGguf(page, server, whole);
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  const fromWhole = await reply(page, 'Hello there', 16);
  expect(fromParts.ids).toHaveLength(16);
  expect(fromParts.ids).toEqual(fromWhole.ids);
});
