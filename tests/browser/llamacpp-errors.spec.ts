/**
 * Broken GGUF files and impossible models, each ending in its own message with a way forward,
 * and the app still usable afterwards.
 */
import type { Page } from '@playwright/test';
import { loadGguf, openWithGguf, reply } from './llamacpp-helpers.ts';
import { chooseModel, expect, guardLocalhost, test } from './test.ts';

const chat = (page: Page) => page.locator('edge-llm-chat');

for (const [file, code, words] of [
  ['gguf-bad/truncated.gguf', 'gguf-invalid', 'truncated'],
  ['gguf-bad/bad-magic.gguf', 'gguf-invalid', 'GGUF'],
  ['gguf-bad/unknown-arch.gguf', 'architecture-unsupported', 'zorba'],
  ['gguf-bad/unknown-quant.gguf', 'quantization-unsupported', 'type 200'],
  ['gguf-bad/missing.gguf', 'model-file-missing', 'missing.gguf'],
] as const) {
  test(`${file.slice('gguf-bad/'.length)} ends in a specific message (${code})`, async ({ page, server }) => {
    await openWithGguf(page, server, [file]);
    await loadGguf(page, server, file);
    const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
    await expect(error).toHaveAttribute('data-code', code, { timeout: 60_000 });
    await expect(error).toContainText(words);
    await expect(chat(page).locator('button[data-action="load"]')).toBeEnabled();
  });
}

test('a model too large for WebAssembly memory on the CPU is refused before any download', async ({ page, server }) => {
  const guard = await guardLocalhost(page);
  await page.goto(`${server.url}/?engine=llamacpp`);
  const id = 'bartowski/Phi-3.5-mini-instruct-GGUF@Q8_0';
  // Larger than the picker lists by default.
  await page.locator('edge-llm-model-picker select[name="size-filter"]').selectOption('any');
  await chooseModel(page, id);
  await chat(page).locator('button[data-action="load"]').click();
  const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(error).toHaveAttribute('data-code', 'wasm-memory-exceeded', { timeout: 60_000 });
  await expect(error).toContainText('4 GiB');
  expect(guard.outside).toEqual([]);
});

test('a reply that is not valid UTF-8 gets its own message, and the model stays loaded and answers', async ({
  page,
  server,
}) => {
  // The trap model emits a lone 0xff right after its first token; llama.cpp cannot put that in
  // JSON and wllama throws a misleading "RangeError: Invalid typed array length".
  await openWithGguf(page, server, ['gguf-bad/utf8-trap.gguf']);
  await loadGguf(page, server, 'gguf-bad/utf8-trap.gguf');
  await expect(chat(page).locator('[role="status"]')).toContainText('ready', { timeout: 60_000 });
  await expect(reply(page, 'Hello there', 12)).rejects.toThrow(/Invalid typed array length/);
  const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(error).toHaveAttribute('data-code', 'invalid-output');
  await expect(error).toContainText('not valid UTF-8');
  // The same loaded model answers a reply that stops before the trap: no reload needed.
  const next = await reply(page, 'Hello there', 1);
  expect(next.stats.outputTokens).toBe(1);
  expect(next.ids).toHaveLength(1);
});
