/**
 * Replies as Markdown in the built app, through the real worker and the engine double: every
 * element the renderer makes, its Copy button, plain text while the renderer's code loads, and a
 * corpus of hostile replies that must run nothing and load nothing, streamed token by token and
 * restored all at once.
 */
import type { Page } from '@playwright/test';
import axe from 'axe-core';
import { HOSTILE_REPLIES, type HostileReply } from '../support/hostile-markdown.ts';
import { chooseModel, expect, openAppWithDouble, test } from './test.ts';

// The renderer must be safe on its own, not because the app's Content-Security-Policy blocks
// what a mistake would let through: the hostile replies are checked with the policy bypassed
// (which the detectors' control probe, an inline handler, needs as well).
test.use({ bypassCSP: true });

const chat = (page: Page) => page.locator('edge-llm-chat');
const transcript = (page: Page) => chat(page).locator('edge-llm-transcript');
const lastReply = (page: Page) => transcript(page).locator('article[data-role="assistant"]').last();

async function loadDouble(page: Page, modelId: string) {
  await chooseModel(page, modelId);
  await chat(page).locator('button[data-action="load"]').click();
  await expect(chat(page).locator('[role="status"]')).toContainText(`${modelId} ready`);
}

/** Sends a message and waits until its reply has finished streaming. */
async function exchange(page: Page, text: string) {
  const replies = await transcript(page).locator('article[data-role="assistant"]').count();
  const input = chat(page).locator('textarea[name="message"]');
  await input.fill(text);
  await input.press('Enter');
  await expect(transcript(page).locator('article[data-role="assistant"]')).toHaveCount(replies + 1);
  await expect(lastReply(page)).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
}

const FEATURES = `# Release notes

Plain text with **bold**, *emphasis*, ~~removed~~, \`inline code\`, [a link](https://example.com/docs "The docs") and <https://example.org/auto>.
Line two of the same paragraph.

- first item
- second item
  1. nested step

> A quoted line.

### Settings

| Name | Size |
| :--- | ---: |
| tiny | 1 MB |

- [x] shipped

\`\`\`python
print("copied <b>as text</b>")
\`\`\`

---
`;

test('a reply shows Markdown, built element by element; your own message stays as typed', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  await exchange(page, `echo: ${FEATURES}`);

  const reply = lastReply(page).locator('.text.markdown');
  await expect(reply.locator('h1')).toHaveText('Release notes');
  await expect(reply.locator('h3')).toHaveText('Settings');
  await expect(reply.locator('p strong')).toHaveText('bold');
  await expect(reply.locator('p em')).toHaveText('emphasis');
  await expect(reply.locator('p del')).toHaveText('removed');
  await expect(reply.locator('p > code')).toHaveText('inline code');
  await expect(reply.locator('p br')).toHaveCount(1);
  const link = reply.locator('a', { hasText: 'a link' });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('title', 'The docs');
  await expect(reply.locator('a', { hasText: 'https://example.org/auto' })).toHaveAttribute(
    'href',
    'https://example.org/auto',
  );
  await expect(reply.locator('ul').first().locator(':scope > li')).toHaveCount(2);
  await expect(reply.locator('ul li ol li')).toHaveText('nested step');
  await expect(reply.locator('blockquote')).toHaveText('A quoted line.');
  await expect(reply.locator('th.align-left')).toHaveText('Name');
  await expect(reply.locator('td.align-right')).toHaveText('1 MB');
  await expect(reply.locator('li input[type="checkbox"]')).toBeChecked();
  await expect(reply.locator('li input[type="checkbox"]')).toBeDisabled();
  await expect(reply.locator('hr')).toHaveCount(1);

  const block = reply.locator('.code-block');
  await expect(block.locator('.code-lang')).toHaveText('python');
  await expect(block.locator('code')).toHaveAttribute('data-lang', 'python');
  await expect(block.locator('code')).toHaveText('print("copied <b>as text</b>")');
  await expect(block.locator('code b')).toHaveCount(0);
  await expect(block.getByRole('button', { name: 'Copy python code' })).toHaveText('Copy');

  // Your own message: no Markdown, white space kept.
  await exchange(page, 'echo: **not bold**\n  indented');
  const mine = transcript(page).locator('article[data-role="user"]').last();
  await expect(mine.locator('strong')).toHaveCount(0);
  await expect(mine.locator('.text')).toHaveText('echo: **not bold**\n  indented', { useInnerText: true });
  await expect(lastReply(page).locator('strong')).toHaveText('not bold');
});

/** axe-core's violations in the last reply, in the page's theme as it is now. */
async function replyViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's Content-Security-Policy refuses inline script.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run({
      include: [
        ['edge-llm-app', 'edge-llm-chat', 'edge-llm-transcript', 'article[data-role="assistant"]:last-of-type'],
      ],
    });
    return result.violations.map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  });
}

test('axe-core finds no violations in a Markdown reply, in the default and a dark theme', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  await exchange(page, `echo: ${FEATURES}`);
  await expect(lastReply(page).locator('.code-block')).toBeVisible();
  expect(await replyViolations(page)).toEqual([]);

  // A dark theme set the way a host or a dark mode would: through the custom properties only.
  await page.locator('edge-llm-app').evaluate((app) => {
    const dark: Record<string, string> = {
      '--edge-llm-background': '#14161a',
      '--edge-llm-surface': '#1f2329',
      '--edge-llm-text': '#e8eaed',
      '--edge-llm-muted': '#a6adb8',
      '--edge-llm-border': '#3b414b',
      '--edge-llm-accent': '#8ab4f8',
      '--edge-llm-accent-text': '#0b1220',
    };
    for (const [name, value] of Object.entries(dark)) (app as HTMLElement).style.setProperty(name, value);
  });
  const code = lastReply(page).locator('.code-block');
  await expect(code).toHaveCSS('background-color', 'rgb(20, 22, 26)');
  await expect(lastReply(page).locator('a').first()).toHaveCSS('color', 'rgb(138, 180, 248)');
  expect(await replyViolations(page)).toEqual([]);
});

test('a link whose definition comes later in the reply becomes a link once it arrives', async ({ page, server }) => {
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-timed');
  await exchange(page, 'echo: warm **up**');
  await expect(lastReply(page).locator('strong')).toHaveText('up');
  // Watches every frame: before the definition arrives, the reference shows as the text it is.
  await page.evaluate(() => {
    const transcript = document
      .querySelector('edge-llm-app')!
      .shadowRoot!.querySelector('edge-llm-chat')!
      .shadowRoot!.querySelector('edge-llm-transcript')!.shadowRoot!;
    const watch = () => {
      const reply = transcript.querySelector('article[data-role="assistant"]:last-of-type .text.markdown');
      if (reply?.textContent?.includes('[the paper][1] shows.')) (window as { sawLiteral?: boolean }).sawLiteral = true;
      requestAnimationFrame(watch);
    };
    watch();
  });
  await exchange(page, 'echo: As [the paper][1] shows.\n\nMore text.\n\n[1]: https://example.com/paper');
  expect(await page.evaluate(() => (window as { sawLiteral?: boolean }).sawLiteral)).toBe(true);
  const link = lastReply(page).locator('a', { hasText: 'the paper' });
  await expect(link).toHaveAttribute('href', 'https://example.com/paper');
  await expect(lastReply(page).locator('.text')).not.toContainText('[1]');
});

test('on a 320 px screen, long code lines and wide tables scroll inside the reply, and long words wrap', async ({
  page,
  server,
}) => {
  await page.setViewportSize({ width: 320, height: 700 });
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  const longLine = `const url = "https://example.com/${'segment/'.repeat(20)}";`;
  const wideRow = `| ${Array.from({ length: 12 }, (_, index) => `column ${index}`).join(' | ')} |`;
  const divider = `|${' --- |'.repeat(12)}`;
  await exchange(
    page,
    `echo: https://example.com/${'a'.repeat(120)}\n\n\`\`\`js\n${longLine}\n\`\`\`\n\n${wideRow}\n${divider}\n${wideRow}`,
  );
  const reply = lastReply(page);
  const sizes = await reply.evaluate((article) => {
    const overflow = (element: Element | null) => (element ? element.scrollWidth - element.clientWidth : -1);
    return {
      article: overflow(article),
      pre: overflow(article.querySelector('pre')),
      table: overflow(article.querySelector('.table-scroll')),
    };
  });
  // Nothing sticks out of the reply's bubble.
  expect(sizes.article).toBeLessThanOrEqual(0);
  expect(sizes.pre).toBeGreaterThan(0);
  expect(sizes.table).toBeGreaterThan(0);
  // What scrolls can be scrolled from the keyboard.
  await expect(reply.locator('pre')).toHaveAttribute('tabindex', '0');
  await expect(reply.locator('.table-scroll')).toHaveAttribute('tabindex', '0');
});

test('the Copy button copies a code block from the mouse or the keyboard, and says so', async ({
  page,
  server,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  await exchange(page, 'echo: Two blocks:\n\n```sh\nnpm ci\n```\n\n```\nplain <i>text</i>\n```');
  // The code blocks' buttons, not the Copy under the whole reply.
  const buttons = lastReply(page).locator('.text').getByRole('button', { name: /^Copy/ });
  await expect(buttons).toHaveCount(2);
  await expect(buttons.nth(1)).toHaveAccessibleName('Copy code');

  await buttons.first().click();
  await expect(buttons.first()).toHaveText('Copied');
  await expect(lastReply(page).locator('.copy-status').first()).toHaveText('Code copied to the clipboard.');
  await expect(lastReply(page).locator('.copy-status').first()).toHaveAttribute('role', 'status');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npm ci');

  await buttons.nth(1).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('plain <i>text</i>');
  // The keyboard focus is drawn.
  await buttons.nth(1).press('Tab');
  await page.keyboard.press('Shift+Tab');
  const outline = await buttons.nth(1).evaluate((button) => getComputedStyle(button).outlineStyle);
  expect(outline).toBe('solid');
  // "Copied" goes back to "Copy".
  await expect(buttons.first()).toHaveText('Copy', { timeout: 5_000 });
});

test('while the Markdown code loads the reply shows as plain text, and a failed load leaves it plain until the next reply', async ({
  page,
  server,
}) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let attempts = 0;
  await page.route(/markdown-view-[\w-]+\.js$/, async (route) => {
    attempts += 1;
    if (attempts === 1) await route.abort();
    else {
      await held;
      await route.continue();
    }
  });
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');

  await exchange(page, 'echo: first **reply**');
  await expect(lastReply(page).locator('.text')).toHaveText('first **reply**');
  await expect(lastReply(page).locator('strong')).toHaveCount(0);

  await exchange(page, 'echo: second *reply*');
  // The code is on its way (held): both replies show their text as it came.
  await expect(lastReply(page).locator('.text')).toHaveText('second *reply*');
  release();
  await expect(lastReply(page).locator('em')).toHaveText('reply');
  await expect(transcript(page).locator('article[data-role="assistant"]').first().locator('strong')).toHaveText(
    'reply',
  );
  expect(attempts).toBe(2);
});

const ALLOWED_TAGS = new Set(
  'DIV SPAN P H1 H2 H3 H4 H5 H6 UL OL LI BLOCKQUOTE PRE CODE EM STRONG DEL A BR HR TABLE THEAD TBODY TR TH TD INPUT BUTTON'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES = new Set(
  'class href target rel title start type disabled checked data-lang aria-label tabindex role'.split(' '),
);

/**
 * Watches everything the transcript ever holds, while it streams: any element or attribute
 * outside the renderer's allow-list is recorded in `window.__markdownViolations`.
 */
async function watchTranscript(page: Page, allowedTags: Set<string>, allowedAttributes: Set<string>) {
  await page.evaluate(
    ({ tags, attributes }) => {
      const violations: string[] = [];
      (window as unknown as { __markdownViolations: string[] }).__markdownViolations = violations;
      const check = (element: Element) => {
        if (!element.closest('.text')) return;
        if (!tags.includes(element.tagName)) violations.push(`element ${element.tagName}`);
        for (const { name, value } of Array.from(element.attributes)) {
          if (!attributes.includes(name)) violations.push(`attribute ${name}="${value}" on ${element.tagName}`);
        }
        if (element instanceof HTMLAnchorElement && !/^(https?|mailto):/.test(element.href))
          violations.push(`link to ${element.href}`);
      };
      const root = document
        .querySelector('edge-llm-app')!
        .shadowRoot!.querySelector('edge-llm-chat')!
        .shadowRoot!.querySelector('edge-llm-transcript')!.shadowRoot!;
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes' && record.target instanceof Element) check(record.target);
          for (const added of Array.from(record.addedNodes)) {
            if (!(added instanceof Element)) continue;
            check(added);
            for (const inner of Array.from(added.querySelectorAll('*'))) check(inner);
          }
        }
      }).observe(root, { subtree: true, childList: true, attributes: true });
    },
    { tags: [...allowedTags], attributes: [...allowedAttributes] },
  );
}

/** Records every request the page and its workers make from now on. */
async function recordRequests(page: Page): Promise<string[]> {
  const requests: string[] = [];
  await page.context().route('**/*', async (route) => {
    requests.push(route.request().url());
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') await route.continue();
    else await route.abort();
  });
  return requests;
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
const hostileRequest = (url: string) => /pwned|attacker\.invalid/.test(url);

async function expectSafeTranscript(page: Page) {
  const rendered = transcript(page).locator('.text');
  await expect(
    rendered.locator(
      'img, script, iframe, object, embed, svg, math, style, link, meta, video, audio, source, picture, form, base, template, noscript, details',
    ),
  ).toHaveCount(0);
  await expect(rendered.locator('a a')).toHaveCount(0);
  for (const link of await rendered.locator('a').all()) {
    await expect(link).toHaveAttribute('href', /^(https?|mailto):/);
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  }
}

async function expectVisible(page: Page, reply: HostileReply, article = lastReply(page)) {
  await expect(article).toBeVisible();
  for (const text of reply.visible) await expect(article.locator('.text')).toContainText(text);
}

test('the request guard, the flag and the transcript watch catch what they are for (the detectors work)', async ({
  page,
  server,
}) => {
  const requests = await recordRequests(page);
  await openAppWithDouble(page, server);
  await loadDouble(page, 'double-flood');
  await exchange(page, 'echo: hello');
  await watchTranscript(page, ALLOWED_TAGS, ALLOWED_ATTRIBUTES);
  await lastReply(page)
    .locator('.text')
    .evaluate((reply) => {
      const probe = document.createElement('span');
      // The one place a hostile string is parsed as HTML: to prove the detectors would notice.
      probe.innerHTML = '<img src="/pwned-control.png" onerror="window.__pwned = \'control\'">';
      reply.append(probe);
    });
  await expect.poll(() => pwned(page)).toBe('control');
  expect(requests.some((url) => url.endsWith('/pwned-control.png'))).toBe(true);
  expect(
    await page.evaluate(() => (window as unknown as { __markdownViolations: string[] }).__markdownViolations),
  ).toEqual([
    'element IMG',
    'attribute src="/pwned-control.png" on IMG',
    'attribute onerror="window.__pwned = \'control\'" on IMG',
  ]);
});

const HALF = Math.ceil(HOSTILE_REPLIES.length / 2);
const STREAMED = [HOSTILE_REPLIES.slice(0, HALF), HOSTILE_REPLIES.slice(HALF)];

for (const [part, replies] of STREAMED.entries()) {
  test(`hostile replies ${part + 1}/2, streamed token by token, run nothing and load nothing`, async ({
    page,
    server,
  }) => {
    test.setTimeout(180_000);
    const requests = await recordRequests(page);
    await openAppWithDouble(page, server);
    await loadDouble(page, 'double-timed');
    // Loads the renderer's code first, so from here on the page has no reason to fetch anything.
    await exchange(page, 'echo: warm **up**');
    await expect(lastReply(page).locator('strong')).toHaveText('up');
    await watchTranscript(page, ALLOWED_TAGS, ALLOWED_ATTRIBUTES);
    const before = requests.length;

    for (const reply of replies) {
      await exchange(page, `echo: ${reply.text}`);
      await expectVisible(page, reply);
    }
    await expectSafeTranscript(page);
    expect(
      await page.evaluate(() => (window as unknown as { __markdownViolations: string[] }).__markdownViolations),
    ).toEqual([]);
    expect(await pwned(page)).toBeUndefined();
    expect(requests.slice(before)).toEqual([]);
    expect(replies.length).toBeGreaterThanOrEqual(20);
  });
}

test('hostile replies restored all at once run nothing and load nothing', async ({ page, server }) => {
  const requests = await recordRequests(page);
  await page.goto(`${server.url}/?engine=double`);
  await page.evaluate(
    (replies) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('edge-llm');
        open.onupgradeneeded = () => open.result.createObjectStore('conversations');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const record = {
            version: 1,
            savedAt: Date.now(),
            settings: { systemPrompt: '', maxTokens: 512, temperature: 0.7, engine: 'double', model: 'double-timed' },
            turns: replies.flatMap((text) => [
              { role: 'user', text: 'Say something hostile.' },
              { role: 'assistant', text },
            ]),
          };
          const transaction = open.result.transaction('conversations', 'readwrite');
          transaction.objectStore('conversations').put(record, 'app');
          transaction.oncomplete = () => {
            open.result.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    HOSTILE_REPLIES.map((reply) => reply.text),
  );
  await page.reload();
  const articles = transcript(page).locator('article[data-role="assistant"]');
  await expect(articles).toHaveCount(HOSTILE_REPLIES.length);
  await expect(articles.locator('.text.markdown')).toHaveCount(HOSTILE_REPLIES.length);
  for (const [index, reply] of HOSTILE_REPLIES.entries()) await expectVisible(page, reply, articles.nth(index));
  await expectSafeTranscript(page);
  expect(await pwned(page)).toBeUndefined();
  expect(requests.filter(hostileRequest)).toEqual([]);
});
