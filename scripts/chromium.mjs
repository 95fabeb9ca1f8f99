/**
 * How edge-llm launches Chromium for tests and benchmarks: Debian's build (no browser download),
 * headless, with WebGPU enabled (SwiftShader on machines without a GPU).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  // Without these Chromium keeps trying hosts a machine without internet cannot reach.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Chromium with a persistent profile in a fresh temporary directory, as a normal browser window
 * has: model files it stores survive a reload (a non-persistent context is like a private window,
 * which refuses to store a file over about 268 MB). `close()` ends the browser and deletes the
 * profile. `chromium` is Playwright's (playwright-core or @playwright/test).
 */
export async function launchWithTemporaryProfile(chromium, options) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const profile = mkdtempSync(join(tmpdir(), 'edge-llm-profile-'));
  const context = await chromium.launchPersistentContext(profile, options);
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
