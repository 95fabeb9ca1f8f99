/**
 * `<edge-llm-chat>` embedded in a host page on another origin, from the library build
 * (dist/lib), chatting with the tiny generated model through the real transformers.js engine.
 */
import type { Page } from '@playwright/test';
import axe from 'axe-core';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, ensureFixtures } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import type * as EdgeLlm from '../../src/lib.ts';
import { expect, test } from './test.ts';

const DIST_DIR = join(import.meta.dirname, '..', '..', 'dist');

let library: StaticServer;
let host: StaticServer;
let hostDir: string;

test.beforeAll(async () => {
  ensureFixtures();
  // A second model: the tiny model under another folder name.
  const second = join(FIXTURES_DIR, 'onnx-tiny-b');
  if (existsSync(second)) rmSync(second, { recursive: true });
  cpSync(join(FIXTURES_DIR, 'onnx-tiny'), second, { recursive: true });
  // Origin A serves the library and the models with CORS; origin B is the host site.
  library = await startStaticServer({
    // /lib-copy/ is the same build at another URL: a second copy of the library, chunks and all,
    // as when two sites' scripts bring their own.
    roots: { '/': DIST_DIR, '/lib-copy/': join(DIST_DIR, 'lib'), '/fixtures/': FIXTURES_DIR },
    cors: true,
  });
  hostDir = mkdtempSync(join(tmpdir(), 'edge-llm-host-'));
  host = await startStaticServer({ roots: { '/': hostDir }, host: 'localhost' });
});

test.afterAll(async () => {
  await library.close();
  await host.close();
  rmSync(hostDir, { recursive: true, force: true });
});

function model(folder = 'onnx-tiny') {
  return `${library.url}/fixtures/${folder}@fp32`;
}

/** Writes a host page on origin B that loads edge-llm.js from origin A. */
function hostPage(name: string, body: string, csp?: string): string {
  writeFileSync(
    join(hostDir, `${name}.html`),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A host page</title>
    ${csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}" />` : ''}
    <script type="module" src="${library.url}/lib/edge-llm.js"></script>
  </head>
  <body>
    <main>
      <h1>A site that embeds edge-llm</h1>
      ${body}
    </main>
  </body>
</html>`,
  );
  return `${host.url}/${name}.html`;
}

function chatElement(id: string, folder = 'onnx-tiny', extra = '') {
  return `<edge-llm-chat id="${id}" engine="transformers" model="${model(folder)}" max-tokens="6" temperature="0" ${extra}></edge-llm-chat>`;
}

/** GET requests origin A served for a path (the engine also sends HEAD requests to check files). */
const requestsTo = (pattern: RegExp) =>
  library.requests.filter((request) => request.method === 'GET' && pattern.test(request.path)).length;

async function recordEvents(page: Page, id: string) {
  await page.evaluate((elementId) => {
    const element = document.getElementById(elementId)!;
    const log: { type: string; detail: unknown }[] = [];
    (element as unknown as { eventLog: typeof log }).eventLog = log;
    for (const type of ['edge-llm-progress', 'edge-llm-ready', 'edge-llm-token', 'edge-llm-done', 'edge-llm-error']) {
      element.addEventListener(type, (event) => log.push({ type, detail: (event as CustomEvent).detail }));
    }
  }, id);
}

test('a host page on another origin embeds the element and chats; events arrive in order with their details', async ({
  page,
}) => {
  const url = hostPage('basic', chatElement('one'));
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  await recordEvents(page, 'one');
  const stats = await page.evaluate(async () => {
    const element = document.getElementById('one') as HTMLElement & { send(text: string): Promise<unknown> };
    return element.send('Hello from another origin.');
  });
  expect(stats).toMatchObject({ outputTokens: 6, finishReason: 'length' });
  const log = await page.evaluate(
    () => (document.getElementById('one') as unknown as { eventLog: { type: string; detail: unknown }[] }).eventLog,
  );
  const types = log.map((entry) => entry.type);
  const ready = types.indexOf('edge-llm-ready');
  const done = types.indexOf('edge-llm-done');
  expect(types[0]).toBe('edge-llm-progress');
  expect(ready).toBeGreaterThan(0);
  expect(types.slice(0, ready).every((type) => type === 'edge-llm-progress')).toBe(true);
  expect(types.slice(ready + 1, done).length).toBeGreaterThan(0);
  expect(types.slice(ready + 1, done).every((type) => type === 'edge-llm-token')).toBe(true);
  expect(done).toBe(types.length - 1);
  expect(log[ready]!.detail).toMatchObject({ modelId: model(), engine: 'transformers' });
  const doneDetail = log[done]!.detail as Record<string, unknown>;
  for (const key of [
    'ttftMs',
    'prefillTokensPerSecond',
    'decodeTokensPerSecond',
    'promptTokens',
    'outputTokens',
    'gpuMemoryPeakBytes',
  ]) {
    expect(typeof doneDetail[key], key).toBe('number');
  }
  expect(doneDetail.gpuMemoryPeakBytes as number).toBeGreaterThan(0);
  // The library, its worker and the engine came from origin A; the page is on origin B.
  expect(new URL(page.url()).origin).not.toBe(library.url);
  expect(requestsTo(/^\/lib\/assets\/engine\.worker-.*\.js$/)).toBeGreaterThan(0);
  // The reply shows as Markdown: the renderer's chunk came from origin A too.
  await expect(page.locator('#one').locator('article[data-role="assistant"] .text.markdown')).toHaveCount(1);
  expect(requestsTo(/^\/lib\/assets\/markdown-view-.*\.js$/)).toBe(1);
});

test('a chat with persist reports its own load that the tab never finished, and only its own', async ({
  page,
  context,
}) => {
  const url = hostPage(
    'crash',
    chatElement('support', 'onnx-tiny', 'persist storage-key="support"') +
      chatElement('sales', 'onnx-tiny-b', 'persist storage-key="sales"'),
  );
  await page.goto(url);
  // The model's host goes quiet mid-file: the load is still downloading when the tab dies.
  const stalled = library.stallNext({ path: '/fixtures/onnx-tiny/onnx/model.onnx', afterBytes: 4096 });
  await page.locator('#support button[data-action="load"]').click();
  await stalled;
  const markers = await page.evaluate(() => Object.values(JSON.parse(localStorage.getItem('edge-llm:run-intents')!)));
  expect(markers).toMatchObject([{ kind: 'load', model: model(), owner: 'support' }]);
  await page.close({ runBeforeUnload: false });

  const next = await context.newPage();
  await next.goto(url);
  const notice = next.locator('#support edge-llm-crash-notice [part="notice"]');
  await expect(notice).toBeVisible();
  await expect(notice.locator('h2')).toHaveText('The last visit ended while onnx-tiny (fp32) was loading');
  await expect(notice.locator('.message')).toContainText('less than a minute ago while downloading onnx-tiny (fp32)');
  await expect(next.locator('#sales edge-llm-crash-notice')).toHaveCount(0);

  const dismiss = notice.locator('button[data-action="dismiss"]');
  await dismiss.focus();
  await next.keyboard.press('Enter');
  await expect(next.locator('#support edge-llm-crash-notice')).toHaveCount(0);
  expect(await next.evaluate(() => localStorage.getItem('edge-llm:run-intents'))).toBeNull();
  await next.reload();
  await expect(next.locator('#support button[data-action="load"]')).toBeVisible();
  await next.waitForTimeout(1000);
  await expect(next.locator('edge-llm-crash-notice')).toHaveCount(0);
});

test("one chat's element cannot read, open, rename or delete another storage-key's saved conversation", async ({
  page,
}) => {
  const url = hostPage(
    'keys',
    chatElement('support', 'onnx-tiny', 'persist storage-key="support"') +
      chatElement('sales', 'onnx-tiny', 'persist storage-key="sales"'),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  const outcome = await page.evaluate(async () => {
    interface Chat extends HTMLElement {
      send(text: string): Promise<unknown>;
      conversationId: string | undefined;
      conversations: readonly { id: string; title: string }[];
      exportConversation(format: 'json', id?: string): Promise<{ text: string }>;
      openConversation(id: string): Promise<void>;
      renameConversation(id: string, title: string): Promise<void>;
      deleteConversation(id: string): Promise<void>;
    }
    const support = document.getElementById('support') as Chat;
    const sales = document.getElementById('sales') as Chat;
    await support.send('My account number is 12345.');
    while (!support.conversationId) await new Promise((resolve) => setTimeout(resolve, 50));
    const id = support.conversationId;
    const attempt = (run: () => Promise<unknown>) =>
      run().then(
        () => 'done',
        (error: Error) => `refused: ${error.message}`,
      );
    const attempts = {
      export: await attempt(() => sales.exportConversation('json', id)),
      open: await attempt(() => sales.openConversation(id)),
      crafted: await attempt(() => sales.exportConversation('json', `../support/${id}`)),
      rename: await attempt(() => sales.renameConversation(id, 'Renamed by another chat')),
      remove: await attempt(() => sales.deleteConversation(id)),
    };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const kept = await support.exportConversation('json', id);
    return {
      id,
      attempts,
      salesList: sales.conversations.map((entry) => entry.id),
      salesOpen: sales.conversationId ?? null,
      supportList: support.conversations.map((entry) => entry.title),
      kept: kept.text,
    };
  });
  expect(outcome.attempts.export).toBe('refused: There is no saved conversation to export yet: send a message first.');
  expect(outcome.attempts.open).toBe(`refused: There is no saved conversation "${outcome.id}".`);
  expect(outcome.attempts.crafted).toMatch(/^refused: /);
  expect(outcome.salesList).toEqual([]);
  expect(outcome.salesOpen).toBeNull();
  // Renaming and deleting under "sales" touched nothing of "support".
  expect(outcome.supportList).toEqual(['My account number is 12345.']);
  expect(outcome.kept).toContain('My account number is 12345.');
});

test("leaseModel generates without an element, on the chat's worker and its loaded model", async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(hostPage('lease', chatElement('chat', 'onnx-tiny', 'autoload')));
  await expect(page.locator('#chat [role="status"]')).toContainText('ready', { timeout: 60_000 });
  const loads = requestsTo(/^\/fixtures\/onnx-tiny\/onnx\/model\.onnx$/);
  const result = await page.evaluate(
    async ({ libraryUrl, model }) => {
      const { leaseModel } = (await import(`${libraryUrl}/lib/edge-llm.js`)) as typeof EdgeLlm;
      const lease = leaseModel({ engine: 'transformers', model, device: 'webgpu' });
      const loadedAlready = lease.loaded;
      const batches: string[] = [];
      const stats = await lease.generate(
        { messages: [{ role: 'user', content: 'Hello without a UI.' }], maxTokens: 5, temperature: 0 },
        (batch) => batches.push(batch.text),
      );
      lease.release();
      return { loadedAlready, outputTokens: stats.outputTokens, text: batches.join('') };
    },
    { libraryUrl: library.url, model: model() },
  );
  expect(result.loadedAlready).toBe(true);
  expect(result.outputTokens).toBe(5);
  expect(result.text.length).toBeGreaterThan(0);
  // No second worker and no second download: the lease used what the chat had loaded.
  expect(workers).toHaveLength(1);
  expect(requestsTo(/^\/fixtures\/onnx-tiny\/onnx\/model\.onnx$/)).toBe(loads);
  // The chat still answers from the same model after the lease let go.
  const stats = await page.evaluate(() =>
    (document.getElementById('chat') as HTMLElement & { send(text: string): Promise<{ outputTokens: number }> }).send(
      'And with one.',
    ),
  );
  expect(stats.outputTokens).toBe(6);
});

test('two elements with one model share one worker and one load; a third model loads separately', async ({
  page,
  browser,
}) => {
  const modelFile = /^\/fixtures\/onnx-tiny\/onnx\/model\.onnx$/;
  const workerScript = /^\/lib\/assets\/engine\.worker-.*\.js$/;
  // What one element alone costs, in a context of its own so that nothing is cached
  // (transformers.js itself reads the model file more than once).
  let before = [requestsTo(modelFile), requestsTo(workerScript)];
  const alone = await browser.newContext();
  const alonePage = await alone.newPage();
  await alonePage.goto(hostPage('single', chatElement('alone', 'onnx-tiny', 'autoload')));
  await expect(alonePage.locator('#alone [role="status"]')).toContainText('ready', { timeout: 60_000 });
  const single = [requestsTo(modelFile) - before[0]!, requestsTo(workerScript) - before[1]!];
  await alone.close();
  expect(single[1]).toBe(1);

  const url = hostPage(
    'shared',
    [
      chatElement('first', 'onnx-tiny', 'autoload'),
      chatElement('second', 'onnx-tiny', 'autoload'),
      chatElement('third', 'onnx-tiny-b'),
    ].join('\n'),
  );
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  before = [requestsTo(modelFile), requestsTo(workerScript)];
  await page.goto(url);
  for (const id of ['first', 'second']) {
    await expect(page.locator(`#${id} [role="status"]`)).toContainText('ready', { timeout: 60_000 });
  }
  // Two elements cost what one does: one worker, one load of the model.
  expect([requestsTo(modelFile) - before[0]!, requestsTo(workerScript) - before[1]!]).toEqual(single);
  expect(workers).toHaveLength(1);

  // Both answer, one after the other, from the one loaded model.
  const [a, b] = await page.evaluate(async () => {
    const send = (id: string) =>
      (document.getElementById(id) as HTMLElement & { send(text: string): Promise<{ outputTokens: number }> }).send(
        'Hi',
      );
    return Promise.all([send('first'), send('second')]);
  });
  expect(a.outputTokens).toBe(6);
  expect(b.outputTokens).toBe(6);

  await page.locator('#third button[data-action="load"]').click();
  await expect(page.locator('#third [role="status"]')).toContainText('ready', { timeout: 60_000 });
  expect(requestsTo(/^\/fixtures\/onnx-tiny-b\/onnx\/model\.onnx$/)).toBe(single[0]);
  expect(workers).toHaveLength(2);
  // Each model's stats are its own worker's: the third element measures its own GPU memory.
  await expect(page.locator('#third edge-llm-stats [data-stat="gpu-memory"] dd')).not.toContainText(/^\s*0 B \//);
});

const GOOD_CSP = (origin: string) =>
  `default-src 'self'; script-src 'self' ${origin} 'wasm-unsafe-eval'; worker-src blob: ${origin}; connect-src ${origin}; img-src 'self' data:`;

test('with the documented Content-Security-Policy the element works', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(hostPage('csp-good', chatElement('csp'), GOOD_CSP(library.url)));
  const stats = await page.evaluate(() =>
    (document.getElementById('csp') as HTMLElement & { send(text: string): Promise<{ outputTokens: number }> }).send(
      'Hi',
    ),
  );
  expect(stats.outputTokens).toBe(6);
  expect(violations).toEqual([]);
});

test("without 'wasm-unsafe-eval' the element fails with a specific edge-llm-error", async ({ page }) => {
  const csp = GOOD_CSP(library.url).replace(" 'wasm-unsafe-eval'", '');
  await page.goto(hostPage('csp-bad', chatElement('blocked'), csp));
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  await recordEvents(page, 'blocked');
  await page.locator('#blocked button[data-action="load"]').click();
  await expect(page.locator('#blocked edge-llm-error-panel [role="alert"]')).toHaveAttribute(
    'data-code',
    'csp-blocked',
    {
      timeout: 60_000,
    },
  );
  const errors = await page.evaluate(() =>
    (
      document.getElementById('blocked') as unknown as {
        eventLog: { type: string; detail: { code: string; message: string } }[];
      }
    ).eventLog.filter((entry) => entry.type === 'edge-llm-error'),
  );
  expect(errors.at(-1)?.detail.code).toBe('csp-blocked');
  expect(errors.at(-1)?.detail.message).toContain("'wasm-unsafe-eval'");
});

test('keyboard-only use works in a host page, and axe-core finds no violations in the element', async ({ page }) => {
  await page.goto(hostPage('keyboard', chatElement('keys')));
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  // Tab from the top of the page to the message box, through the element's own controls.
  let reached = false;
  for (let step = 0; step < 12 && !reached; step += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.getAttribute('name') === 'message';
    });
  }
  expect(reached).toBe(true);
  await page.keyboard.type('Typed with keys only');
  await page.keyboard.press('Enter');
  await expect(page.locator('#keys edge-llm-transcript article[data-role="assistant"] .meta')).toContainText(
    '6 tokens',
    {
      timeout: 60_000,
    },
  );

  await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run('#keys');
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
  expect(violations).toEqual([]);
});

test('theming reaches in only through custom properties, parts and the slot; no CSS leaks either way', async ({
  page,
}) => {
  const url = hostPage(
    'themed',
    `<style>
      button { background: rgb(255, 255, 0); }
      edge-llm-chat.themed { --edge-llm-accent: rgb(200, 0, 0); }
      edge-llm-chat.themed::part(input) { border-color: rgb(0, 128, 0); }
    </style>
    <button id="host-button" type="button">A host button</button>
    ${chatElement('themed', 'onnx-tiny', 'class="themed"').replace('></edge-llm-chat>', '><p slot="empty">Ask our on-device assistant</p></edge-llm-chat>')}`,
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('edge-llm-chat') !== undefined);
  const chat = page.locator('#themed');
  await expect(chat.locator('[part="send-button"]')).toHaveCSS('background-color', 'rgb(200, 0, 0)');
  await expect(chat.locator('[part="input"]')).toHaveCSS('border-top-color', 'rgb(0, 128, 0)');
  await expect(page.getByText('Ask our on-device assistant')).toBeVisible();
  // The host's global button rule stays outside; the element's rules stay inside.
  await expect(chat.locator('button[data-action="new-conversation"]')).not.toHaveCSS(
    'background-color',
    'rgb(255, 255, 0)',
  );
  await expect(page.locator('#host-button')).toHaveCSS('background-color', 'rgb(255, 255, 0)');
  const documentSheets = await page.evaluate(() => document.styleSheets.length + document.adoptedStyleSheets.length);
  expect(documentSheets).toBe(1);
});

test('a second copy of the library on the page warns and keeps the first definition', async ({ page }) => {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  const url = hostPage(
    'twice',
    `<script type="module" src="${library.url}/lib-copy/edge-llm.js"></script>${chatElement('twice')}`,
  );
  await page.goto(url);
  await expect(page.locator('#twice [role="status"]')).toContainText('Not loaded');
  await expect.poll(() => warnings.some((text) => text.includes('<edge-llm-chat> is already defined'))).toBe(true);
  expect(errors).toEqual([]);
});
