import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  build: {
    target: 'es2022',
    manifest: true,
    sourcemap: true,
    // web-llm alone is ~6 MB; it is lazy-loaded inside the worker only.
    chunkSizeWarningLimit: 8000,
    // eval.html: the headless evaluation runner (npm run eval) until the app has its view.
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html', eval: 'eval.html' } },
  },
  worker: {
    format: 'es',
  },
  preview: {
    host: '127.0.0.1',
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
