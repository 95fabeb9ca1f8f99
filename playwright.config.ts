import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

/**
 * Browser tests run the built app (`dist/`) in Debian's Chromium, headless, with real WebGPU
 * through SwiftShader. No browser is downloaded: CHROMIUM_PATH or /usr/bin/chromium is used.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** The specs that load the generated 329 MB model. */
const LARGE = /(real-size|interrupted-download)\.spec\.ts$/;

export default defineConfig({
  testDir: 'tests/browser',
  fullyParallel: false,
  // Two at a time, in CI too: the suite is long, and the specs that must not overlap say so
  // (test.describe.configure({ mode: 'serial' })).
  workers: 2,
  // On a shared 2-core machine a browser test can lose a race with its neighbour: CI runs a failed
  // test once more, and one that passes then is listed as flaky in the report, not hidden.
  retries: process.env.CI ? 1 : 0,
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
  projects: [
    { name: 'browser', testIgnore: LARGE },
    // The 329 MB model's specs run last, once everything else is done: storing hundreds of MB in
    // the Cache API is what a busy neighbour disturbs most.
    { name: 'large-models', testMatch: LARGE, dependencies: ['browser'] },
  ],
});
