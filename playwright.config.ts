import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

/**
 * Browser tests run the built app (`dist/`) in Debian's Chromium, headless, with real WebGPU
 * through SwiftShader. No browser is downloaded: CHROMIUM_PATH or /usr/bin/chromium is used.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH };

export default defineConfig({
  testDir: 'tests/browser',
  fullyParallel: false,
  // Two at a time, in CI too: the suite is long, and the specs that must not overlap say so
  // (test.describe.configure({ mode: 'serial' })).
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    trace: 'off',
    // The app registers a service worker; tests of other features start from a page it does not
    // control. tests/browser/offline.spec.ts and cache-manager.spec.ts allow it.
    serviceWorkers: 'block',
  },
});
