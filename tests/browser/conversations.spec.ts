/**
 * Per message and per conversation, in the built app with the engine double behind the worker
 * interface: copy (and its fallbacks), regenerate, edit and resend; several saved conversations,
 * each opened with its model and settings, renamed, searched, deleted after a confirmation,
 * exported as Markdown and JSON and imported again; the format 1 record migrated; the keyboard;
 * axe-core over the new controls.
 */
import type { Page } from '@playwright/test';
import axe from 'axe-core';
import { readFileSync } from 'node:fs';
import { expect, openAppWithDouble, test } from './test.ts';

const chat = (page: Page) => page.locator('edge-llm-chat');
const articles = (page: Page) => chat(page).locator('edge-llm-transcript article');
const lastReply = (page: Page) => chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last();
const lastMessage = (page: Page) => chat(page).locator('edge-llm-transcript article[data-role="user"]').last();
const list = (page: Page) => chat(page).locator('edge-llm-conversations');
const rows = (page: Page) => list(page).locator('li[data-id]');
const chatHandle = 'document.querySelector("edge-llm-app").shadowRoot.querySelector("edge-llm-chat")';

/** Chooses a model the way the picker does (its event), so these tests do not depend on its layout. */
async function chooseModel(page: Page, modelId: string) {
  await page.evaluate(
    ({ handle, modelId }) =>
      ((0, eval)(handle) as HTMLElement).dispatchEvent(
        new CustomEvent('edge-llm-model-select', { detail: { modelId }, bubbles: true, composed: true }),
      ),
    { handle: chatHandle, modelId },
  );
  await expect
    .poll(() => page.evaluate((handle) => ((0, eval)(handle) as { model: string }).model, chatHandle))
    .toBe(modelId);
}

/** Sends a message and waits for its reply to end. */
async function send(page: Page, text: string) {
  const count = await articles(page).count();
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill(text);
  await input.press('Enter');
  await expect(articles(page)).toHaveCount(count + 2);
  await expect(lastReply(page)).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
}

async function setField(page: Page, name: string, value: string) {
  const settings = chat(page).locator('details.settings');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
  const field = chat(page).locator(`[name="${name}"]`);
  await field.fill(value);
  await field.press('Tab');
}

async function openList(page: Page) {
  const panel = chat(page).locator('details.conversations');
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
  await expect(list(page)).toBeVisible();
}

const doneCount = (page: Page) =>
  page.evaluate((handle) => {
    const element = (0, eval)(handle) as HTMLElement & { doneEvents?: number };
    if (element.doneEvents === undefined) {
      element.doneEvents = 0;
      element.addEventListener('edge-llm-done', () => (element.doneEvents! += 1));
    }
    return element.doneEvents;
  }, chatHandle);

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's Content-Security-Policy refuses inline script.
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    // The chat, inside the app's shadow root: the new controls all live there.
    const result = await (window as unknown as { axe: typeof axe }).axe.run({
      include: [['edge-llm-app', 'edge-llm-chat']],
    });
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
}

test('a message is copied with a visible confirmation, and when the browser refuses, it is selected instead', async ({
  page,
  context,
  server,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-timed');
  await send(page, 'echo: copy this reply');
  const copy = lastReply(page).locator('button[data-action="copy"]');
  await copy.click();
  await expect(copy).toHaveText('Copied');
  await expect(copy).toHaveAttribute('aria-label', 'Copied: the reply');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('copy this reply');
  await expect(copy).toHaveText('Copy', { timeout: 5000 });

  // No Clipboard API here: the older copy command still copies.
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    (window as unknown as { copied: string[] }).copied = [];
    document.execCommand = (command: string) => {
      const active = document.activeElement?.shadowRoot?.activeElement ?? document.activeElement;
      let box = active as HTMLTextAreaElement | null;
      while (box?.shadowRoot?.activeElement) box = box.shadowRoot.activeElement as HTMLTextAreaElement;
      (window as unknown as { copied: string[] }).copied.push(`${command}:${box?.value ?? ''}`);
      return true;
    };
  });
  const userCopy = lastMessage(page).locator('button[data-action="copy"]');
  await userCopy.click();
  await expect(userCopy).toHaveText('Copied');
  expect(await page.evaluate(() => (window as unknown as { copied: string[] }).copied)).toEqual([
    'copy:echo: copy this reply',
  ]);

  // Neither works: the text is selected for the person to copy, and the button says so.
  await page.evaluate(() => (document.execCommand = () => false));
  await copy.click();
  await expect(copy).toHaveText('Selected: press Ctrl+C to copy');
  expect(await page.evaluate(() => getSelection()?.toString())).toBe('copy this reply');
});

test('the last reply is regenerated, and the last message edited and sent again', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-timed');
  await setField(page, 'max-tokens', '6');
  await doneCount(page);
  await send(page, 'echo: first question');
  await send(page, 'Say something.');
  expect(await doneCount(page)).toBe(2);
  // Only the last exchange offers these.
  await expect(chat(page).locator('button[data-action="regenerate"]')).toHaveCount(1);
  await expect(chat(page).locator('button[data-action="edit"]')).toHaveCount(1);

  await lastReply(page).locator('button[data-action="regenerate"]').click();
  await expect.poll(() => doneCount(page)).toBe(3);
  await expect(articles(page)).toHaveCount(4);
  await expect(lastMessage(page)).toContainText('Say something.');
  await expect(lastReply(page)).toContainText('The edge runs');

  await lastMessage(page).locator('button[data-action="edit"]').click();
  const input = chat(page).locator('textarea[name="message"]');
  await expect(input).toHaveValue('Say something.');
  await expect(input).toBeFocused();
  await expect(chat(page).locator('.editing')).toContainText('Editing your last message');
  // Escape leaves editing without sending.
  await input.press('Escape');
  await expect(chat(page).locator('.editing')).toHaveCount(0);
  await expect(input).toHaveValue('');

  await lastMessage(page).locator('button[data-action="edit"]').click();
  await input.fill('echo: edited question');
  await expect(chat(page).locator('button[data-action="send"]')).toHaveText('Send edit');
  await input.press('Enter');
  await expect(lastReply(page)).toHaveAttribute('aria-busy', 'false');
  await expect(articles(page)).toHaveCount(4);
  await expect(lastMessage(page)).toContainText('echo: edited question');
  await expect(lastReply(page)).toContainText('edited question');
  await expect(articles(page).first()).toContainText('echo: first question');
});

test('several conversations: each opens with its model and settings; rename, search, delete, export and import', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-timed');
  await setField(page, 'system-prompt', 'Answer like a lighthouse keeper.');
  await setField(page, 'max-tokens', '40');
  await send(page, 'echo: Tides and the moon');
  await send(page, 'echo: why twice a day?');

  // A second conversation with another model and other settings; the first stays saved.
  await chat(page).locator('button[data-action="new-conversation"]').click();
  await expect(articles(page)).toHaveCount(0);
  await chooseModel(page, 'double-paced');
  await setField(page, 'system-prompt', 'Answer like a baker.');
  await setField(page, 'temperature', '0.25');
  await send(page, 'echo: Bread that rises overnight');

  await openList(page);
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).locator('.title')).toHaveText([
    'echo: Bread that rises overnight',
    'echo: Tides and the moon',
  ]);
  await expect(rows(page).first().locator('button.open')).toHaveAttribute('aria-current', 'true');
  await expect(chat(page).locator('details.conversations summary')).toHaveText('Conversations (2)');

  // Opening the first brings back its messages, its settings and its model (the picker follows).
  await rows(page).nth(1).locator('button.open').click();
  await expect(articles(page)).toHaveCount(4);
  await expect(lastReply(page)).toContainText('why twice a day?');
  await expect(chat(page).locator('[name="system-prompt"]')).toHaveValue('Answer like a lighthouse keeper.');
  await expect(chat(page).locator('[name="max-tokens"]')).toHaveValue('40');
  await expect(chat(page).locator('[name="temperature"]')).toHaveValue('0.7');
  await expect
    .poll(() => page.evaluate((handle) => ((0, eval)(handle) as { model: string }).model, chatHandle))
    .toBe('double-timed');
  await expect(page.locator('edge-llm-model-picker input[name="model"]:checked')).toHaveValue('double-timed');
  // And back: the other one's model and settings.
  await rows(page).first().locator('button.open').click();
  await expect(articles(page)).toHaveCount(2);
  await expect(chat(page).locator('[name="system-prompt"]')).toHaveValue('Answer like a baker.');
  await expect(chat(page).locator('[name="temperature"]')).toHaveValue('0.25');
  await expect
    .poll(() => page.evaluate((handle) => ((0, eval)(handle) as { model: string }).model, chatHandle))
    .toBe('double-paced');

  // Rename, from the keyboard; the title is kept across a reload.
  const tides = rows(page).filter({ hasText: 'Tides' });
  await tides.locator('button[data-action="rename"]').click();
  const title = tides.locator('input[name="title"]');
  await expect(title).toBeFocused();
  await title.fill('Tides, explained');
  await title.press('Enter');
  await expect(rows(page).locator('.title')).toContainText(['Tides, explained']);
  await page.reload();
  await openList(page);
  await expect(rows(page).locator('.title')).toContainText(['Tides, explained']);
  await expect(articles(page)).toHaveCount(2);

  // Search by title, and by words inside the messages (any case, any accent).
  const search = list(page).locator('input[type="search"]');
  await search.fill('explained');
  await expect(rows(page)).toHaveCount(1);
  await search.fill('TWICE');
  await expect(rows(page).locator('.title')).toHaveText(['Tides, explained']);
  await expect(rows(page).locator('.snippet')).toContainText('why twice a day?');
  await expect(list(page).locator('.note')).toHaveText('1 of 2 conversations match “TWICE”.');
  await search.fill('overnight');
  await expect(rows(page).locator('.title')).toHaveText(['echo: Bread that rises overnight']);
  await search.fill('nothing like this');
  await expect(rows(page)).toHaveCount(0);
  await expect(list(page)).toContainText('No conversation matches.');
  await search.fill('');
  await expect(rows(page)).toHaveCount(2);

  // Export as Markdown and as JSON.
  const tidesRow = rows(page).filter({ hasText: 'Tides, explained' });
  const [markdown] = await Promise.all([
    page.waitForEvent('download'),
    tidesRow.locator('button[data-action="export-markdown"]').click(),
  ]);
  expect(markdown.suggestedFilename()).toMatch(/^edge-llm-tides-explained-\d{4}-\d\d-\d\d\.md$/);
  const markdownText = readFileSync((await markdown.path())!, 'utf8');
  expect(markdownText).toContain('# Tides, explained');
  expect(markdownText).toContain('- Model: double-timed (Engine double (tests))');
  expect(markdownText).toContain('## You\n\necho: Tides and the moon\n');
  expect(markdownText).toMatch(/## Model · \d+ tokens, [\d.]+ tokens\/s\n\nwhy twice a day\?\n/);
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    tidesRow.locator('button[data-action="export-json"]').click(),
  ]);
  const jsonPath = (await json.path())!;
  const file = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
  expect(file).toMatchObject({
    schema: 'edge-llm/conversation@1',
    title: 'Tides, explained',
    settings: {
      systemPrompt: 'Answer like a lighthouse keeper.',
      maxTokens: 40,
      engine: 'double',
      model: 'double-timed',
    },
    messages: [
      { role: 'user', text: 'echo: Tides and the moon' },
      { role: 'assistant', text: 'Tides and the moon' },
      { role: 'user', text: 'echo: why twice a day?' },
      { role: 'assistant', text: 'why twice a day?' },
    ],
  });

  // Delete, after a confirmation; "Keep it" keeps it.
  await tidesRow.locator('button[data-action="delete"]').click();
  const keep = tidesRow.locator('button[data-action="keep"]');
  await expect(keep).toBeFocused();
  await expect(tidesRow.locator('.confirm')).toContainText('Delete “Tides, explained”? This cannot be undone.');
  await keep.click();
  await expect(rows(page)).toHaveCount(2);
  await tidesRow.locator('button[data-action="delete"]').click();
  await tidesRow.locator('button[data-action="confirm-delete"]').click();
  await expect(rows(page)).toHaveCount(1);
  await expect(list(page).locator('.note')).toHaveText('Deleted “Tides, explained”.');

  // Import the exported file: it comes back as a conversation of its own (with its own dates),
  // opened in the chat.
  await list(page).locator('input[type="file"]').setInputFiles(jsonPath);
  await expect(rows(page)).toHaveCount(2);
  const imported = rows(page).filter({ hasText: 'Tides, explained' });
  await expect(imported.locator('button.open')).toHaveAttribute('aria-current', 'true');
  await expect(articles(page)).toHaveCount(4);
  await expect(lastReply(page)).toContainText('why twice a day?');
  await expect(chat(page).locator('[name="system-prompt"]')).toHaveValue('Answer like a lighthouse keeper.');

  // A damaged file is refused, each problem named by its field.
  await list(page)
    .locator('input[type="file"]')
    .setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          ...file,
          settings: { maxTokens: 0 },
          messages: [{ role: 'system', text: 'x' }],
        }),
      ),
    });
  const problems = list(page).locator('.problems[role="alert"] li');
  await expect(problems).toHaveText([
    'settings.maxTokens must be a whole number from 1 to 32768 (it is 0).',
    'messages[0].role must be "user" or "assistant" (it is "system").',
  ]);
  await expect(rows(page)).toHaveCount(2);
});

test('a conversation saved by the previous version (one record, no list) is migrated, not lost', async ({
  page,
  server,
}) => {
  // The format 1 record, written before the app starts on this origin.
  await page.goto(`${server.url}/favicon.svg`);
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('edge-llm');
        open.onupgradeneeded = () => open.result.createObjectStore('conversations');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const transaction = open.result.transaction('conversations', 'readwrite');
          transaction.objectStore('conversations').put(
            {
              version: 1,
              savedAt: Date.now() - 60_000,
              settings: {
                systemPrompt: 'Be a pirate.',
                maxTokens: 33,
                temperature: 0.5,
                engine: 'double',
                model: 'double-paced',
              },
              turns: [
                { role: 'user', text: 'echo: from the old version' },
                { role: 'assistant', text: 'from the old version' },
              ],
            },
            'app',
          );
          transaction.oncomplete = () => {
            open.result.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
  await openAppWithDouble(page, server);
  await expect(articles(page)).toHaveCount(2);
  await expect(lastReply(page)).toContainText('from the old version');
  await expect(chat(page).locator('[name="max-tokens"]')).toHaveValue('33');
  await openList(page);
  await expect(rows(page).locator('.title')).toHaveText(['echo: from the old version']);
  // Stored in format 2 now: an index under "app", the conversation beside it.
  const stored = await page.evaluate(
    () =>
      new Promise<{ kind: string; current: string; record: { version: number; turns: unknown[] } }>((resolve) => {
        const open = indexedDB.open('edge-llm');
        open.onsuccess = () => {
          const store = open.result.transaction('conversations').objectStore('conversations');
          const index = store.get('app');
          index.onsuccess = () => {
            const { kind, current } = index.result as { kind: string; current: string };
            const record = store.get(`app/${current}`);
            record.onsuccess = () => resolve({ kind, current, record: record.result });
          };
        };
      }),
  );
  expect(stored).toMatchObject({ kind: 'edge-llm/conversations', record: { version: 2 } });
  expect(stored.record.turns).toHaveLength(2);
});

test('the keyboard: Enter sends, Shift+Enter adds a line, Esc stops, Ctrl+Shift+O starts anew; all listed', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-timed');
  const input = chat(page).locator('textarea[name="message"]');
  await expect(chat(page).locator('#message-hint')).toHaveText(
    'Enter sends · Shift+Enter adds a line · Esc stops a reply',
  );
  await expect(input).toHaveAttribute('aria-describedby', 'message-hint');
  await chat(page).locator('details.shortcuts summary').click();
  await expect(chat(page).locator('details.shortcuts dl')).toContainText('Ctrl+Shift+O');
  await expect(chat(page).locator('details.shortcuts dl > div')).toHaveText([
    /Enter\s*Send the message/,
    /Shift\+Enter\s*New line in the message/,
    /Esc\s*Stop the reply/,
    /Ctrl\+Shift\+O\s*New conversation/,
  ]);

  await input.focus();
  await page.keyboard.type('echo: first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await expect(input).toHaveValue('echo: first line\nsecond line');
  await page.keyboard.press('Enter');
  await expect(lastReply(page)).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect(lastMessage(page)).toContainText('first line\nsecond line', { useInnerText: false });

  // Escape stops a long reply, wherever the focus is in the chat.
  await setField(page, 'max-tokens', '5000');
  await input.fill('Write a very long story.');
  await input.press('Enter');
  await expect(lastReply(page)).toContainText('small models');
  await chat(page).locator('[name="max-tokens"]').focus();
  await page.keyboard.press('Escape');
  await expect(lastReply(page).locator('.meta')).toContainText('stopped');

  // Ctrl+Shift+O: a new conversation; the last one stays in the list.
  await input.focus();
  await page.keyboard.press('Control+Shift+O');
  await expect(articles(page)).toHaveCount(0);
  await expect(input).toBeFocused();
  await expect(chat(page).locator('button[data-action="new-conversation"]')).toHaveAttribute(
    'aria-keyshortcuts',
    'Control+Shift+O',
  );
  await openList(page);
  await expect(rows(page)).toHaveCount(1);
});

test('memory is marked in the transcript with a short context, and axe-core finds no violations in the new controls', async ({
  page,
  server,
}) => {
  await openAppWithDouble(page, server);
  await chooseModel(page, 'double-short-context');
  await setField(page, 'max-tokens', '100');
  // The double counts 4 characters a token: each exchange is about 160 tokens of a 512 window.
  for (let index = 0; index < 5; index++) await send(page, `echo: ${String(index).repeat(300)}`);
  const separator = chat(page).locator('edge-llm-transcript [role="separator"]');
  await expect(separator).toHaveCount(1);
  await expect(separator).toHaveText(/\d+ earlier messages are no longer visible to the model/);
  await expect(chat(page).locator('edge-llm-error-panel')).toHaveCount(0);

  // Everything new on screen at once: the list with a rename box and a delete confirmation, the
  // edit note, the shortcuts, the separator, the buttons under each message.
  await openList(page);
  await send(page, 'echo: a second conversation');
  await chat(page).locator('details.shortcuts summary').click();
  await rows(page).first().locator('button[data-action="rename"]').click();
  await lastMessage(page).locator('button[data-action="edit"]').click();
  await expect(chat(page).locator('.editing')).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await rows(page).first().locator('form.rename button', { hasText: 'Cancel' }).click();
  await rows(page).first().locator('button[data-action="delete"]').click();
  await list(page).locator('input[type="search"]').fill('4444');
  await expect(rows(page)).toHaveCount(1);
  expect(await axeViolations(page)).toEqual([]);
});
