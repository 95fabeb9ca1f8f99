/**
 * The app under its own Content-Security-Policy, served as a header exactly as `npm start` serves
 * it (scripts/security-headers.mjs) and as the <meta> the build writes: what breaks the policy is
 * blocked and reported to the server, and the app itself works under it (chat on two engines, the
 * benchmark, offline) without one violation, in the page or in its workers.
 */
import type { Page } from '@playwright/test';
import { appSecurityHeaders, CSP_DIRECTIVES } from '../../scripts/security-headers.mjs';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import { startStaticServer, type StaticServer } from '../support/static-server.ts';
import { loadGguf, openWithGguf, reply as llamaReply } from './llamacpp-helpers.ts';
import { loadSelected, manager, openApp, reply, TINY, waitReady } from './storage-helpers.ts';
import { chooseModel, DIST_DIR, expect, test } from './test.ts';

async function startSecureServer(): Promise<StaticServer> {
  return startStaticServer({
    roots: { '/': DIST_DIR, '/fixtures/': FIXTURES_DIR },
    isolate: true,
    headers: appSecurityHeaders({ report: true }),
    collectCspReports: true,
  });
}

/** Violations the page itself sees (the event), next to the reports the server collects. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
  return () => page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations ?? []);
}

const QUICK_PROBE = { runs: 3, bandwidthBytes: 8 * 2 ** 20, matmulSize: 128, matvecRows: 512, matvecCols: 1024 };

let server: StaticServer;
test.beforeEach(async () => {
  server = await startSecureServer();
});
test.afterEach(async () => {
  await server.close();
});

test('the policy is served as a header and a meta, with no inline script and no eval', async ({ page }) => {
  const response = await page.goto(`${server.url}/?engine=double`);
  const header = response!.headers()['content-security-policy']!;
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
  expect(header).toContain('report-uri /csp-report');
  expect(CSP_DIRECTIVES['script-src']).not.toContain("'unsafe-inline'");
  expect(CSP_DIRECTIVES['script-src']).not.toContain("'unsafe-eval'");
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toContain("object-src 'none'");
  // A <meta> policy cannot carry these; the header does.
  expect(meta).not.toContain('frame-ancestors');
  expect(meta).not.toContain('report-uri');
});

test('an inline script, eval and a script from another origin are blocked and reported', async ({ page }) => {
  const violations = await watchViolations(page);
  await page.goto(`${server.url}/?engine=double`);
  const outcome = await page.evaluate(async () => {
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true';
    document.head.append(inline);
    const foreign = document.createElement('script');
    foreign.src = 'https://cdn.example.invalid/x.js';
    const foreignBlocked = new Promise<boolean>((resolve) => {
      foreign.onerror = () => resolve(true);
      foreign.onload = () => resolve(false);
    });
    document.head.append(foreign);
    // A string timer is eval run later by the page itself (Playwright's own evaluation is exempt).
    setTimeout('window.__evalRan = true');
    await new Promise((resolve) => setTimeout(resolve, 100));
    return {
      inlineRan: (window as { __inlineRan?: boolean }).__inlineRan === true,
      evalRan: (window as { __evalRan?: boolean }).__evalRan === true,
      foreignBlocked: await foreignBlocked,
    };
  });
  expect(outcome).toEqual({ inlineRan: false, evalRan: false, foreignBlocked: true });
  await expect
    .poll(violations)
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^script-src-elem inline/),
        expect.stringMatching(/^script-src eval/),
      ]),
    );
  // The browser reported them to the server too (report-uri), where a host would log them.
  await expect
    .poll(() =>
      server.cspReports.map((report) => `${String(report['effective-directive'])} ${String(report['blocked-uri'])}`),
    )
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^script-src-elem inline/),
        expect.stringMatching(/^script-src-elem https:\/\/cdn\.example\.invalid/),
      ]),
    );
});

test('under the policy: transformers.js chats on WebGPU, then the benchmark runs, with no violation', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const violations = await watchViolations(page);
  await openApp(page, server.url, TINY, false);
  // On WebGPU: SwiftShader's default path is the CPU.
  await chooseModel(page, `${server.url}/fixtures/${TINY}@fp32`, 'gpu');
  await loadSelected(page);
  await waitReady(page);
  expect((await reply(page, 'Under a strict policy.', 6)).outputTokens).toBe(6);
  await expect(page.locator('edge-llm-chat edge-llm-transcript article[data-role="assistant"]').last()).not.toHaveText(
    '',
  );

  // The benchmark's GPU probe (compute shaders) and protocol, on the engine double for speed.
  await page.goto(`${server.url}/?engine=double&view=bench`);
  await chooseModel(page, 'double-timed');
  await page.evaluate((probe) => {
    document.querySelector('edge-llm-app')!.shadowRoot!.querySelector('edge-llm-bench')!.probeOptions = probe;
  }, QUICK_PROBE);
  const bench = page.locator('edge-llm-bench');
  await bench.locator('input[name="runs"]').fill('2');
  await bench.locator('input[name="decode-tokens"]').fill('8');
  await bench.locator('button[data-action="run"]').click();
  await expect(bench.locator('table[data-table="runs"] tbody tr').first()).toBeVisible({ timeout: 120_000 });
  await expect(bench.locator('button[data-action="run"]')).toBeEnabled();

  expect(await violations()).toEqual([]);
  expect(server.cspReports).toEqual([]);
});

test('under the policy: llama.cpp runs its WebAssembly workers and answers, with no violation', async ({ page }) => {
  const violations = await watchViolations(page);
  const model = 'gguf-tiny/edge-tiny-q8_0.gguf';
  await openWithGguf(page, server, [model]);
  await loadGguf(page, server, model, { threads: 2 });
  await expect(page.locator('edge-llm-chat [role="status"]')).toContainText('ready', { timeout: 60_000 });
  const answer = await llamaReply(page, 'Hello there', 8);
  expect(answer.ids).toHaveLength(8);
  expect(await violations()).toEqual([]);
  expect(server.cspReports).toEqual([]);
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });

  test('under the policy: the service worker stores the app and it starts with the network gone', async ({
    page,
    context,
  }) => {
    const violations = await watchViolations(page);
    await openApp(page, server.url, TINY, true);
    await loadSelected(page);
    await waitReady(page);
    expect((await reply(page, 'First visit.', 4)).outputTokens).toBe(4);
    expect(server.cspReports).toEqual([]);
    await server.close();

    await context.setOffline(true);
    await page.reload();
    await expect(manager(page).locator('[data-connection="offline"]')).toBeVisible();
    expect(await violations()).toEqual([]);
    await context.setOffline(false);
    server = await startSecureServer();
  });
});
