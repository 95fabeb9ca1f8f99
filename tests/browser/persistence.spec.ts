/**
 * Runs that survive: the conversation and settings kept in IndexedDB across reloads and closed
 * tabs, a crash marker that explains a load the last visit never finished, and a lost GPU device
 * recovered with one click, all against the built app.
 */
import type { Page } from '@playwright/test';
import { chooseModel, expect, modelRow, openAppWithDouble, test } from './test.ts';

const chat = (page: Page) => page.locator('edge-llm-chat');
const articles = (page: Page) => chat(page).locator('edge-llm-transcript article');
const assistantText = (page: Page) => chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last();
const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';
/** The radio of the picker's row for a model of the engine double (one variant each: its row's key is its id). */
const picked = (page: Page, modelId: string) => modelRow(page, modelId).locator('input[name="model"]');

interface StoredConversation {
  settings: { systemPrompt: string; maxTokens: number; temperature: number; engine: string; model: string };
  turns: { role: string; text: string; partial?: boolean }[];
}

/**
 * The app's open conversation, read straight from IndexedDB (not through the app's own code):
 * the index under "app" names it, and it is stored under "app/<id>" (format 2).
 */
function readStored(page: Page): Promise<StoredConversation | null> {
  return page.evaluate(
    () =>
      new Promise<StoredConversation | null>((resolve, reject) => {
        const open = indexedDB.open('edge-llm');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('conversations')) {
            db.close();
            resolve(null);
            return;
          }
          const store = db.transaction('conversations', 'readonly').objectStore('conversations');
          const index = store.get('app');
          index.onerror = () => reject(index.error);
          index.onsuccess = () => {
            const current = (index.result as { current?: string } | undefined)?.current;
            if (!current) {
              db.close();
              resolve(null);
              return;
            }
            const record = store.get(`app/${current}`);
            record.onerror = () => reject(record.error);
            record.onsuccess = () => {
              db.close();
              resolve((record.result as StoredConversation | undefined) ?? null);
            };
          };
        };
      }),
  );
}

const readMarkers = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('edge-llm:run-intents') ?? 'null') as Record<string, unknown>);

async function openSettings(page: Page) {
  const settings = chat(page).locator('details.settings');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
}

async function setField(page: Page, name: string, value: string) {
  const field = chat(page).locator(`[name="${name}"]`);
  await field.fill(value);
  await field.press('Tab');
}

async function send(page: Page, text: string) {
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill(text);
  await input.press('Enter');
}

test('the conversation and settings survive a reload, and clearing them removes them from IndexedDB', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  const checked = page.locator('edge-llm-model-picker input[name="model"]:checked');
  await expect(checked).toHaveCount(1);
  const defaultModel = await checked.inputValue();
  const chosen = defaultModel === 'double-timed' ? 'double-paced' : 'double-timed';
  await picked(page, chosen).check();
  await openSettings(page);
  await setField(page, 'system-prompt', 'Answer like a lighthouse keeper.');
  await setField(page, 'max-tokens', '40');
  await setField(page, 'temperature', '0.25');
  await send(page, 'echo: <b>kept</b> across reloads');
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect(assistantText(page)).toContainText('<b>kept</b> across reloads');

  // Saved at the end of the turn: check the database itself, not the page's idea of it.
  await expect
    .poll(async () => (await readStored(page))?.turns.map((turn) => [turn.role, turn.text, turn.partial ?? false]))
    .toEqual([
      ['user', 'echo: <b>kept</b> across reloads', false],
      ['assistant', '<b>kept</b> across reloads', false],
    ]);
  expect((await readStored(page))?.settings).toMatchObject({
    systemPrompt: 'Answer like a lighthouse keeper.',
    maxTokens: 40,
    temperature: 0.25,
    engine: 'double',
    model: chosen,
  });

  await page.reload();
  await expect(picked(page, chosen)).toBeChecked();
  await expect(articles(page)).toHaveCount(2);
  await expect(assistantText(page)).toContainText('<b>kept</b> across reloads');
  // Restored as text: the markup in the saved reply never becomes elements.
  await expect(chat(page).locator('edge-llm-transcript article b')).toHaveCount(0);
  await openSettings(page);
  await expect(chat(page).locator('[name="system-prompt"]')).toHaveValue('Answer like a lighthouse keeper.');
  await expect(chat(page).locator('[name="max-tokens"]')).toHaveValue('40');
  await expect(chat(page).locator('[name="temperature"]')).toHaveValue('0.25');

  // The conversation goes on where it stopped: the model sees the restored history.
  await send(page, 'echo: and continues');
  await expect(articles(page)).toHaveCount(4);
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect.poll(async () => (await readStored(page))?.turns.length).toBe(4);

  const clear = chat(page).locator('button[data-action="clear-saved"]');
  await expect(clear).toHaveText('Clear saved conversation and settings');
  await clear.focus();
  await page.keyboard.press('Enter');
  await expect(chat(page).locator('.saved')).toContainText('Cleared');
  await expect(articles(page)).toHaveCount(0);
  await expect(chat(page).locator('[name="system-prompt"]')).toHaveValue('You are a helpful, concise assistant.');
  await expect(chat(page).locator('[name="max-tokens"]')).toHaveValue('512');
  await expect(chat(page).locator('[name="temperature"]')).toHaveValue('0.7');
  await expect.poll(() => readStored(page)).toBeNull();

  await page.reload();
  await expect(picked(page, defaultModel)).toBeChecked();
  await expect(chat(page).locator('edge-llm-transcript')).toContainText('say hello');
  await expect(articles(page)).toHaveCount(0);
  expect(await readStored(page)).toBeNull();
});

test('a reply cut off by a closed tab comes back up to its last save', async ({ page, context, server }) => {
  await openAppWithDouble(page, server);
  await openSettings(page);
  await setField(page, 'max-tokens', '5000');
  await send(page, 'Write a very long story.');
  await expect(assistantText(page)).toContainText('small models');
  // Saved about once a second while streaming; wait for a save with text in it, then kill the tab.
  await expect
    .poll(async () => (await readStored(page))?.turns[1]?.text.length ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(20);
  const saved = (await readStored(page))!.turns[1]!;
  expect(saved.partial).toBe(true);
  await page.close({ runBeforeUnload: false });

  const next = await context.newPage();
  await openAppWithDouble(next, server);
  await expect(articles(next)).toHaveCount(2);
  await expect(assistantText(next)).toContainText(saved.text.trim().slice(0, 40));
  await expect(assistantText(next)).toHaveText(/^\s*Model:\s*The edge runs small models/);
});

test('a load the tab never finished is reported on the next visit, with a smaller model to try', async ({
  page,
  context,
  server,
}) => {
  await openAppWithDouble(page, server);
  // A load that ends normally leaves nothing behind.
  await picked(page, 'double-timed').check();
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText('double-timed ready');
  expect(await readMarkers(page)).toBeNull();

  await picked(page, 'double-big-slow-load').check();
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('edge-llm-load-progress')).toContainText(/download/i);
  await expect
    .poll(async () => Object.values(await readMarkers(page)).map((marker) => marker))
    .toMatchObject([{ kind: 'load', engine: 'double', model: 'double-big-slow-load', phase: 'downloading' }]);

  // Another tab of the app while this load is still going: the run is alive, nothing to report.
  const bystander = await context.newPage();
  await openAppWithDouble(bystander, server);
  await bystander.waitForTimeout(1500);
  await expect(bystander.locator('edge-llm-crash-notice [part="notice"]')).toHaveCount(0);
  await bystander.close();

  // The tab dies mid-load: no unload handlers, no chance to clear the marker.
  await page.close({ runBeforeUnload: false });

  const next = await context.newPage();
  await openAppWithDouble(next, server);
  const notice = next.locator('edge-llm-crash-notice [part="notice"]');
  await expect(notice).toBeVisible();
  await expect(notice.locator('h2')).toHaveText('The last visit ended while double-big-slow-load was loading');
  await expect(notice.locator('.message')).toHaveText(
    /^The tab was closed or crashed less than a minute ago while downloading double-big-slow-load \(6\.3 MB\)( on a device reporting \d+(\.\d+)? GB of memory)?\.$/,
  );
  await expect(notice.locator('.cause')).toContainText('still downloading');
  await expect(notice.locator('.next')).toHaveText('Try double-timed (2.1 MB), a smaller model that fits this device.');

  const use = notice.locator('button[data-action="use-suggestion"]');
  await expect(use).toHaveText('Use double-timed');
  await use.focus();
  await next.keyboard.press('Enter');
  await expect(notice).toHaveCount(0);
  await expect(picked(next, 'double-timed')).toBeChecked();
  expect(await readMarkers(next)).toBeNull();

  await next.reload();
  await expect(picked(next, 'double-timed')).toBeVisible();
  await next.waitForTimeout(1000);
  await expect(next.locator('edge-llm-crash-notice')).toHaveCount(0);
});

test('the crash notice can be dismissed from the keyboard, and stays dismissed', async ({ page, context, server }) => {
  await openAppWithDouble(page, server);
  await picked(page, 'double-big-slow-load').check();
  await chat(page).locator('button[data-action="load"]').click();
  await expect.poll(async () => Object.keys((await readMarkers(page)) ?? {}).length).toBe(1);
  await page.close({ runBeforeUnload: false });

  const next = await context.newPage();
  await openAppWithDouble(next, server);
  const dismiss = next.locator('edge-llm-crash-notice button[data-action="dismiss"]');
  await dismiss.focus();
  await next.keyboard.press('Enter');
  await expect(next.locator('edge-llm-crash-notice')).toHaveCount(0);
  // Focus stays in the page, on the current view's button, not lost to <body>.
  await expect(next.locator('edge-llm-app nav button[aria-current="page"]')).toBeFocused();
  await next.reload();
  await expect(picked(next, 'double-timed')).toBeVisible();
  await next.waitForTimeout(1000);
  await expect(next.locator('edge-llm-crash-notice')).toHaveCount(0);
});

test('a lost GPU device is reported, and one click reloads the model with the conversation intact', async ({
  page,
  server,
}) => {
  const tiny = `${server.url}/fixtures/onnx-tiny`;
  await page.goto(`${server.url}/?engine=transformers`);
  await page.evaluate((url) => {
    document.querySelector('edge-llm-app')!.customModels = { transformers: [{ url, dtype: 'fp32' }] };
  }, tiny);
  // On the GPU: a device to lose (SwiftShader's default path is the CPU).
  await chooseModel(page, `${tiny}@fp32`, 'gpu');
  await chat(page).locator('button[data-action="load"]').click();
  const status = chat(page).locator('[role="status"]');
  await expect(status).toContainText('ready', { timeout: 60_000 });
  await openSettings(page);
  await setField(page, 'max-tokens', '8');
  await setField(page, 'temperature', '0');
  await send(page, 'Hello before the loss.');
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(assistantText(page).locator('.meta')).toContainText('8 tokens');
  const before = await articles(page).allInnerTexts();

  // WebGPU cannot lose a device on demand: the worker destroys its devices and reports them lost.
  const destroyed = await page.evaluate(
    (handle) =>
      (
        (0, eval)(handle) as { session: { lease: { client: { loseDevice(): Promise<number> } } } }
      ).session.lease.client.loseDevice(),
    chatHandle,
  );
  expect(destroyed).toBeGreaterThan(0);

  const alert = chat(page).locator('edge-llm-error-panel [role="alert"]');
  await expect(alert).toHaveAttribute('data-code', 'device-lost');
  await expect(alert.locator('h3')).toHaveText('The GPU device was lost');
  await expect(alert).toContainText('Your conversation is kept');
  await expect(alert.locator('details code')).toContainText('DeviceLostError: The GPU device was lost (destroyed');
  await expect(status).toHaveText('The GPU device was lost: reload the model to go on.');
  await expect(chat(page).locator('button[data-action="load"]')).toBeVisible();
  expect(await articles(page).allInnerTexts()).toEqual(before);

  const reload = alert.locator('button[data-action="reload-model"]');
  await expect(reload).toHaveText('Reload the model');
  await reload.click();
  await expect(status).toContainText('ready', { timeout: 60_000 });
  await expect(alert).toHaveCount(0);
  expect(await articles(page).allInnerTexts()).toEqual(before);

  // A new message completes on the new device, after the history that survived.
  await send(page, 'Hello after the loss.');
  await expect(articles(page)).toHaveCount(4);
  await expect(assistantText(page)).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(assistantText(page).locator('.meta')).toContainText('8 tokens');
  const memory = chat(page).locator('edge-llm-stats [data-stat="gpu-memory"] dd');
  await expect(memory).not.toContainText(/^\s*0 B \//);
});
