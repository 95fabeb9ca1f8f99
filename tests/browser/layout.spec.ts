/**
 * Phone first: the built app at 390 x 844 and 1280 x 900, light and dark (screenshots attached to
 * the report). On a phone the conversation and the message box are the first screen and device,
 * models and storage open in a modal sheet; from 1024 px two columns. axe-core finds nothing in
 * either layout or theme; nothing scrolls sideways at 320 px; touch targets are 44 px.
 */
import type { Page, TestInfo } from '@playwright/test';
import axe from 'axe-core';
import { chooseModel, expect, openAppWithDouble, test } from './test.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const chat = (page: Page) => page.locator('edge-llm-chat');
const sheet = (page: Page) => page.locator('edge-llm-app dialog.sheet');

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
}

/**
 * axe-core over the whole document, shadow roots included, or over the open sheet only (the page
 * behind a modal dialog is inert); violations as "rule: targets".
 */
async function axeViolations(page: Page, only?: 'sheet'): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's Content-Security-Policy refuses inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async (scope) => {
    const context = scope === 'sheet' ? { include: [{ fromShadowDom: ['edge-llm-app', 'dialog.sheet'] }] } : document;
    const result = await (window as unknown as { axe: typeof axe }).axe.run(context as axe.ElementContext);
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`,
    );
  }, only);
}

/** Loads the double's timed model and has a few exchanges, so the transcript is full. */
async function converse(page: Page, exchanges: number) {
  await chooseModel(page, 'double-timed');
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText('double-timed ready');
  for (let turn = 1; turn <= exchanges; turn += 1) {
    // Replies in Markdown (a list grows the view after each piece of text) and plain.
    const message =
      turn % 2 ? `echo: **Reply ${turn}** as a list:\n\n- one\n- two\n- three` : `echo: message number ${turn}`;
    await chat(page).locator('textarea[name="message"]').fill(message);
    await chat(page).locator('textarea[name="message"]').press('Enter');
    await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last()).toHaveAttribute(
      'aria-busy',
      'false',
    );
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`phone, ${scheme}: the conversation and the message box are the first screen; axe-core finds nothing`, async ({
    page,
    server,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(PHONE);
    await openAppWithDouble(page, server);
    // Models are one tap away, in the sheet: choose one there.
    await page.locator('edge-llm-app button[data-action="open-sheet"]').click();
    await expect(sheet(page)).toHaveAttribute('open', '');
    await attachScreenshot(page, testInfo, `phone-${scheme}-sheet`);
    expect(await axeViolations(page, 'sheet')).toEqual([]);
    await sheet(page).locator('button[data-action="close-sheet"]').click();
    await converse(page, 6);

    // No scrolling: the page stays at the top, the last message and the message box are in view.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await expect(chat(page).locator('textarea[name="message"]')).toBeInViewport({ ratio: 1 });
    await expect(chat(page).locator('button[data-action="send"]')).toBeInViewport({ ratio: 1 });
    await expect(chat(page).locator('edge-llm-transcript article[data-role="assistant"]').last()).toBeInViewport({
      ratio: 1,
    });
    // The conversation followed every reply to its end.
    await expect
      .poll(() =>
        chat(page)
          .locator('edge-llm-transcript')
          .evaluate((transcript) => {
            const view = transcript.shadowRoot!.querySelector<HTMLElement>('[part="transcript"]')!;
            return view.scrollHeight - view.scrollTop - view.clientHeight;
          }),
      )
      .toBeLessThan(2);
    // The chosen model and its state stay in view, in the header.
    await expect(page.locator('edge-llm-app [data-model-title]')).toBeInViewport();
    await expect(page.locator('edge-llm-app [data-load-state]')).toHaveText('Ready');
    const text = await chat(page)
      .locator('edge-llm-transcript')
      .evaluate((element) => getComputedStyle(element).color);
    expect(text).toBe(scheme === 'dark' ? 'rgb(231, 233, 238)' : 'rgb(27, 30, 35)');
    await attachScreenshot(page, testInfo, `phone-${scheme}`);
    expect(await axeViolations(page)).toEqual([]);
  });

  test(`desktop, ${scheme}: two columns, the picker beside the chat; axe-core finds nothing`, async ({
    page,
    server,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(DESKTOP);
    await openAppWithDouble(page, server);
    await expect(sheet(page)).toHaveCount(0);
    await expect(page.locator('edge-llm-app button[data-action="open-sheet"]')).toHaveCount(0);
    const picker = await page.locator('edge-llm-app aside edge-llm-model-picker').boundingBox();
    const conversation = await chat(page).boundingBox();
    expect(picker!.x + picker!.width).toBeLessThanOrEqual(conversation!.x);
    await converse(page, 2);
    await expect(chat(page).locator('textarea[name="message"]')).toBeInViewport({ ratio: 1 });
    await attachScreenshot(page, testInfo, `desktop-${scheme}`);
    expect(await axeViolations(page)).toEqual([]);
  });
}

test('the sheet is a modal dialog: focus moves in, the page behind is inert, Escape closes it and focus returns', async ({
  page,
  server,
}) => {
  await page.setViewportSize(PHONE);
  await openAppWithDouble(page, server);
  const toggle = page.locator('edge-llm-app button[data-action="open-sheet"]');
  await expect(toggle).toHaveAttribute('aria-haspopup', 'dialog');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(sheet(page)).toHaveAttribute('open', '');
  await expect(sheet(page)).toHaveAttribute('aria-labelledby', 'sheet-heading');
  await expect(sheet(page).locator('button[data-action="close-sheet"]')).toBeFocused();
  // Behind a modal dialog the page is inert: the message box cannot take focus.
  await chat(page)
    .locator('textarea[name="message"]')
    .evaluate((element: HTMLElement) => element.focus());
  await expect(chat(page).locator('textarea[name="message"]')).not.toBeFocused();
  // Tab stays inside the sheet.
  for (let step = 0; step < 5; step += 1) await page.keyboard.press('Tab');
  expect(await sheet(page).evaluate((dialog) => dialog.matches(':has(:focus-visible), :focus-within'))).toBe(true);

  await page.keyboard.press('Escape');
  await expect(sheet(page)).not.toHaveAttribute('open', '');
  await expect(toggle).toBeFocused();

  // A model chosen in the sheet shows in the header once it closes.
  await toggle.click();
  await chooseModel(page, 'double-paced');
  await sheet(page).locator('button[data-action="close-sheet"]').click();
  await expect(page.locator('edge-llm-app [data-now]')).toContainText('double-paced');
  await expect(toggle).toBeFocused();
});

test('at 320 px nothing scrolls sideways, in the page or in the sheet', async ({ page, server }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openAppWithDouble(page, server);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.locator('edge-llm-app button[data-action="open-sheet"]').click();
  const widths = await sheet(page).evaluate((dialog) => [dialog.scrollWidth, dialog.clientWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});

test('every control on the phone is a touch target of at least 44 px, in the page and in the sheet', async ({
  page,
  server,
}) => {
  await page.setViewportSize(PHONE);
  await openAppWithDouble(page, server);
  const small = () =>
    page.evaluate(() => {
      const found: string[] = [];
      const visit = (root: Document | ShadowRoot) => {
        for (const element of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
          if (element.shadowRoot) visit(element.shadowRoot);
          if (!element.matches('button, select, textarea, input, summary')) continue;
          // A checkbox or radio is tapped through its label.
          const target =
            element.matches('input[type="checkbox"], input[type="radio"]') && element.closest('label')
              ? element.closest('label')!
              : element;
          const box = target.getBoundingClientRect();
          if (box.width === 0 || box.height === 0 || target.closest('dialog:not([open])')) continue;
          if (box.height < 44 || box.width < 44) {
            found.push(
              `${element.tagName.toLowerCase()}[${element.getAttribute('name') ?? element.textContent?.trim().slice(0, 20)}] ${Math.round(box.width)}x${Math.round(box.height)}`,
            );
          }
        }
      };
      visit(document);
      return found;
    });
  expect(await small()).toEqual([]);
  await page.locator('edge-llm-app button[data-action="open-sheet"]').click();
  await expect(sheet(page)).toHaveAttribute('open', '');
  expect(await small()).toEqual([]);
});
