import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { webLlmCatalog } from './scripts/vite-webllm-catalog.mjs';

/**
 * A test-only build: edge-llm's engine client and worker on a bare page
 * (tests/harness/webllm-0279), with `@mlc-ai/web-llm` resolved to web-llm 0.2.79 (the dev-only
 * `web-llm-0279` alias in package.json). No model library for the shipped web-llm (0.2.86) can be
 * had on machines without internet, and libraries only run on the runtime they were built for;
 * 0.2.79 runs the Qwen2-0.5B library in ../shared/artifacts/mlc, so this build lets one browser test
 * generate real tokens through the adapter. The app and the library builds never see this alias.
 *
 * Output: dist/webllm-0279/ (tests/browser/webllm-generate.spec.ts builds it when it runs).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./tests/harness/webllm-0279', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    alias: [{ find: /^@mlc-ai\/web-llm$/, replacement: 'web-llm-0279' }],
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/webllm-0279', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
  },
  // The worker lists web-llm's models from the catalog module the app's builds generate.
  worker: { format: 'es', plugins: () => [webLlmCatalog()] },
});
