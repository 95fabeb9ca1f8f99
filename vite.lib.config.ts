import { defineConfig } from 'vite';

/**
 * The library build: `dist/lib/edge-llm.js`, one ES module for a script tag or an npm import,
 * with the worker, engine chunks and ONNX Runtime files beside it, loaded lazily and located
 * relative to the module (so a page on another origin can load it).
 *
 * Not Vite's library mode: that inlines every asset, which would put ONNX Runtime's 27 MB
 * WebAssembly into the JavaScript as base64.
 */
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: 'src/lib.ts',
      preserveEntrySignatures: 'strict',
      output: { entryFileNames: 'edge-llm.js' },
    },
  },
  worker: { format: 'es' },
});
