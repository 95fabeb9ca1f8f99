/**
 * A conversation much longer than the model's context window, with the real transformers.js
 * engine and the tiny ONNX model (512-token context, about a token a character), in
 * `<edge-llm-chat>` on a page of its own (the library build): every reply completes, the prompt
 * the engine reads stays within the window (counted by the worker, at the engine boundary), and
 * the transcript shows where the model's memory begins, also after a reload.
 */
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, ensureFixtures } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { expect, test } from './test.ts';

const DIST_LIB = join(import.meta.dirname, '..', '..', 'dist', 'lib');
const CONTEXT = 512;
const MAX_TOKENS = 40;

let server: StaticServer;
let pageDir: string;

test.beforeAll(async () => {
  ensureFixtures();
  pageDir = mkdtempSync(join(tmpdir(), 'edge-llm-long-'));
  server = await startStaticServer({ roots: { '/': pageDir, '/lib/': DIST_LIB, '/fixtures/': FIXTURES_DIR } });
  writeFileSync(
    join(pageDir, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A long conversation</title>
    <script type="module" src="/lib/edge-llm.js"></script>
  </head>
  <body>
    <main>
      <h1>A long conversation</h1>
      <edge-llm-chat id="chat" engine="transformers" model="${server.url}/fixtures/onnx-tiny@fp32"
        max-tokens="${MAX_TOKENS}" temperature="0" persist storage-key="long"></edge-llm-chat>
    </main>
  </body>
</html>`,
  );
});

test.afterAll(async () => {
  await server?.close();
  rmSync(pageDir, { recursive: true, force: true });
});

const chat = (page: Page) => page.locator('#chat');
const separator = (page: Page) => chat(page).locator('edge-llm-transcript [role="separator"]');

/** About 60 characters, so 60 tokens: with a 40-token reply, an exchange of about 100 tokens. */
function message(index: number): string {
  return `Exchange ${String(index + 1).padStart(2, '0')}: tell me more about the lighthouse keeper.`;
}

interface Turn {
  promptTokens: number;
  outputTokens: number;
  finishReason: string;
  ttftMs: number;
  memoryStart: number;
}

test('12 exchanges of about 100 tokens fit a 512-token window: no error, the prompt within it, memory marked', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  const turns: Turn[] = [];
  for (let index = 0; index < 12; index++) {
    const turn = await page.evaluate(async (text) => {
      const element = document.getElementById('chat') as HTMLElement & {
        send(
          text: string,
        ): Promise<{ promptTokens: number; outputTokens: number; finishReason: string; ttftMs: number }>;
        session: { conversation: { memoryStart: number } };
      };
      const stats = await element.send(text);
      const { promptTokens, outputTokens, finishReason, ttftMs } = stats;
      return {
        promptTokens,
        outputTokens,
        finishReason,
        ttftMs,
        memoryStart: element.session.conversation.memoryStart,
      };
    }, message(index));
    turns.push(turn);
  }
  test.info().annotations.push({
    type: 'figures',
    description: turns
      .map(
        (turn, index) => `turn ${index + 1}: prompt ${turn.promptTokens} tokens, memory from turn ${turn.memoryStart}`,
      )
      .join('; '),
  });
  console.log(test.info().annotations.at(-1)!.description);

  // Every prompt the worker tokenized (the engine's own count) left room for a full reply.
  for (const turn of turns) {
    expect(turn.promptTokens).toBeGreaterThan(MAX_TOKENS);
    expect(turn.promptTokens).toBeLessThanOrEqual(CONTEXT - MAX_TOKENS);
    expect(turn.finishReason).not.toBe('aborted');
  }
  // The conversation as a whole is far longer than the window: old exchanges were left out,
  // in a few cuts rather than one per turn, so the kept history stays the same between cuts.
  const total = turns.reduce((sum, turn) => sum + message(0).length + turn.outputTokens, 0);
  expect(total).toBeGreaterThan(2 * CONTEXT);
  const starts = turns.map((turn) => turn.memoryStart);
  const cuts = starts.filter((start, index) => index > 0 && start !== starts[index - 1]).length;
  expect(cuts).toBeGreaterThan(0);
  expect(cuts).toBeLessThan(turns.length / 2);

  await expect(chat(page).locator('edge-llm-error-panel')).toHaveCount(0);
  const articles = chat(page).locator('edge-llm-transcript article');
  await expect(articles).toHaveCount(24);
  // The separator stands before the first message the model still sees, and counts those before it.
  const memoryStart = starts.at(-1)!;
  await expect(separator(page)).toHaveCount(1);
  await expect(separator(page)).toHaveAttribute(
    'aria-label',
    `${memoryStart} earlier messages are no longer visible to the model.`,
  );
  await expect(separator(page)).toHaveText(`${memoryStart} earlier messages are no longer visible to the model`);
  const before = await separator(page).evaluate(
    (node) =>
      Array.from(node.parentElement!.querySelectorAll('article')).filter(
        (article) => article.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).length,
  );
  expect(before).toBe(memoryStart);

  // Saved with the conversation: after a reload the line is where it was.
  await expect
    .poll(() =>
      page.evaluate(() => (document.getElementById('chat') as unknown as { conversationId?: string }).conversationId),
    )
    .toBeTruthy();
  await page.reload();
  await expect(articles).toHaveCount(24);
  await expect(separator(page)).toHaveAttribute('data-forgotten', String(memoryStart));
});

test('a message too long on its own is refused with the numbers, and stays in the box to be shortened', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  await page.evaluate(() => (document.getElementById('chat') as unknown as { reset(): void }).reset());
  const long = 'A very long message. '.repeat(30);
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill(long);
  await input.press('Enter');
  const alert = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(alert).toHaveAttribute('data-code', 'message-too-long', { timeout: 60_000 });
  await expect(alert.locator('h3')).toHaveText('This message is too long for the model');
  const words = await alert.locator('p').first().innerText();
  const match = words.match(
    /^Your message is (\d+) tokens\. The model reads at most 512 tokens, of which 40 are kept for the reply and (\d+) go to the system prompt and the chat template, so a message can be at most (\d+) tokens \(about (\d+) characters\)\./,
  );
  expect(match, words).not.toBeNull();
  const [messageTokens, overhead, longest, characters] = match!.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  // The tiny model's tokenizer reads about a token a character; the numbers add up to the window.
  expect(messageTokens).toBeGreaterThan(0.9 * long.trim().length);
  expect(longest).toBe(CONTEXT - MAX_TOKENS - overhead);
  expect(messageTokens).toBeGreaterThan(longest);
  expect(characters).toBe(Math.floor((long.trim().length * longest) / messageTokens));
  await expect(input).toHaveValue(long);
  await expect(chat(page).locator('edge-llm-transcript article')).toHaveCount(0);
  // The model stays loaded: a shorter message is answered.
  await input.fill('A short one.');
  await input.press('Enter');
  await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"] .meta')).toContainText(
    `${MAX_TOKENS} tokens`,
    { timeout: 60_000 },
  );
  await expect(alert).toHaveCount(0);
});
