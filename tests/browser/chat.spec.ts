/**
 * A full chat through the real worker, with the engine double behind the worker interface:
 * streaming, Stop, stats against the double's known timings, memory, crashes, untrusted output.
 */
import type { Page } from '@playwright/test';
import { chooseModel, expect, modelRow, openAppWithDouble, test } from './test.ts';

const chat = (page: Page) => page.locator('edge-llm-chat');

async function loadDouble(page: Page, modelId: string) {
  await chooseModel(page, modelId);
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText(`${modelId} ready`);
}

async function setMaxTokens(page: Page, value: number) {
  const settings = chat(page).locator('details.settings');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
  await chat(page).locator('input[name="max-tokens"]').fill(String(value));
  await chat(page).locator('input[name="max-tokens"]').press('Tab');
}

async function send(page: Page, text: string) {
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill(text);
  await input.press('Enter');
}

const assistantText = (page: Page) => chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last();

test('a reply streams token by token, and its stats match the double within tolerance', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-timed');
  await expect(chat(page).locator('[role="status"]')).toContainText('Loaded from cache in');
  await setMaxTokens(page, 40);

  const events = page.evaluate(
    () =>
      new Promise<{
        tokens: number;
        batches: number;
        done: { outputTokens: number; ttftMs: number; decodeTokensPerSecond: number; promptTokens: number };
      }>((resolve) => {
        let batches = 0;
        let tokens = 0;
        const element = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-chat')!;
        element.addEventListener('edge-llm-token', (event) => {
          batches += 1;
          tokens = event.detail.totalTokens;
        });
        element.addEventListener(
          'edge-llm-done',
          (event) => resolve({ tokens, batches, done: event.detail as never }),
          { once: true },
        );
      }),
  );
  await send(page, 'Tell me about the edge.');

  // Streaming: part of the reply is on screen while the rest is still being generated.
  await expect(assistantText(page)).toContainText('edge runs');
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'true');
  const { tokens, batches, done } = await events;
  expect(tokens).toBe(40);
  expect(batches).toBeGreaterThan(10);
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false');

  // The double waits 300 ms before its first token and 20 ms between tokens (50 tokens/s).
  expect(done.outputTokens).toBe(40);
  expect(done.ttftMs).toBeGreaterThan(300 * 0.95);
  expect(done.ttftMs).toBeLessThan(300 * 1.25);
  expect(done.decodeTokensPerSecond).toBeGreaterThan(50 * 0.75);
  expect(done.decodeTokensPerSecond).toBeLessThanOrEqual(50 * 1.05);

  const stats = chat(page).locator('edge-llm-stats');
  await expect(stats.locator('[data-stat="tokens-out"] dd')).toHaveText('40');
  const decodeShown = Number((await stats.locator('[data-stat="decode"] .value').innerText()).replace(/[^\d.]/g, ''));
  expect(Math.abs(decodeShown - done.decodeTokensPerSecond)).toBeLessThan(0.11);
  const ttftShown = await stats.locator('[data-stat="ttft"] .value').innerText();
  expect(Number(ttftShown.replace(/[^\d]/g, ''))).toBe(Math.round(done.ttftMs));
  await expect(stats.locator('[data-stat="tokens-in"] dd')).toHaveText(String(done.promptTokens));
  // GPU memory measured by the tracker: the double holds 2 MiB of real buffers.
  await expect(stats.locator('[data-stat="gpu-memory"] dd')).toContainText('2.1 MB / 2.1 MB');
});

test('Stop interrupts the reply, keeps the model loaded, and the next message works', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-timed');
  await setMaxTokens(page, 5000);
  await send(page, 'Write a very long story.');
  await expect(assistantText(page)).toContainText('small models');
  await chat(page).locator('button[data-action="stop"]').click();
  await expect(chat(page).locator('button[data-action="send"]')).toBeVisible();
  const meta = assistantText(page).locator('.meta');
  await expect(meta).toContainText('stopped');
  const produced = Number((await meta.innerText()).split(' ')[0]);
  expect(produced).toBeGreaterThan(0);
  expect(produced).toBeLessThan(500);
  await expect(chat(page).locator('[role="status"]')).toContainText('double-timed ready');

  await setMaxTokens(page, 5);
  await send(page, 'echo: still here');
  await expect(assistantText(page)).toHaveText(/still here/);
  await expect(chat(page).locator('edge-llm-transcript article')).toHaveCount(4);
});

test('model output containing HTML and script is shown as text and runs nothing', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-timed');
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
  await send(page, `echo: ${hostile}`);
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false');
  await expect(assistantText(page)).toContainText(hostile);
  const transcript = chat(page).locator('edge-llm-transcript');
  await expect(transcript.locator('article img, article script, article b')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('unloading frees the GPU memory the tracker measured', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-timed');
  const memory = chat(page).locator('edge-llm-stats [data-stat="gpu-memory"] dd');
  await expect(memory).toContainText('2.1 MB /');
  await chat(page).locator('button[data-action="unload"]').click();
  await expect(memory).toContainText('0 B /');
  await expect(chat(page).locator('[role="status"]')).toContainText('Model unloaded');
});

test('a crashed worker is reported, the conversation kept, and Restart brings the engine back', async ({
  page,
  server,
  consoleErrors,
}) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-crash');
  await send(page, 'This reply will crash the worker.');
  const error = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(error).toHaveAttribute('data-code', 'worker-crashed');
  await expect(error).toContainText('The engine worker crashed');
  await expect(chat(page).locator('edge-llm-transcript article[data-role="user"]')).toContainText(
    'This reply will crash',
  );
  expect(consoleErrors.some((line) => line.includes('simulated worker crash'))).toBe(true);

  await error.locator('button[data-action="restart-worker"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText('double-crash ready');
  await expect(chat(page).locator('edge-llm-transcript article[data-role="user"]')).toContainText(
    'This reply will crash',
  );
});

test('the chat works with the keyboard alone', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await modelRow(page, 'double-timed').locator('input[name="model"]').focus();
  await page.keyboard.press('Space');
  const load = chat(page).locator('button[data-action="load"]');
  await load.focus();
  await page.keyboard.press('Enter');
  await expect(chat(page).locator('[role="status"]')).toContainText('double-timed ready');
  await chat(page).locator('textarea[name="message"]').focus();
  await page.keyboard.type('echo: typed with keys');
  await page.keyboard.press('Enter');
  await expect(assistantText(page)).toHaveText(/typed with keys/);
  // Focus is visible: the focused control draws an outline.
  const outline = await chat(page)
    .locator('textarea[name="message"]')
    .evaluate((element) => getComputedStyle(element).outlineStyle);
  expect(outline).not.toBe('none');
});

test('loading shows phase, percent, bytes and time, and Cancel stops it without an error', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-slow-load');
  await chat(page).locator('button[data-action="load"]').click();
  const progress = chat(page).locator('edge-llm-load-progress');
  await expect(progress.locator('.phase')).toHaveText('Downloading');
  await expect(progress.locator('.bytes')).toContainText(/of 2\.1 MB/);
  await expect(progress.locator('.percent')).toHaveText(/^\d+%$/);
  await expect(progress.locator('.elapsed')).toHaveText(/\d/);
  await expect(progress.locator('progress')).toHaveAttribute('value', /0\.\d+/);
  await progress.locator('button', { hasText: 'Cancel' }).click();
  await expect(chat(page).locator('[role="status"]')).toHaveText('Loading cancelled.');
  await expect(progress).toHaveCount(0);
  await expect(chat(page).locator('edge-llm-error-panel [role="alert"]')).toHaveCount(0);
  // Nothing was left loaded: the tracker holds no GPU memory, and another model loads.
  await loadDouble(page, 'double-timed');
});

test('when the engine and the wall clock disagree by more than 10%, both figures are shown', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-skewed');
  await setMaxTokens(page, 20);
  await send(page, 'Count for me.');
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false');
  const decode = chat(page).locator('edge-llm-stats [data-stat="decode"]');
  // The double reports twice its real rate (about 100 against 50 tokens/s measured).
  const engine = Number((await decode.locator('.value').innerText()).replace(/[^\d.]/g, ''));
  const wall = Number((await decode.locator('[data-cross-check]').innerText()).replace(/[^\d.]/g, ''));
  expect(engine / wall).toBeGreaterThan(1.9);
  expect(engine / wall).toBeLessThan(2.1);
  await expect(decode.locator('[data-cross-check]')).toContainText('wall clock');
  // Figures that agree show once.
  await expect(chat(page).locator('edge-llm-stats [data-stat="ttft"] [data-cross-check]')).toHaveCount(0);
});

test('a flood of tokens all reaches the screen, and the reply is complete when done fires', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  await setMaxTokens(page, 3000);
  const done = page.evaluate(
    () =>
      new Promise<{ text: string; outputTokens: number }>((resolve) => {
        const element = document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-chat')!;
        element.addEventListener('edge-llm-done', (event) => resolve(event.detail), { once: true });
      }),
  );
  await send(page, 'Go as fast as you can.');
  const detail = await done;
  expect(detail.outputTokens).toBe(3000);
  expect(detail.text.split(/\s+/).filter(Boolean)).toHaveLength(3000);
  await expect(assistantText(page).locator('.text')).toHaveText(detail.text, { useInnerText: false });
});
