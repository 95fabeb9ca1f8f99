import { defineConfig } from 'vite';

/**
 * The library build: `dist/lib/edge-llm.js`, one ES module for a script tag or an npm import,
 * with the worker, engine chunks and ONNX Runtime files beside it, loaded lazily and located
 * relative to the module (so a page on another origin can load it).
 *
 * Not Vite's library mode: that inlines every asset, which would put ONNX Runtime's 27 MB
 * WebAssembly into the JavaScript as base64.
 */
/** Kept out of the shared chunks: only the lazy chunks that save something use it. */
const PERSISTENCE = /[\\/]src[\\/]persistence[\\/](?!crash-markers-key)|[\\/]idb-keyval[\\/]/;

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
      output: {
        entryFileNames: 'edge-llm.js',
        // One chunk for everything the entry loads at once and shares with lazily loaded chunks
        // (the chat and what the benchmark, the evaluation and the crash report also use), and
        // one for what only the lazy chunks share (result files, the correctness check,
        // measurement). Left to itself the bundler makes one small chunk per combination of
        // importers, and a page pays gzip and module overhead on each. Persistence code (and
        // idb-keyval) is left out: only lazy chunks share it, and pages that do not persist never
        // load it.
        codeSplitting: {
          groups: [
            {
              name: 'shared',
              tags: ['$initial'],
              priority: 2,
              minShareCount: 2,
              test: (id: string) => !PERSISTENCE.test(id),
            },
            {
              name: 'results',
              priority: 1,
              minShareCount: 2,
              test: (id: string) => !PERSISTENCE.test(id),
            },
          ],
        },
      },
    },
  },
  worker: { format: 'es' },
});
