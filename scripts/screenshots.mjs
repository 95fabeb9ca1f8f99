#!/usr/bin/env node
/**
 * Screenshots of every screen of the built app, for a person to look at: the main view as a new
 * visitor sees it, the sheet (top, middle, bottom), a conversation, the benchmark and evaluation
 * views, and the main view of a browser without WebGPU; on a phone (390 x 844) and a desktop
 * (1280 x 900), light and dark, in headless Chromium. The conversation uses the engine double (`?engine=double`): no model download.
 *
 * Reproduce: npm run screenshots        (builds first; PNGs in screenshots/, git-ignored)
 *            node scripts/screenshots.mjs --out /tmp/shots
 */
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { startStaticServer } from './static-server.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'screenshots' } } });
const OUT = values.out;
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];
const SCHEMES = ['light', 'dark'];

/** Waits until the app has listed models and chosen one (its title is in the header). */
async function appReady(page) {
  await page.locator('edge-llm-app [data-model-title]').waitFor({ timeout: 30_000 });
  await page.locator('edge-llm-model-picker li.row').first().waitFor({ state: 'attached' });
}

async function shoot(page, name, options = {}) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, ...options });
  console.log(path);
}

async function sheetShots(page, tag) {
  await page.locator('edge-llm-app button[data-action="open-sheet"]').click();
  const sheet = page.locator('edge-llm-app dialog.sheet');
  await sheet.locator('edge-llm-model-picker li.row').first().waitFor();
  await shoot(page, `${tag}-sheet-top`);
  const positions = {
    middle: (d) => (d.scrollTop = d.scrollHeight / 2 - d.clientHeight / 2),
    bottom: (d) => (d.scrollTop = d.scrollHeight),
  };
  for (const [where, scroll] of Object.entries(positions)) {
    await sheet.evaluate(scroll);
    await shoot(page, `${tag}-sheet-${where}`);
  }
  await sheet.locator('button[data-action="close-sheet"]').click();
}

/** A short conversation with the double, then the keyboard focus on the message box. */
async function converse(page) {
  const chat = page.locator('edge-llm-chat');
  await page.locator('edge-llm-model-picker li.row[data-model-key="double-timed"]').waitFor({ state: 'attached' });
  await page.evaluate(() => document.querySelector('edge-llm-app').catalog.select('double-timed', 'double'));
  await chat.locator('button[data-action="load"]').click();
  await chat.locator('[role="status"]', { hasText: 'double-timed ready' }).waitFor();
  const replies = [
    'echo: **Markdown** in a reply: a list\n\n- one\n- two\n\nand `inline code`.',
    'echo: A longer message, so the transcript fills the screen and wraps over several lines on a phone.',
  ];
  for (const message of replies) {
    await chat.locator('textarea[name="message"]').fill(message);
    await chat.locator('textarea[name="message"]').press('Enter');
    await chat
      .locator('edge-llm-transcript article[data-role="assistant"][aria-busy="false"]')
      .nth(replies.indexOf(message))
      .waitFor();
  }
  await page.keyboard.press('Tab');
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const server = await startStaticServer({ roots: { '/': 'dist' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  // A host that is not localhost is not a secure context: no navigator.gpu, as in a browser without WebGPU.
  const noWebGpu = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP edge-llm.test 127.0.0.1'],
  });
  try {
    for (const scheme of SCHEMES) {
      for (const size of SIZES) {
        const tag = `${size.name}-${scheme}`;
        const context = await browser.newContext({
          viewport: { width: size.width, height: size.height },
          colorScheme: scheme,
          serviceWorkers: 'block',
        });
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await appReady(page);
        await shoot(page, `${tag}-main`);
        if (size.name === 'phone') await sheetShots(page, tag);
        else await shoot(page, `${tag}-main-full`, { fullPage: true });

        await page.locator('edge-llm-app button[data-view="bench"]').click();
        await page.locator('edge-llm-app edge-llm-bench').waitFor();
        await shoot(page, `${tag}-bench`, { fullPage: true });

        await page.goto(`${server.url}/?engine=double`);
        await appReady(page);
        await converse(page);
        await shoot(page, `${tag}-chat`);

        await page.locator('edge-llm-app button[data-view="eval"]').click();
        await page.locator('edge-llm-app edge-llm-eval').waitFor();
        await shoot(page, `${tag}-eval`, { fullPage: true });
        await context.close();

        const plain = await noWebGpu.newContext({
          viewport: { width: size.width, height: size.height },
          colorScheme: scheme,
        });
        const insecure = await plain.newPage();
        await insecure.goto(`${server.url.replace('127.0.0.1', 'edge-llm.test')}/`);
        await appReady(insecure);
        await insecure.locator('edge-llm-app [data-notice]').waitFor();
        await shoot(insecure, `${tag}-no-webgpu`);
        await plain.close();
      }
    }
  } finally {
    await browser.close();
    await noWebGpu.close();
    await server.close();
  }
}

await main();
