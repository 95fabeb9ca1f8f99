/**
 * Two tabs of the app on one GPU: the second never loads a silent second copy of the model the
 * first holds. It says so, and offers to move the model here (the first tab lets go and keeps its
 * conversation) or to load a second copy anyway. The hold is a real Web Lock, read back here.
 */
import type { Page } from '@playwright/test';
import { chooseModel, expect, openAppWithDouble, test } from './test.ts';

const MODEL = 'double-timed';
const chat = (page: Page) => page.locator('edge-llm-chat');
const status = (page: Page) => chat(page).locator('[role="status"]');
const panel = (page: Page) => chat(page).locator('edge-llm-error-panel');

async function pickAndLoad(page: Page) {
  await chooseModel(page, MODEL);
  await chat(page).locator('button[data-action="load"]').click();
}

/** The Web Locks held for this model on the origin, by any tab. */
function modelLocks(page: Page): Promise<number> {
  return page.evaluate(
    async (model) => ((await navigator.locks.query()).held ?? []).filter((lock) => lock.name?.includes(model)).length,
    MODEL,
  );
}

test('a second tab is told the model is loaded elsewhere and can move it here or load a second copy', async ({
  page,
  server,
}) => {
  const first = page;
  await openAppWithDouble(first, server);
  await pickAndLoad(first);
  await expect(status(first)).toContainText(`${MODEL} ready`);
  const input = chat(first).locator('textarea[name="message"]');
  await input.fill('echo: kept across the move');
  await input.press('Enter');
  await expect(chat(first).locator('edge-llm-transcript article[data-role="assistant"]').last()).toContainText(
    'kept across the move',
  );
  expect(await modelLocks(first)).toBe(1);

  const second = await first.context().newPage();
  await openAppWithDouble(second, server);
  await pickAndLoad(second);
  await expect(panel(second).locator('h3')).toHaveText('This model is already loaded in another tab');
  await expect(panel(second)).toContainText('Move it here to keep one copy');
  // Nothing was loaded here: no second copy, still one hold.
  await expect(status(second)).not.toContainText('ready');
  expect(await modelLocks(second)).toBe(1);

  // Move it here: the first tab unloads and says why, keeping its conversation; this one loads.
  await panel(second).locator('button[data-action="move-model-here"]').click();
  await expect(status(second)).toContainText(`${MODEL} ready`);
  await expect(status(first)).toContainText('moved to another tab');
  await expect(chat(first).locator('edge-llm-transcript article[data-role="assistant"]').last()).toContainText(
    'kept across the move',
  );
  expect(await modelLocks(second)).toBe(1);

  // Back in the first tab, the same choice; this time a second copy, on purpose.
  await chat(first).locator('button[data-action="load"]').click();
  await expect(panel(first).locator('h3')).toHaveText('This model is already loaded in another tab');
  await panel(first).locator('button[data-action="load-second-copy"]').click();
  await expect(status(first)).toContainText(`${MODEL} ready`);
  await expect(status(second)).toContainText(`${MODEL} ready`);

  // Closing the holder frees the model for whoever asks next.
  await second.close();
  await expect.poll(() => modelLocks(first)).toBe(0);
});
