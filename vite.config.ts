import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { runtimeChunkName } from './scripts/runtime-chunks.mjs';
import { webLlmCatalog } from './scripts/vite-webllm-catalog.mjs';

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
    // eval.html: the headless evaluation runner (npm run eval) until the app has its view.
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html', eval: 'eval.html' } },
  },
  worker: {
    format: 'es',
    plugins: () => [webLlmCatalog()],
    // The engines' runtimes get names the service worker recognises (src/core/app-assets.ts).
    rollupOptions: {
      output: { chunkFileNames: (chunk) => `assets/${runtimeChunkName(chunk.moduleIds) ?? '[name]'}-[hash].js` },
    },
  },
  server: {
    headers: ISOLATION_HEADERS,
  },
  preview: {
    host: '127.0.0.1',
    headers: ISOLATION_HEADERS,
  },
  plugins: [
    // The app page's service worker (never the library's: a host site owns its own), built from
    // workers/sw.ts. It stores the shell when it installs and each engine's runtime on the
    // engine's first use (see src/core/app-assets.ts); models are stored by the engines.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'workers',
      filename: 'sw.ts',
      // Registered by src/app/offline.ts from the app page only.
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg}'],
        globIgnores: ['lib/**', '**/*.map'],
        // The manifest lists the engines' WebAssembly too (ONNX Runtime's 27 MB, llama.cpp's 10 MB):
        // the worker stores each on the engine's first use.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        rollupFormat: 'iife',
      },
    }),
  ],
});
