import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Cross-origin isolation, so llama.cpp can run WebAssembly threads (SharedArrayBuffer). Every
 * asset the app loads is same-origin; model files from other hosts are fetched with CORS, which
 * require-corp accepts. A host serving the built app needs the same two headers (see README).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: true,
    // web-llm alone is ~6 MB; it is lazy-loaded inside the worker only.
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  worker: {
    format: 'es',
  },
  server: {
    headers: ISOLATION_HEADERS,
  },
  preview: {
    host: '127.0.0.1',
    headers: ISOLATION_HEADERS,
  },
  plugins: [
    // The app page's service worker (never the library's: a host site owns its own). It precaches
    // the shell and every engine asset, so after one visit the app starts and runs a cached model
    // with no network. Models themselves are cached by the engines, not here.
    VitePWA({
      strategies: 'generateSW',
      // Registered by src/app/offline.ts from the app page only.
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg}'],
        globIgnores: ['lib/**', '**/*.map'],
        // ONNX Runtime's WebAssembly is ~25 MB; without it the transformers.js engine cannot start offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/embed\.html/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
});
